//! No core dump of this process (issue 13, Low): while unlocked, its memory holds the data key
//! and the records being worked on; a crash must not write them to a core file, nor hand them
//! to a crash collector. Called first thing, for the app and the CLI alike.
//!
//! - Unix: the core file size limit is set to 0 (soft and hard).
//! - Linux: the process is also made non-dumpable (`PR_SET_DUMPABLE` 0), which stops crash
//!   collectors fed through a pipe (systemd-coredump, apport) and other processes of the same
//!   user from reading its memory through ptrace or `/proc/<pid>/mem`.
//! - Windows and macOS: their crash reporters are configured by the system, outside the app.

/// Forbid core dumps of this process. Failures are ignored: the app runs either way.
pub fn forbid() {
    #[cfg(unix)]
    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_dumpable(false);
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(unix)]
    fn after_forbid_no_core_file_can_be_written_nor_the_memory_read_by_others() {
        super::forbid();
        assert_eq!(nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_CORE).unwrap(), (0, 0));
        #[cfg(target_os = "linux")]
        assert!(!nix::sys::prctl::get_dumpable().unwrap());
    }
}
