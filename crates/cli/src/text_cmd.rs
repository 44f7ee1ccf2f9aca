//! `verbatim text FILE`: the exact text quote offsets count in.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use verbatim_ingest::{Format, IngestOptions, read_transcript};

use verbatim_project::LoadedFile;

use crate::context::Context;

#[derive(Debug, Args)]
pub struct TextArgs {
    /// The source file.
    file: PathBuf,
    /// Read as this format instead of detecting it (text, vtt, srt, docx).
    #[arg(long)]
    format: Option<Format>,
    /// Print a JSON object (source, format, encoding, text) instead of the bare text.
    #[arg(long)]
    json: bool,
}

pub fn run(_context: &Context, args: &TextArgs) -> anyhow::Result<()> {
    let file = LoadedFile::read(&args.file)?;
    let source = file.source();
    let name = &file.name;
    let options = IngestOptions {
        format: args.format,
        ..IngestOptions::default()
    };
    let (transcript, format, encoding, _) = read_transcript(&source, &options, &|_| false)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "source": name,
            "format": format.name(),
            "encoding": encoding,
            "text": transcript.text,
        });
        writeln!(stdout, "{value}")?;
    } else {
        stdout.write_all(transcript.text.as_bytes())?;
    }
    Ok(())
}
