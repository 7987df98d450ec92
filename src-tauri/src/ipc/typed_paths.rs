//! Paths typed or pasted in a field instead of chosen in a dialog (ADR 0017, finding 9). A path
//! the dialog returned is used for what it was chosen for; a typed one only within narrow
//! rules, so that the page cannot make the app read, write or fill a place the user did not
//! mean:
//! - a file to **read** (a centre profile, an enrolment request, a backup, a font): an absolute
//!   path to an existing file of the expected kind (by extension, after links are followed),
//!   outside the app's data folder (never the keyring, the database, the spool);
//! - a file to **write** (an enrolment request): a new file of the expected kind, in an existing
//!   folder outside the data folder; a typed path never writes over a file;
//! - a **folder** the app fills with files of its own naming (exports, backups, bundles): an
//!   absolute path outside the data folder.
//!
//! Typed paths stay possible because the place of a file is often pasted, and the end-to-end
//! tests cannot drive a native dialog.

use std::path::{Path, PathBuf};

use chisanpo_core::Error;

use super::{AppState, Grant};

/// What the field is for, in the words of its error messages.
pub(crate) struct Field {
    /// The request field, for the error.
    pub name: &'static str,
    /// Extensions (without the dot) a typed file may have.
    pub extensions: &'static [&'static str],
    /// How to choose it instead, ending the messages, e.g. 「参照…」でセンタープロファイルを選んでください。
    pub how: &'static str,
}

fn refuse(field: &Field, why: &str) -> Error {
    Error::invalid(field.name, format!("{why}{}", field.how))
}

/// A typed path must be plain: absolute, with no `..` (which a folder not made yet would resolve
/// only later, inside the data folder perhaps) and, on Windows, no network or `\\?\` prefix (a
/// network path would be opened just to check it, sending the user's credentials).
fn plain(p: &Path) -> bool {
    use std::path::{Component, Prefix};
    p.is_absolute()
        && p.components().all(|c| match c {
            Component::ParentDir => false,
            Component::Prefix(prefix) => matches!(prefix.kind(), Prefix::Disk(_)),
            _ => true,
        })
}

fn inside(real: &Path, data_dir: &Path) -> bool {
    data_dir.canonicalize().is_ok_and(|d| real.starts_with(d))
}

fn of_kind(real: &Path, field: &Field) -> bool {
    real.extension().and_then(|e| e.to_str()).is_some_and(|e| field.extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The nearest folder of `path` that exists, links followed (for a folder not made yet).
fn nearest_existing(path: &Path) -> Option<PathBuf> {
    path.ancestors().find_map(|a| a.canonicalize().ok())
}

/// A file the app may read: the open dialog returned it, or a typed path within the rules.
pub(crate) fn to_read(state: &AppState, path: &str, field: &Field) -> Result<PathBuf, Error> {
    let p = Path::new(path.trim());
    if state.chosen_to_read(p) {
        return Ok(p.to_path_buf());
    }
    if !plain(p) {
        return Err(refuse(field, "ファイルの場所は絶対パス（/home/… や C:\\… の形、.. やネットワークの場所は使えません）で指定してください。"));
    }
    let real = p.canonicalize().map_err(|_| Error::File { path: p.display().to_string(), source: None })?;
    if !real.is_file() || !of_kind(&real, field) {
        return Err(refuse(field, &format!("読み込めるのは {} のファイルだけです。", dotted(field))));
    }
    if inside(&real, state.data_dir()) {
        return Err(refuse(field, "アプリのデータフォルダの中のファイルは読み込めません。"));
    }
    Ok(real)
}

/// A file the app may write: the save dialog returned it (used up by this write), or a typed
/// path to a new file within the rules.
pub(crate) fn to_write(state: &AppState, path: &str, field: &Field) -> Result<PathBuf, Error> {
    let p = Path::new(path.trim());
    if state.take_grant(p, Grant::Save) {
        return Ok(p.to_path_buf());
    }
    if !plain(p) || p.file_name().is_none() {
        return Err(refuse(field, "保存先はファイルの絶対パスで指定してください。"));
    }
    if !of_kind(p, field) {
        return Err(refuse(field, &format!("保存できるのは {} のファイルだけです。", dotted(field))));
    }
    if p.symlink_metadata().is_ok() {
        return Err(refuse(field, "同じ名前のファイルが既にあります。上書きはしません。別の名前にしてください。"));
    }
    let parent = p.parent().and_then(|d| d.canonicalize().ok()).ok_or_else(|| Error::File { path: p.display().to_string(), source: None })?;
    if inside(&parent, state.data_dir()) {
        return Err(refuse(field, "アプリのデータフォルダの中には保存できません。"));
    }
    Ok(parent.join(p.file_name().expect("checked above")))
}

/// A folder the app fills with files of its own: empty (none), the folder dialog's answer, or a
/// typed absolute path outside the data folder (it may not exist yet).
pub(crate) fn folder(state: &AppState, path: &str, field: &Field) -> Result<(), Error> {
    let path = path.trim();
    let p = Path::new(path);
    if path.is_empty() || state.take_grant(p, Grant::Folder) {
        return Ok(());
    }
    if !plain(p) {
        return Err(refuse(field, "フォルダは絶対パスで指定してください（.. やネットワークの場所は使えません）。"));
    }
    if nearest_existing(p).is_some_and(|real| inside(&real, state.data_dir())) {
        return Err(refuse(field, "アプリのデータフォルダの中は指定できません。"));
    }
    Ok(())
}

fn dotted(field: &Field) -> String {
    field.extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join("・")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: Field = Field { name: "profile_path", extensions: &["json"], how: "「参照…」で選んでください。" };

    fn state() -> (tempfile::TempDir, AppState) {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let state = AppState::new(data);
        (tmp, state)
    }

    #[test]
    fn a_typed_file_is_read_only_if_it_is_of_its_kind_and_outside_the_data_folder() {
        let (tmp, state) = state();
        let good = tmp.path().join("centre-profile.json");
        std::fs::write(&good, "{}").unwrap();
        assert!(to_read(&state, &good.display().to_string(), &PROFILE).is_ok());
        let keyring = state.data_dir().join("keyring.json");
        std::fs::write(&keyring, "{}").unwrap();
        let msg = to_read(&state, &keyring.display().to_string(), &PROFILE).unwrap_err().to_string();
        assert!(msg.contains("データフォルダの中") && msg.contains("参照…"), "{msg}");
        // Through a link, or another kind of file, or a relative path: refused all the same.
        #[cfg(unix)]
        {
            let link = tmp.path().join("innocent.json");
            std::os::unix::fs::symlink(&keyring, &link).unwrap();
            assert!(to_read(&state, &link.display().to_string(), &PROFILE).is_err());
        }
        assert!(to_read(&state, "/etc/passwd", &PROFILE).unwrap_err().to_string().contains(".json"));
        assert!(to_read(&state, "centre-profile.json", &PROFILE).is_err());
        // What the open dialog returned is read, wherever it is.
        state.grant(&keyring.display().to_string(), Grant::Read);
        assert!(to_read(&state, &keyring.display().to_string(), &PROFILE).is_ok());
    }

    #[test]
    fn a_typed_file_is_written_only_new_of_its_kind_and_outside_the_data_folder() {
        let (tmp, state) = state();
        let new = tmp.path().join("request.json");
        assert_eq!(to_write(&state, &new.display().to_string(), &PROFILE).unwrap(), tmp.path().canonicalize().unwrap().join("request.json"));
        let existing = tmp.path().join("existing.json");
        std::fs::write(&existing, "keep me").unwrap();
        assert!(to_write(&state, &existing.display().to_string(), &PROFILE).unwrap_err().to_string().contains("上書きはしません"));
        assert!(to_write(&state, &tmp.path().join(".bashrc").display().to_string(), &PROFILE).is_err());
        assert!(to_write(&state, &state.data_dir().join("x.json").display().to_string(), &PROFILE).is_err());
        // The save dialog's answer is written once, even over a file (the dialog asked).
        state.grant(&existing.display().to_string(), Grant::Save);
        assert!(to_write(&state, &existing.display().to_string(), &PROFILE).is_ok());
        assert!(to_write(&state, &existing.display().to_string(), &PROFILE).is_err(), "used up");
    }

    #[test]
    fn a_typed_folder_is_taken_only_outside_the_data_folder() {
        let (tmp, state) = state();
        assert!(folder(&state, "", &PROFILE).is_ok());
        assert!(folder(&state, &tmp.path().join("not-yet/backups").display().to_string(), &PROFILE).is_ok());
        assert!(folder(&state, "relative/path", &PROFILE).is_err());
        let spool = state.data_dir().join("print-spool");
        assert!(folder(&state, &spool.display().to_string(), &PROFILE).unwrap_err().to_string().contains("データフォルダの中"));
        assert!(folder(&state, &state.data_dir().display().to_string(), &PROFILE).is_err());
        // Through a folder not made yet and `..`: the text alone is judged, and refused.
        let around = tmp.path().join("nope").join("..").join("data").join("print-spool");
        assert!(folder(&state, &around.display().to_string(), &PROFILE).is_err());
        assert!(to_write(&state, &tmp.path().join("nope/../request.json").display().to_string(), &PROFILE).is_err());
    }
}
