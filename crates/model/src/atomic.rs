use std::io::{BufWriter, Write};
use std::path::Path;

use crate::Error;

/// Writes a file so that readers see either the old content or the new, never a mix.
///
/// The content goes to a temporary file in the same folder (so the final rename stays on
/// one file system), is flushed and synced, and only then renamed over `path`. If `fill`
/// fails, the temporary file is removed and `path` is untouched. Missing parent folders
/// are created. Only a regular file (or nothing) at `path` is replaced.
pub fn write_atomic<F>(path: &Path, fill: F) -> Result<(), Error>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    write_atomic_file(path, |file| {
        let mut writer = BufWriter::new(file);
        fill(&mut writer)?;
        writer.flush()
    })
}

/// Like [`write_atomic`], but hands `fill` the temporary file itself, so that it can copy
/// from other files inside the kernel (`std::io::copy` between files) as well as write.
pub fn write_atomic_file<F>(path: &Path, fill: F) -> Result<(), Error>
where
    F: FnOnce(&std::fs::File) -> std::io::Result<()>,
{
    refuse_non_regular(path)?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let temp = tempfile::Builder::new()
        .prefix(".verbatim-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    syncing_while(temp.as_file(), || fill(temp.as_file())).map_err(|e| Error::io(path, e))?;
    // A temporary file is private (0600); the result should carry the permissions of the
    // file it replaces, or the usual ones for a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions(),
            Err(_) => std::fs::Permissions::from_mode(0o644),
        };
        temp.as_file()
            .set_permissions(permissions)
            .map_err(|e| Error::io(path, e))?;
    }
    temp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    temp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// An existing `path` that is not a regular file (a symlink, folder, FIFO, device or
/// socket) is never renamed over: replacing `/dev/null` or a link to elsewhere is never
/// what was meant.
fn refuse_non_regular(path: &Path) -> Result<(), Error> {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "a special file (FIFO, device or socket)"
    };
    Err(Error::io(
        path,
        std::io::Error::other(format!(
            "is {what}, not a regular file; refusing to replace it"
        )),
    ))
}

/// How often the pages written so far go to disk while a file is being written.
const SYNC_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Runs `write`, which writes `file`, while another thread sends the file's written pages
/// to disk every [`SYNC_EVERY`]. The sync that must come before a rename then waits only
/// for the last part: for a file of hundreds of megabytes on an ordinary disk that is
/// seconds of waiting moved under the work that produced it.
pub fn syncing_while<T>(file: &std::fs::File, write: impl FnOnce() -> T) -> T {
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                finished.recv_timeout(SYNC_EVERY)
            {
                // A failure shows again in the final sync, which is checked.
                let _ = file.sync_data();
            }
        });
        let result = write();
        drop(done);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_write_is_synced_meanwhile_and_returns_its_result() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("slow.jsonl");
        let file = std::fs::File::create(&path).expect("create");
        let written = syncing_while(&file, || {
            let mut out = &file;
            for line in 0..3 {
                out.write_all(format!("{line}\n").as_bytes())?;
                std::thread::sleep(SYNC_EVERY);
            }
            Ok::<_, std::io::Error>(3)
        });
        assert_eq!(written.expect("write"), 3);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "0\n1\n2\n");
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/out.jsonl");
        write_atomic(&path, |w| w.write_all(b"first\n")).expect("first write");
        write_atomic(&path, |w| w.write_all(b"second\n")).expect("second write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "second\n");
        let entries: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("list")
            .collect();
        assert_eq!(entries.len(), 1, "temporary files were left behind");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_and_replacements_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.html");
        write_atomic(&path, |w| w.write_all(b"a")).expect("write");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&path, |w| w.write_all(b"b")).expect("rewrite");
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn failed_fill_keeps_the_old_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("quotes.jsonl");
        std::fs::write(&path, "precious\n").expect("seed");
        let result = write_atomic(&path, |w| {
            w.write_all(b"half a line")?;
            Err(std::io::Error::other("disk on fire"))
        });
        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "precious\n");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }
}
