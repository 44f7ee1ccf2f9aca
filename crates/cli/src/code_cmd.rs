//! `verbatim code`: code every quote against a codebook.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use verbatim_model::{Codebook, CodedQuote, QuoteTable};
use verbatim_project::{CodeRequest, Refreshed, code, refresh};

use crate::context::Context;
use crate::ingest_cmd::SourceArgs;
use crate::output;

#[derive(Debug, Args)]
pub struct CodeArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// Print each quote with its codes as JSON Lines instead of the summary.
    #[arg(long)]
    json: bool,
}

pub fn run(context: &Context, args: &CodeArgs) -> anyhow::Result<()> {
    let reporter = context.reporter();
    if let (Some(project), true, false) =
        (&context.project, args.sources.paths.is_empty(), args.json)
    {
        // A project's summary needs only the quote table.
        let refreshed = refresh(project, args.codebook.as_deref(), &reporter)?;
        if !context.quiet {
            let written = project.shown(&project.state_path("codings.jsonl"));
            // With another codebook the counts of sources read and kept say little: they
            // are all read again.
            let sources = args.codebook.is_none().then_some(&refreshed);
            let summary = summary(&refreshed.codebook, &refreshed.table, sources, &written);
            std::io::stdout().lock().write_all(summary.as_bytes())?;
        }
        return Ok(());
    }
    let request = CodeRequest {
        paths: args.sources.paths.clone(),
        codebook: args.codebook.clone(),
        read: args.sources.read_options(),
        model: context.model.clone(),
    };
    let coded = code(context.project.as_ref(), &request, &reporter)?;
    if args.json {
        let mut stdout = std::io::stdout().lock();
        output::write_json_lines(&mut stdout, &coded.quotes)?;
        return Ok(());
    }
    if !context.quiet {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(coded_summary(&coded.codebook, &coded.quotes).as_bytes())?;
    }
    Ok(())
}

/// Per theme, its quotes and the quotes it is first for, from the project's table.
fn summary(
    codebook: &Codebook,
    table: &QuoteTable,
    sources: Option<&Refreshed>,
    written: &Path,
) -> String {
    let mut quotes = vec![0usize; table.themes.len()];
    let mut first = vec![0usize; table.themes.len()];
    let mut with_codes = 0;
    let mut codes = 0;
    for row in 0..table.rows() {
        let mut any = false;
        for (i, code) in table.codes(row).enumerate() {
            quotes[code.theme_id as usize] += 1;
            if i == 0 {
                first[code.theme_id as usize] += 1;
            }
            any = true;
            codes += 1;
        }
        with_codes += usize::from(any);
    }
    let count =
        |counts: &[usize], theme: &str| table.theme_id(theme).map_or(0, |id| counts[id as usize]);
    let mut out = theme_table(codebook, |theme| {
        (count(&quotes, theme), count(&first, theme))
    });
    out.push_str(&totals(table.rows(), with_codes, codes));
    match sources {
        Some(refreshed) => out.push_str(&format!(
            "{} sources read, {} unchanged; wrote {codes} codings to {}\n",
            refreshed.read,
            refreshed.kept,
            written.display()
        )),
        None => out.push_str(&format!("wrote {codes} codings to {}\n", written.display())),
    }
    out
}

/// The same for quotes coded in memory.
fn coded_summary(codebook: &Codebook, coded: &[CodedQuote]) -> String {
    let mut out = theme_table(codebook, |theme| {
        let quotes = coded
            .iter()
            .filter(|c| c.codes.iter().any(|code| code.theme == theme))
            .count();
        let first = coded
            .iter()
            .filter(|c| c.codes.first().is_some_and(|code| code.theme == theme))
            .count();
        (quotes, first)
    });
    let with_codes = coded.iter().filter(|c| !c.codes.is_empty()).count();
    let codes: usize = coded.iter().map(|c| c.codes.len()).sum();
    out.push_str(&totals(coded.len(), with_codes, codes));
    out
}

fn theme_table(codebook: &Codebook, counts: impl Fn(&str) -> (usize, usize)) -> String {
    let mut rows = vec![[
        "theme".to_string(),
        "name".to_string(),
        "quotes".to_string(),
        "first".to_string(),
    ]];
    for theme in &codebook.themes {
        let (quotes, first) = counts(&theme.id);
        rows.push([
            theme.id.clone(),
            theme.name.clone(),
            quotes.to_string(),
            first.to_string(),
        ]);
    }
    output::table(&rows, &[false, false, true, true])
}

fn totals(quotes: usize, with_codes: usize, codes: usize) -> String {
    format!(
        "\n{quotes} quotes, {with_codes} coded, {codes} codes (\"first\": the quote's best theme)\n"
    )
}
