//! `verbatim code`: ingest if needed, then code every quote against a codebook.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use verbatim_coder::{Coder, QuoteIndex};
use verbatim_model::{Code, Codebook, CodedQuote, Coding, Origin, Quote, read_jsonl, write_jsonl};

use crate::codebook_cmd;
use crate::config::Context;
use crate::ingest_cmd::{self, SourceArgs};
use crate::output;

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

/// The project's stored quotes and codings when they are newer than everything they were
/// made from (sources, roster, codebook, configuration); otherwise a fresh coding. Reports
/// and searches of an unchanged project then skip ingesting and coding.
pub fn stored_or_coded(
    context: &Context,
    sources: &SourceArgs,
    codebook: Option<&Path>,
) -> anyhow::Result<Coded> {
    if let (Some(project), true, None) = (&context.project, sources.paths.is_empty(), codebook)
        && let Some(coded) = stored(context, project)?
    {
        return Ok(coded);
    }
    code_sources(context, sources, codebook)
}

fn stored(context: &Context, project: &crate::config::Project) -> anyhow::Result<Option<Coded>> {
    let quotes_path = project.state_path("quotes.jsonl");
    let codings_path = project.state_path("codings.jsonl");
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let (Some(quotes_time), Some(codings_time)) = (modified(&quotes_path), modified(&codings_path))
    else {
        return Ok(None);
    };
    let stored_at = quotes_time.min(codings_time);
    let (files, _) = crate::sources::from_project(project)?;
    let mut inputs: Vec<PathBuf> = files.into_iter().map(|f| f.path).collect();
    inputs.push(project.root.join(crate::config::CONFIG_FILE));
    inputs.extend(project.config.roster.as_ref().map(|r| project.resolve(r)));
    let codebook_path = codebook_cmd::codebook_path(context, None)?;
    inputs.push(codebook_path);
    if inputs
        .iter()
        .any(|input| modified(input).is_none_or(|t| t > stored_at))
    {
        return Ok(None);
    }
    let (codebook, _) = codebook_cmd::load(context, None)?;
    let quotes: Vec<Quote> = read_jsonl(&quotes_path)?;
    let codings: Vec<Coding> = read_jsonl(&codings_path)?;
    let mut by_quote = codes_by_quote(&codings);
    let coded_quotes = quotes
        .into_iter()
        .map(|quote| {
            let mut codes = by_quote.remove(quote.id.as_str()).unwrap_or_default();
            codes.sort_by(|a, b| {
                (b.origin == Origin::Manual)
                    .cmp(&(a.origin == Origin::Manual))
                    .then(b.score.total_cmp(&a.score))
                    .then_with(|| a.theme.cmp(&b.theme))
            });
            CodedQuote { quote, codes }
        })
        .collect();
    Ok(Some(Coded {
        codebook,
        quotes: coded_quotes,
        codings,
        written: None,
    }))
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
    let index = match project {
        Some(project) => QuoteIndex::open_or_build(&project.state_path("index"), &quotes)?,
        None => QuoteIndex::in_memory(&quotes)?,
    };
    let auto = coder.code(&index)?;
    let manual_lines = match project {
        Some(project) => manual_codings(&project.state_path("codings.jsonl"))?,
        None => Vec::new(),
    };
    let manual = codes_by_quote(&manual_lines);
    let coded: Vec<CodedQuote> = quotes
        .into_iter()
        .zip(auto)
        .map(|(quote, auto)| {
            let mut codes: Vec<Code> = manual.get(quote.id.as_str()).cloned().unwrap_or_default();
            let manual_themes: Vec<String> = codes.iter().map(|m| m.theme.clone()).collect();
            codes.extend(
                auto.into_iter()
                    .filter(|a| !manual_themes.contains(&a.theme)),
            );
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
    let coded = code_sources(context, &args.sources, args.codebook.as_deref())?;
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

/// Stored codings as each quote's codes, in file order.
fn codes_by_quote(codings: &[Coding]) -> BTreeMap<&str, Vec<Code>> {
    let mut by_quote: BTreeMap<&str, Vec<Code>> = BTreeMap::new();
    for coding in codings {
        by_quote
            .entry(coding.quote.as_str())
            .or_default()
            .push(coding.to_code());
    }
    by_quote
}

/// Manual codings already in a project's codings file, as written there.
fn manual_codings(path: &std::path::Path) -> anyhow::Result<Vec<Coding>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    Ok(read_jsonl::<Coding>(path)?
        .into_iter()
        .filter(|c| c.origin == Origin::Manual)
        .collect())
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
