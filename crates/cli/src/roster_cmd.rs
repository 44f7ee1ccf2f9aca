//! `verbatim roster extract`: a roster CSV from a report's interviewee list.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, Subcommand};
use verbatim_ingest::{Format, IngestOptions, interviewee_list, read_transcript};
use verbatim_model::Roster;

use verbatim_project::LoadedFile;

use crate::context::Context;

#[derive(Debug, Args)]
pub struct RosterArgs {
    #[command(subcommand)]
    command: RosterCommand,
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Read an "Interviewees" / "Participants" / "People we spoke to" list
    /// (`Name, role, organisation` per line) into roster CSV, inferring area and sector.
    Extract(ExtractArgs),
}

#[derive(Debug, Args)]
struct ExtractArgs {
    /// The report (text, Markdown or .docx).
    file: PathBuf,
    /// Write the CSV to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the people as JSON Lines instead of CSV.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &RosterArgs) -> anyhow::Result<()> {
    match &args.command {
        RosterCommand::Extract(extract) => run_extract(context, extract),
    }
}

fn run_extract(context: &Context, args: &ExtractArgs) -> anyhow::Result<()> {
    let roster = extract(&args.file)?;
    if args.json {
        let mut stdout = std::io::stdout().lock();
        verbatim_model::write_jsonl_to(&mut stdout, roster.speakers())?;
        return Ok(());
    }
    match &args.out {
        Some(path) => {
            context.check_output(path)?;
            roster.save(path)?;
            if !context.quiet {
                eprintln!(
                    "wrote {} people to {}",
                    roster.speakers().len(),
                    path.display()
                );
            }
        }
        None => std::io::stdout()
            .lock()
            .write_all(roster.to_csv_string().as_bytes())?,
    }
    Ok(())
}

fn extract(path: &Path) -> anyhow::Result<Roster> {
    let file = LoadedFile::read(path)?;
    let source = file.source();
    let name = &file.name;
    let options = IngestOptions {
        format: Some(
            match Format::detect(file.extension.as_deref(), &file.bytes) {
                Format::Docx => Format::Docx,
                _ => Format::Report,
            },
        ),
        ..IngestOptions::default()
    };
    let (transcript, _, _, _) = read_transcript(&source, &options, &|_| false)?;
    let Some(people) = interviewee_list(&transcript.text) else {
        bail!("{name}: no \"Interviewees\", \"Participants\" or \"People we spoke to\" list found");
    };
    Ok(Roster::new(people, path)?)
}
