//! `verbatim report` (theme frequency, matrices, co-occurrence, top quotes in Markdown,
//! CSV, JSON or HTML) and `verbatim run` (ingest, code and report the project).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use verbatim_model::{Codebook, Coding, Origin, Quote, write_atomic};
use verbatim_report::{
    ATTRIBUTES, Dataset, Filter, Report, ReportOptions, html, markdown, tidy_csv, wide_csv,
};

use crate::code_cmd::{self, Coded};
use crate::config::Context;
use crate::ingest_cmd::SourceArgs;

/// Report renderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown (the default on a terminal).
    Md,
    /// Tidy CSV: one row per quote and theme, with every attribute.
    Csv,
    /// Wide CSV: one row per quote, a 0/1 column per theme.
    CsvWide,
    /// JSON with every count.
    Json,
    /// One self-contained HTML page with heat maps, a chart and the quotes behind each count.
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    #[command(flatten)]
    view: ViewArgs,
    /// Rendering (default: from --out's extension, else md).
    #[arg(long, value_enum)]
    format: Option<ReportFormat>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
}

/// What a report shows and which codes count.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Break themes down by this attribute (repeatable): area, sector, role,
    /// organisation, round, speaker, source, or a free attribute. Default: area and sector.
    #[arg(long, value_name = "ATTRIBUTE")]
    by: Vec<String>,
    /// Show matrix cells as shares of the column's quotes.
    #[arg(long)]
    normalise: bool,
    /// Only this category (repeatable).
    #[arg(long)]
    category: Vec<String>,
    /// Only this theme (repeatable).
    #[arg(long)]
    theme: Vec<String>,
    /// Only codes of this origin.
    #[arg(long, value_parser = ["manual", "auto"])]
    origin: Option<String>,
    /// Only automatic codes scoring at least this.
    #[arg(long, value_name = "SCORE")]
    min_score: Option<f64>,
    /// Only quotes whose attribute has this value, e.g. `area=Wigan` (repeatable).
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    conditions: Vec<String>,
    /// Quotes shown per theme.
    #[arg(long, default_value_t = 3)]
    top: usize,
}

pub fn run(context: &Context, args: &ReportArgs) -> anyhow::Result<()> {
    let coded = code_cmd::stored_or_coded(context, &args.sources, args.codebook.as_deref())?;
    let format = match (args.json, args.format, &args.out) {
        (true, _, _) => ReportFormat::Json,
        (false, Some(format), _) => format,
        (false, None, Some(out)) => format_of(out),
        (false, None, None) => ReportFormat::Md,
    };
    let Coded {
        codebook,
        quotes,
        codings,
        ..
    } = coded;
    let quotes: Vec<Quote> = quotes.into_iter().map(|c| c.quote).collect();
    let (data, report) = build(context, &codebook, &quotes, &codings, &args.view)?;
    let text = render(format, &report, &data)?;
    match &args.out {
        Some(path) => {
            write_atomic(path, |w| w.write_all(text.as_bytes()))?;
            if !context.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Where to write the HTML report (default: report.html in the project).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    view: ViewArgs,
}

/// Ingests, codes and reports the project: `report.html` and a Markdown summary.
pub fn run_project(context: &Context, args: &RunArgs) -> anyhow::Result<()> {
    let Some(project) = &context.project else {
        bail!(
            "no {} here or above: `verbatim run` works on a project",
            crate::config::CONFIG_FILE
        );
    };
    let sources = SourceArgs::default();
    let Coded {
        codebook,
        quotes,
        codings,
        ..
    } = code_cmd::stored_or_coded(context, &sources, None)?;
    let quotes: Vec<Quote> = quotes.into_iter().map(|c| c.quote).collect();
    let (data, report) = build(context, &codebook, &quotes, &codings, &args.view)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| project.root.join("report.html"));
    let page = html(&report, &data);
    write_atomic(&out, |w| w.write_all(page.as_bytes()))?;
    if !context.quiet {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(verbatim_report::markdown_summary(&report).as_bytes())?;
        writeln!(
            stdout,
            "\nwrote {} (open it in a browser)",
            out.strip_prefix(&project.root).unwrap_or(&out).display()
        )?;
    }
    Ok(())
}

fn build<'q>(
    context: &Context,
    codebook: &Codebook,
    quotes: &'q [Quote],
    codings: &[Coding],
    view: &ViewArgs,
) -> anyhow::Result<(Dataset<'q>, Report)> {
    let mut conditions = Vec::new();
    for condition in &view.conditions {
        let Some((attribute, value)) = condition.split_once('=') else {
            bail!("--where takes ATTRIBUTE=VALUE, got `{condition}`");
        };
        conditions.push((attribute.trim().to_string(), value.trim().to_string()));
    }
    let filter = Filter {
        categories: view.category.clone(),
        themes: view.theme.clone(),
        origin: view.origin.as_deref().map(|o| {
            if o == "manual" {
                Origin::Manual
            } else {
                Origin::Auto
            }
        }),
        min_score: view.min_score,
        conditions,
    };
    for theme in &filter.themes {
        if codebook.theme(theme).is_none() {
            bail!("--theme {theme}: no such theme in {}", codebook.codebook.id);
        }
    }
    let data = Dataset::new(quotes, codings, Some(codebook), &filter);
    let by = if view.by.is_empty() {
        vec!["area".to_string(), "sector".to_string()]
    } else {
        view.by.clone()
    };
    for attribute in &by {
        let known = ATTRIBUTES.contains(&attribute.as_str())
            || quotes.iter().any(|q| q.attributes.contains_key(attribute));
        if !known {
            bail!(
                "--by {attribute}: not an attribute of these quotes (try {})",
                ATTRIBUTES.join(", ")
            );
        }
    }
    let mut described = Vec::new();
    described.extend(filter.categories.iter().map(|c| format!("category {c}")));
    described.extend(filter.themes.iter().map(|t| format!("theme {t}")));
    described.extend(view.origin.iter().map(|o| format!("{o} codes only")));
    described.extend(
        view.min_score
            .iter()
            .map(|m| format!("automatic codes scoring at least {m}")),
    );
    described.extend(filter.conditions.iter().map(|(a, v)| format!("{a} = {v}")));
    let title = match context.project.as_ref().and_then(|p| p.config.name.clone()) {
        Some(name) => format!("{name}: {}", codebook.codebook.name),
        None => codebook.codebook.name.clone(),
    };
    let options = ReportOptions {
        title,
        by,
        normalise: view.normalise,
        top: view.top,
        filters: described,
    };
    let report = Report::new(&data, &options);
    Ok((data, report))
}

fn render(format: ReportFormat, report: &Report, data: &Dataset<'_>) -> anyhow::Result<String> {
    Ok(match format {
        ReportFormat::Md => markdown(report),
        ReportFormat::Csv => tidy_csv(data),
        ReportFormat::CsvWide => wide_csv(data),
        ReportFormat::Json => format!("{}\n", serde_json::to_string(report)?),
        ReportFormat::Html => html(report, data),
    })
}

fn format_of(path: &Path) -> ReportFormat {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("html" | "htm") => ReportFormat::Html,
        Some("csv") => ReportFormat::Csv,
        Some("json") => ReportFormat::Json,
        _ => ReportFormat::Md,
    }
}
