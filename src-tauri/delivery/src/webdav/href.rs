//! Reading a PROPFIND answer safely: which `href`s name a file directly inside our collection,
//! and that file's name. A server (or whoever answers in its place) chooses every byte of the
//! answer, so nothing in it is trusted: an href must be the collection's own path followed by
//! exactly one segment; a segment that decodes to a `/` or `\` (`%2F`, `..%2F`), `.` or `..`,
//! a control character, an invalid escape (`%`, `%4`, `%ZZ`, `%あ`) or bytes that are not UTF-8
//! is ignored, never used as a file name. Percent-decoding is total: it never panics.

use std::borrow::Cow;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::Reader;

/// Every `href` element's text in a multistatus response, whatever the namespace prefix: the
/// local name is compared, as servers differ in prefixes and some leave `href` unprefixed.
/// Character and the five predefined entity references are resolved; an href holding any other
/// entity (a DTD's, which is never expanded) is dropped. A listing that stops being well-formed
/// XML gives the hrefs read before that point.
pub(super) fn hrefs(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    // The text of the href being read, or `None` outside one (or in one that is dropped).
    let mut href: Option<Option<String>> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "href" => href = Some(Some(String::new())),
            Ok(Event::End(e)) if e.local_name().as_ref() == "href" => {
                if let Some(Some(text)) = href.take() {
                    out.push(text.trim().to_string());
                }
            }
            Ok(Event::Text(t)) => push(&mut href, Some(&t.xml10_content())),
            Ok(Event::CData(t)) => push(&mut href, Some(&t.xml10_content())),
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    Ok(None) => resolve_predefined_entity(&r).map(str::to_string),
                    Err(_) => None,
                };
                push(&mut href, resolved.as_deref());
            }
            Ok(Event::Eof) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

/// Add text to the href being read; `None` (an entity that cannot be resolved) drops it.
fn push(href: &mut Option<Option<String>>, text: Option<&str>) {
    if let Some(current) = href {
        match (current.as_mut(), text) {
            (Some(s), Some(t)) => s.push_str(t),
            _ => *current = None,
        }
    }
}

/// The collection a transport lists, split once so every href is compared with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Collection {
    /// `host[:port]`, lower case.
    authority: String,
    /// The decoded path segments, e.g. `["remote.php", "dav", "files", "centre", "chisanpo"]`.
    segments: Vec<String>,
}

impl Collection {
    /// From the transport's base URL (`http(s)://authority/path/`). `None` if its path does not
    /// decode (then nothing can be listed safely).
    pub(super) fn of(base: &str) -> Option<Self> {
        let (authority, path) = split_url(base)?;
        Some(Collection { authority: authority.to_ascii_lowercase(), segments: segments(path)? })
    }

    /// The name of the file `href` names directly inside this collection, or `None` for the
    /// collection itself, a sub-collection, anything outside it, or a name that is not safe.
    pub(super) fn child(&self, href: &str) -> Option<String> {
        if href.contains(['?', '#']) {
            return None;
        }
        let path = match split_url(href) {
            Some((authority, path)) if authority.eq_ignore_ascii_case(&self.authority) => path,
            Some(_) => return None, // another server
            None if href.starts_with('/') => href,
            // A relative reference: one segment, resolved against the collection.
            None if !href.contains(['/', ':']) => return file_name(href),
            None => return None,
        };
        if path.ends_with('/') {
            return None; // a collection
        }
        let mut segs = segments(path)?;
        let name = segs.pop()?;
        (segs == self.segments).then_some(name)
    }
}

/// `(authority, path)` of an absolute http(s) URL; the path is `/` when there is none.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return None;
    };
    match rest.find('/') {
        Some(i) => Some((&rest[..i], &rest[i..])),
        None => Some((rest, "/")),
    }
}

/// The decoded segments of an absolute path (`/a/b/` and `/a/b` both give `["a", "b"]`);
/// `None` if any segment is empty (`//`) or not a safe name.
fn segments(path: &str) -> Option<Vec<String>> {
    let inner = path.strip_prefix('/')?;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner.split('/').map(file_name).collect()
}

/// One path segment, decoded, if it is a safe file name: not empty, not `.` or `..`, without
/// `/`, `\` or control characters, valid escapes and valid UTF-8.
pub(super) fn file_name(segment: &str) -> Option<String> {
    percent_decode(segment).filter(|n| safe_name(n))
}

/// Whether a decoded name is one file: not empty, not `.` or `..`, without `/`, `\` or
/// control characters.
pub(super) fn safe_name(name: &str) -> bool {
    !(name.is_empty() || name == "." || name == ".." || name.chars().any(|c| c == '/' || c == '\\' || c.is_control()))
}

/// Decode `%XX` escapes. `None` for an escape without two hex digits after it (`%`, `%4`,
/// `%ZZ`, `%あ`) or a result that is not UTF-8. percent-encoding passes a broken escape through
/// as it is, so the escapes are checked here first: a name made from one is never used.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let well_formed = s.split('%').skip(1).all(|after| after.as_bytes().get(..2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)));
    well_formed.then(|| percent_decode_str(s).decode_utf8().ok().map(Cow::into_owned)).flatten()
}

/// Every byte but RFC 3986's unreserved `A-Z a-z 0-9 - . _ ~`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Escape a file name for a request URL: everything but `A-Z a-z 0-9 - . _ ~` becomes `%XX`,
/// so a name is always one segment inside the collection and means what it says.
pub(super) fn percent_encode(name: &str) -> String {
    utf8_percent_encode(name, NOT_UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dav() -> Collection {
        Collection::of("https://cloud.example.jp/remote.php/dav/files/centre/chisanpo/").unwrap()
    }

    const BUNDLE: &str = "01977a00-0000-7000-8000-000000000001-00000001-0123456789abcdef.chisanpo-bundle";

    #[test]
    fn hrefs_are_read_whatever_the_prefix() {
        let xml = r#"<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/chisanpo/</D:href></D:response>
            <D:response><D:href>/dav/chisanpo/a-00000001.chisanpo-bundle</D:href></D:response>
            <d:response><d:href>http://H/dav/chisanpo/a%2D00000002.chisanpo-bundle.sha256</d:href></d:response>
            <response><href>/dav/chisanpo/b&amp;c.txt</href></response></D:multistatus>"#;
        let c = Collection::of("http://h/dav/chisanpo/").unwrap();
        let names: Vec<_> = hrefs(xml).iter().filter_map(|h| c.child(h)).collect();
        assert_eq!(names, vec!["a-00000001.chisanpo-bundle", "a-00000002.chisanpo-bundle.sha256", "b&c.txt"]);
    }

    /// What a real XML parser reads that a scan for `<href>` did not: character references and
    /// CDATA; and what it refuses: entities of a DTD (never expanded), an element that does not
    /// close. Whatever it reads still goes through `child`.
    #[test]
    fn hrefs_resolve_references_and_never_expand_a_dtd() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE d:multistatus [<!ENTITY x "/dav/chisanpo/evil.txt"><!ENTITY lol "lol">]>
            <d:multistatus xmlns:d="DAV:">
            <d:response><d:href>&x;</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/&lol;.txt</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/&#x61;&#98;.txt</d:href></d:response>
            <d:response><d:href><![CDATA[/dav/chisanpo/c&d.txt]]></d:href></d:response>
            <d:response><d:href>/dav/chisanpo/a&#x2F;..&#x2F;e.txt</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/&#0;.txt</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/f.txt</d:response>
            <d:response><d:href>/dav/chisanpo/g.txt</d:href></d:response>"#;
        assert_eq!(hrefs(xml), vec!["/dav/chisanpo/ab.txt", "/dav/chisanpo/c&d.txt", "/dav/chisanpo/a/../e.txt"]);
        let c = Collection::of("http://h/dav/chisanpo/").unwrap();
        let names: Vec<_> = hrefs(xml).iter().filter_map(|h| c.child(h)).collect();
        assert_eq!(names, vec!["ab.txt", "c&d.txt"]);
    }

    #[test]
    fn only_a_direct_child_of_the_collection_is_a_name() {
        let c = dav();
        let base = "/remote.php/dav/files/centre/chisanpo";
        assert_eq!(c.child(&format!("{base}/{BUNDLE}")).as_deref(), Some(BUNDLE));
        assert_eq!(c.child(&format!("https://CLOUD.example.jp{base}/{BUNDLE}")).as_deref(), Some(BUNDLE));
        assert_eq!(c.child(BUNDLE).as_deref(), Some(BUNDLE), "a relative reference");
        // Encoded characters the server chose to escape are the same name.
        assert_eq!(c.child(&format!("/remote.php/dav/files/%63entre/chisanpo/{}", percent_encode(BUNDLE))).as_deref(), Some(BUNDLE));
        for attack in [
            format!("{base}/"),                      // the collection itself
            format!("{base}/sub/"),                  // a sub-collection
            format!("{base}/sub/{BUNDLE}"),          // inside a sub-collection
            format!("{base}/..%2Fother%2F{BUNDLE}"), // ..%2F escapes upwards
            format!("{base}/other%2F{BUNDLE}"),      // %2F is a slash
            format!("{base}/other%2f{BUNDLE}"),      // in lower case too
            format!("{base}/other%5C{BUNDLE}"),      // a backslash
            format!("{base}/.."),                    // dot segments
            format!("{base}/%2E%2E"),                // encoded
            format!("{base}/."),
            format!("{base}/../chisanpo/{BUNDLE}"),                   // back in through ..
            format!("{base}//{BUNDLE}"),                              // an empty segment
            format!("/remote.php/dav/files/other/chisanpo/{BUNDLE}"), // another user's folder
            format!("/chisanpo/{BUNDLE}"),                            // another path prefix
            format!("/etc/{BUNDLE}"),
            format!("https://evil.example.jp{base}/{BUNDLE}"),       // another host
            format!("https://cloud.example.jp:8443{base}/{BUNDLE}"), // another port
            format!("{base}/{BUNDLE}?x=1"),                          // a query
            format!("{base}/{BUNDLE}#x"),
            format!("{base}/a%00.chisanpo-bundle"), // a NUL
            format!("{base}/a%0A.chisanpo-bundle"), // a line break
            format!("{base}/%FF.chisanpo-bundle"),  // not UTF-8
            format!("{base}/%あ.chisanpo-bundle"),  // invalid escapes
            format!("{base}/a%.chisanpo-bundle"),
            format!("{base}/a.chisanpo-bundle%"),
            format!("{base}/a.chisanpo-bundle%4"),
            format!("{base}/a%ZZ.chisanpo-bundle"),
            "../x.chisanpo-bundle".to_string(),
            "file:///etc/passwd".to_string(),
            String::new(),
        ] {
            assert_eq!(c.child(&attack), None, "{attack}");
        }
    }

    #[test]
    fn decoding_is_total_on_broken_escapes_and_keeps_multibyte_names() {
        for bad in ["%あ", "%", "%4", "%ZZ", "a%", "a%4", "%4あ", "%あい", "%%41", "%C3", "%E3%81"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
            assert_eq!(file_name(bad), None, "{bad}");
        }
        assert_eq!(percent_decode("%E3%81%82").as_deref(), Some("あ"));
        assert_eq!(percent_decode("鷲尾%20ヒカル").as_deref(), Some("鷲尾 ヒカル"));
        assert_eq!(percent_decode("%41%4a%4A").as_deref(), Some("AJJ"));
        assert_eq!(file_name("受領%E3%81%82.txt").as_deref(), Some("受領あ.txt"));
        assert_eq!(percent_encode("受領 あ/..%"), "%E5%8F%97%E9%A0%98%20%E3%81%82%2F..%25");
        assert_eq!(percent_encode(BUNDLE), BUNDLE, "bundle names go as they are");
        assert_eq!(Collection::of("http://h/%ZZ/"), None);
        assert_eq!(Collection::of("http://127.0.0.1:8080").unwrap(), Collection { authority: "127.0.0.1:8080".into(), segments: vec![] });
    }

    proptest! {
        #[test]
        fn decoding_never_panics(s in "\\PC*", t in proptest::collection::vec(any::<char>(), 0..16)) {
            let _ = percent_decode(&s);
            let t: String = t.into_iter().collect();
            let _ = percent_decode(&t);
            let _ = dav().child(&t);
            let _ = dav().child(&format!("/remote.php/dav/files/centre/chisanpo/{t}"));
            let _ = hrefs(&t);
        }

        #[test]
        fn any_name_goes_there_and_back_and_a_name_is_never_a_path(name in "\\PC{1,24}") {
            prop_assert_eq!(percent_decode(&percent_encode(&name)), Some(name.clone()));
            let href = format!("/remote.php/dav/files/centre/chisanpo/{}", percent_encode(&name));
            match dav().child(&href) {
                Some(n) => {
                    prop_assert_eq!(&n, &name);
                    prop_assert!(!n.contains(['/', '\\']) && n != "." && n != "..");
                }
                None => prop_assert!(name.contains(['/', '\\']) || name == "." || name == ".." || name.chars().any(char::is_control)),
            }
        }
    }
}
