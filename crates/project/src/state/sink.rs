//! The state file being written: serialised lines go through a buffer; carried-over byte
//! ranges of the old file are gathered while contiguous and copied by the kernel.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use verbatim_model::{FileStamp, syncing_while};

use crate::error::{IoContext, Result};

/// Appends to the state file at `path`, whose table stamp is `stamp`, what `write` puts
/// through an in-place sink, and syncs it. Should that fail, the file is cut back to the
/// stamp, so that the table still describes it.
pub(crate) fn append_in_place<T>(
    path: &Path,
    stamp: FileStamp,
    write: impl FnOnce(&mut Sink<'_>) -> std::io::Result<T>,
) -> Result<T> {
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .io_context(|| format!("{}: cannot append", path.display()))?;
    let written = syncing_while(&file, || {
        let mut out = Sink::appending(&file);
        let written = write(&mut out)?;
        out.finish()?;
        Ok(written)
    })
    .and_then(|written| file.sync_data().map(|()| written));
    if written.is_err() {
        restore(&file, stamp).io_context(|| format!("{}: cannot restore", path.display()))?;
    }
    written.io_context(|| format!("{}: cannot write", path.display()))
}

/// Cuts an appended file back to what the table says it was, modification time included.
fn restore(file: &File, stamp: FileStamp) -> std::io::Result<()> {
    file.set_len(stamp.len)?;
    let modified = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(stamp.modified_ns);
    file.set_times(std::fs::FileTimes::new().set_modified(modified))
}

pub(crate) struct Sink<'f> {
    buffer: BufWriter<&'f File>,
    old: Option<&'f File>,
    /// Old bytes still to copy.
    pending: Option<(u64, u64)>,
    /// Bytes written or pending so far: the position of the next byte.
    pub(crate) position: u64,
    /// Appending to the old file itself: carried-over bytes are already in place.
    in_place: bool,
    /// The line being serialised, reused from one line to the next.
    line: Vec<u8>,
}

impl<'f> Sink<'f> {
    pub(crate) fn new(file: &'f File, old: Option<&'f File>) -> Self {
        Sink {
            buffer: BufWriter::with_capacity(1 << 20, file),
            old,
            pending: None,
            position: 0,
            in_place: false,
            line: Vec::with_capacity(4096),
        }
    }

    /// Appends to `file` (opened for appending): its bytes are kept, in order, before
    /// the first new line.
    pub(crate) fn appending(file: &'f File) -> Self {
        Sink {
            in_place: true,
            ..Sink::new(file, None)
        }
    }

    pub(crate) fn line<T: serde::Serialize>(&mut self, value: &T) -> std::io::Result<()> {
        self.copy_pending()?;
        self.line.clear();
        serde_json::to_writer(&mut self.line, value)?;
        self.line.push(b'\n');
        self.buffer.write_all(&self.line)?;
        self.position += self.line.len() as u64;
        Ok(())
    }

    /// Carries over bytes `range` of the old file.
    pub(crate) fn keep(&mut self, range: (u64, u64)) -> std::io::Result<()> {
        if self.in_place {
            if range.0 != self.position {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "kept lines out of place in the quote file",
                ));
            }
            self.position = range.1;
            return Ok(());
        }
        match &mut self.pending {
            Some(pending) if pending.1 == range.0 => pending.1 = range.1,
            _ => {
                self.copy_pending()?;
                self.pending = Some(range);
            }
        }
        self.position += range.1 - range.0;
        Ok(())
    }

    fn copy_pending(&mut self) -> std::io::Result<()> {
        let (Some(range), Some(mut from)) = (self.pending.take(), self.old) else {
            return Ok(());
        };
        self.buffer.flush()?;
        from.seek(SeekFrom::Start(range.0))?;
        let length = range.1 - range.0;
        let copied = std::io::copy(&mut from.take(length), self.buffer.get_mut())?;
        if copied != length {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "shorter than the quote table says",
            ));
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.copy_pending()?;
        self.buffer.flush()
    }
}
