//! `verbatim code`: ingest if needed, then code every quote against a codebook.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use verbatim_coder::{Coder, QuoteIndex};
use verbatim_model::{Codebook, CodedQuote, Coding, Origin, Quote, read_jsonl, write_jsonl};

use crate::codebook_cmd;
use crate::config::Context;
use crate::ingest_cmd::{self, SourceArgs};
use crate::output;
use crate::state;

/// The coder name written on automatic codings.
pub const AUTO_CODER: &str = "verbatim";

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

/// The result of coding: the codebook, each quote with its codes, and every coding
/// (manual ones as written, then automatic ones) as stored.
pub struct Coded {
    pub codebook: Codebook,
    pub quotes: Vec<CodedQuote>,
    pub codings: Vec<Coding>,
    /// The codings file written, relative to the project, for a project run.
    pub written: Option<PathBuf>,
}

/// For a project run, the project's state brought up to date (reading only what changed)
/// and loaded; otherwise a fresh coding of the files given.
pub fn stored_or_coded(
    context: &Context,
    sources: &SourceArgs,
    codebook: Option<&Path>,
) -> anyhow::Result<Coded> {
    if let (Some(project), true, None) = (&context.project, sources.paths.is_empty(), codebook) {
        let refreshed = state::refresh(context, project)?;
        return load_stored(project, refreshed.codebook);
    }
    code_sources(context, sources, codebook)
}

/// Reads the project's quotes and codings files.
fn load_stored(project: &crate::config::Project, codebook: Codebook) -> anyhow::Result<Coded> {
    let paths = state::StatePaths::of(project);
    let quotes: Vec<Quote> = read_jsonl(&paths.quotes)?;
    let codings: Vec<Coding> = read_jsonl(&paths.codings)?;
    let mut by_quote = state::codes_by_quote(&codings);
    let coded_quotes = quotes
        .into_iter()
        .map(|quote| {
            let mut codes = by_quote.remove(quote.id.as_str()).unwrap_or_default();
            state::sort_codes(&mut codes);
            CodedQuote { quote, codes }
        })
        .collect();
    Ok(Coded {
        codebook,
        quotes: coded_quotes,
        codings,
        written: None,
    })
}

/// Ingests the sources and codes them; a project run also writes `.verbatim/quotes.jsonl`
/// and `.verbatim/codings.jsonl` (keeping manual codings) and keeps the index.
pub fn code_sources(
    context: &Context,
    sources: &SourceArgs,
    codebook: Option<&Path>,
) -> anyhow::Result<Coded> {
    let (codebook, _) = codebook_cmd::load(context, codebook)?;
    let coder = Coder::new(&codebook)?;
    let ingestion = ingest_cmd::ingest_files(context, sources)?;
    ingest_cmd::print_warnings(context, &ingestion);
    let written_quotes = ingest_cmd::write_project_quotes(context, sources, &ingestion)?;
    let quotes: Vec<Quote> = ingestion
        .files
        .into_iter()
        .flat_map(|(_, ingested)| ingested.quotes)
        .collect();
    let project = context
        .project
        .as_ref()
        .filter(|_| written_quotes.is_some());
    let auto = coder.code(&QuoteIndex::in_memory(&quotes)?)?;
    let manual_lines = match project {
        Some(project) => {
            state::manual_codings(&project.state_path("codings.jsonl"), None, context.quiet)?
        }
        None => Vec::new(),
    };
    let manual = state::codes_by_quote(&manual_lines);
    let coded: Vec<CodedQuote> = quotes
        .into_iter()
        .zip(auto)
        .map(|(quote, auto)| {
            let codes = state::merge(manual.get(quote.id.as_str()), auto);
            CodedQuote { quote, codes }
        })
        .collect();
    let codings: Vec<Coding> = manual_lines
        .into_iter()
        .chain(auto_codings(&coded))
        .collect();
    let written = match project {
        Some(project) => {
            let path = project.state_path("codings.jsonl");
            write_jsonl(&path, &codings)?;
            Some(
                path.strip_prefix(&project.root)
                    .unwrap_or(&path)
                    .to_path_buf(),
            )
        }
        None => None,
    };
    Ok(Coded {
        codebook,
        quotes: coded,
        codings,
        written,
    })
}

pub fn run(context: &Context, args: &CodeArgs) -> anyhow::Result<()> {
    if let (Some(project), true, None, false) = (
        &context.project,
        args.sources.paths.is_empty(),
        &args.codebook,
        args.json,
    ) {
        // A project's summary needs only the quote table.
        let refreshed = state::refresh(context, project)?;
        if !context.quiet {
            let written = project.state_path("codings.jsonl");
            let shown = written.strip_prefix(&project.root).unwrap_or(&written);
            let summary = table_summary(&refreshed, shown);
            std::io::stdout().lock().write_all(summary.as_bytes())?;
        }
        return Ok(());
    }
    let coded = stored_or_coded(context, &args.sources, args.codebook.as_deref())?;
    if args.json {
        let mut stdout = std::io::stdout().lock();
        output::write_json_lines(&mut stdout, &coded.quotes)?;
        return Ok(());
    }
    if !context.quiet {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(
            summary(&coded.codebook, &coded.quotes, coded.written.as_deref()).as_bytes(),
        )?;
    }
    Ok(())
}

fn auto_codings(coded: &[CodedQuote]) -> Vec<Coding> {
    coded
        .iter()
        .flat_map(|c| {
            c.codes
                .iter()
                .filter(|code| code.origin == Origin::Auto)
                .map(move |code| Coding {
                    quote: c.quote.id.clone(),
                    theme: code.theme.clone(),
                    score: Some(code.score),
                    origin: code.origin,
                    coder: (code.origin == Origin::Auto).then(|| AUTO_CODER.to_string()),
                    evidence: code.evidence.clone(),
                })
        })
        .collect()
}

fn table_summary(refreshed: &state::Refreshed, written: &Path) -> String {
    let table = &refreshed.table;
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
    let mut rows = vec![[
        "theme".to_string(),
        "name".to_string(),
        "quotes".to_string(),
        "first".to_string(),
    ]];
    for theme in &refreshed.codebook.themes {
        rows.push([
            theme.id.clone(),
            theme.name.clone(),
            count(&quotes, &theme.id).to_string(),
            count(&first, &theme.id).to_string(),
        ]);
    }
    let mut out = output::table(&rows, &[false, false, true, true]);
    out.push_str(&format!(
        "\n{} quotes, {with_codes} coded, {codes} codes (\"first\": the quote's best theme)\n",
        table.rows()
    ));
    out.push_str(&format!(
        "{} sources read, {} unchanged; wrote {codes} codings to {}\n",
        refreshed.read,
        refreshed.kept,
        written.display()
    ));
    out
}

fn summary(
    codebook: &verbatim_model::Codebook,
    coded: &[CodedQuote],
    written: Option<&std::path::Path>,
) -> String {
    let mut rows = vec![[
        "theme".to_string(),
        "name".to_string(),
        "quotes".to_string(),
        "first".to_string(),
    ]];
    for theme in &codebook.themes {
        let quotes = coded
            .iter()
            .filter(|c| c.codes.iter().any(|code| code.theme == theme.id))
            .count();
        let first = coded
            .iter()
            .filter(|c| c.codes.first().is_some_and(|code| code.theme == theme.id))
            .count();
        rows.push([
            theme.id.clone(),
            theme.name.clone(),
            quotes.to_string(),
            first.to_string(),
        ]);
    }
    let mut out = output::table(&rows, &[false, false, true, true]);
    let with_codes = coded.iter().filter(|c| !c.codes.is_empty()).count();
    let codes: usize = coded.iter().map(|c| c.codes.len()).sum();
    out.push_str(&format!(
        "\n{} quotes, {with_codes} coded, {codes} codes (\"first\": the quote's best theme)\n",
        coded.len()
    ));
    if let Some(path) = written {
        out.push_str(&format!("wrote {codes} codings to {}\n", path.display()));
    }
    out
}
