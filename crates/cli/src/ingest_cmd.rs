//! `verbatim ingest`: sources to quotes.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use verbatim_ingest::Format;
use verbatim_project::{ReadOptions, ingest_project, read_all};

use crate::context::Context;
use crate::output;

/// Which sources to read and how: shared by every command that ingests.
#[derive(Debug, Clone, Default, Args)]
pub struct SourceArgs {
    /// Files or folders (folders recurse); default: the project's sources.
    pub paths: Vec<PathBuf>,
    /// Roster CSV (default: the project's roster).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Read every source as this format (text, vtt, srt, docx, report) instead of detecting it.
    #[arg(id = "source_format", long = "source-format", value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Longest quote in words; longer paragraphs are split at sentence ends (0: never).
    #[arg(long, value_name = "N")]
    max_words: Option<usize>,
    /// Keep interviewer turns as quotes.
    #[arg(long)]
    keep_interviewer: bool,
    /// Keep small talk (greetings, thanks, call logistics) as quotes, marked
    /// `kind: "smalltalk"`; by default it is set aside and neither coded nor counted.
    #[arg(long)]
    keep_smalltalk: bool,
    /// An interviewer's name (repeatable), besides front matter and roster role.
    #[arg(long, value_name = "NAME")]
    interviewer: Vec<String>,
    /// Round for sources that do not name one.
    #[arg(long)]
    round: Option<String>,
    /// Shortest quotation taken from a report, in words; shorter ones are scare quotes.
    #[arg(long, value_name = "N")]
    min_quote_words: Option<usize>,
}

impl SourceArgs {
    pub fn read_options(&self) -> ReadOptions {
        ReadOptions {
            roster: self.roster.clone(),
            format: self.format,
            max_words: self.max_words,
            keep_interviewer: self.keep_interviewer,
            keep_smalltalk: self.keep_smalltalk,
            interviewers: self.interviewer.clone(),
            round: self.round.clone(),
            min_quote_words: self.min_quote_words,
        }
    }
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// The older spelling of `--source-format`, kept hidden so that scripts using it
    /// still work; one flag for one thing in the help.
    #[arg(long, hide = true)]
    format: Option<Format>,
    /// Print quotes as JSON Lines instead of the summary.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &IngestArgs) -> anyhow::Result<()> {
    if let (Some(a), Some(b)) = (args.format, args.sources.format)
        && a != b
    {
        bail!("--format {a} and --source-format {b} disagree");
    }
    let mut options = args.sources.read_options();
    options.format = args.format.or(args.sources.format);
    let reporter = context.reporter();
    let project = context.project.as_ref();
    match project {
        // The project's own sources: streamed into its quote file.
        Some(project) if args.sources.paths.is_empty() => {
            let ingested = ingest_project(project, &options, args.json, &reporter)?;
            if args.json {
                output::print_jsonl(ingested.quotes.iter())
            } else if !context.quiet {
                let written = (ingested.written, project.config.name.clone());
                output::print_summary(
                    &ingested.summaries,
                    ingested.roster.as_deref(),
                    Some(&written),
                )
            } else {
                Ok(())
            }
        }
        _ => {
            let ingestion = read_all(project, &args.sources.paths, &options, &reporter)?;
            if args.json {
                output::print_jsonl(ingestion.quotes())
            } else if !context.quiet {
                output::print_summary(&ingestion.summaries(), ingestion.roster.as_deref(), None)
            } else {
                Ok(())
            }
        }
    }
}
