//! Ingesting a project without coding it: its sources streamed into `quotes.jsonl`. The
//! quote table is not touched, so the next refresh sees the quote file changed and
//! rebuilds the rest from the sources.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use verbatim_ingest::Ingested;
use verbatim_model::{Quote, write_atomic_file, write_jsonl_to};

use super::paths::StatePaths;
use crate::config::Project;
use crate::error::{Error, Result};
use crate::observer::Observer;
use crate::read::{ReadOptions, SourceReader, SourceSummary, ids_of, read_in_batches};
use crate::sources::list_sources;

/// What ingesting a project did.
#[derive(Debug)]
pub struct IngestedProject {
    /// Each source's summary, in file order.
    pub summaries: Vec<SourceSummary>,
    /// The roster as the user named it.
    pub roster: Option<PathBuf>,
    /// The quote file written, relative to the project.
    pub written: PathBuf,
    /// Every quote, when asked to keep them.
    pub quotes: Vec<Quote>,
}

/// Reads the project's sources into `.verbatim/quotes.jsonl` a batch at a time, holding
/// only the batches in flight unless `keep_quotes`. Should a source be unreadable, every
/// such source is named and the quote file stays as it was.
pub fn ingest_project(
    project: &Project,
    options: &ReadOptions,
    keep_quotes: bool,
    observer: &dyn Observer,
) -> Result<IngestedProject> {
    let _lock = super::lock::StateLock::take(project, observer)?;
    let files = list_sources(Some(project), &[], observer)?;
    let ids = ids_of(&files);
    let reader = SourceReader::new(Some(project), options)?;
    let paths = StatePaths::of(project);
    let mut failure = None;
    let mut done = None;
    let every: Vec<usize> = (0..files.len()).collect();
    // Lines are written on a thread of their own while the next batch is read.
    let written = write_atomic_file(&paths.quotes, |file| {
        let files = &files;
        let (read, wrote) = std::thread::scope(|scope| {
            let (queue, batches) = sync_channel::<Vec<(usize, Ingested)>>(2);
            let writer = scope.spawn(move || {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                let mut summaries = Vec::with_capacity(files.len());
                let mut quotes = Vec::new();
                for batch in batches {
                    for (i, ingested) in batch {
                        write_jsonl_to(&mut out, &ingested.quotes)?;
                        summaries.push(SourceSummary::of(&files[i], &ingested));
                        if keep_quotes {
                            quotes.extend(ingested.quotes);
                        }
                    }
                }
                out.flush()?;
                Ok((summaries, quotes))
            });
            let read = read_in_batches(
                &reader,
                files,
                &ids,
                &every,
                "ingesting",
                observer,
                |batch| Ok(queue.send(batch).is_ok()),
            );
            drop(queue);
            let wrote = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("writing the quotes failed")));
            (read, wrote)
        });
        match read {
            Ok(()) => {
                done = Some(wrote?);
                Ok(())
            }
            Err(error) => {
                failure = Some(error);
                Err(std::io::Error::other("the sources could not be read"))
            }
        }
    });
    if let Some(error) = failure {
        return Err(error);
    }
    written?;
    let (summaries, quotes) =
        done.ok_or_else(|| Error::Internal("the quote file was not written".into()))?;
    Ok(IngestedProject {
        summaries,
        roster: reader.roster_shown,
        written: project.shown(&paths.quotes),
        quotes,
    })
}
