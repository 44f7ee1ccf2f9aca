//! `verbatim report` (theme frequency, matrices, co-occurrence, top quotes in Markdown,
//! CSV, JSON or HTML) and `verbatim run` (ingest, code and report the project).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use verbatim_model::{Codebook, Coding, Origin, Quote, write_atomic};
use verbatim_report::{
    ATTRIBUTES, Dataset, Filter, Report, ReportOptions, html, markdown, tidy_csv, wide_csv,
};

use crate::code_cmd::{self, Coded};
use crate::config::{Context, Project};
use crate::ingest_cmd::SourceArgs;
use crate::state;

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
    let format = match (args.json, args.format, &args.out) {
        (true, _, _) => ReportFormat::Json,
        (false, Some(format), _) => format,
        (false, None, Some(out)) => format_of(out),
        (false, None, None) => ReportFormat::Md,
    };
    let text = match stored_project(context, args, format) {
        Some(project) => report_from_table(context, project, &args.view, format)?,
        None => parsed_report(
            context,
            &args.sources,
            args.codebook.as_deref(),
            &args.view,
            |report, data| render(format, report, data),
        )?,
    };
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

/// A report over parsed quotes and codings (the project's, brought up to date, or the
/// files given, coded now), handed with its dataset to `finish`.
fn parsed_report<T>(
    context: &Context,
    sources: &SourceArgs,
    codebook: Option<&Path>,
    view: &ViewArgs,
    finish: impl FnOnce(&Report, &Dataset<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let Coded {
        codebook,
        quotes,
        codings,
        ..
    } = code_cmd::stored_or_coded(context, sources, codebook)?;
    let quotes: Vec<Quote> = quotes.into_iter().map(|c| c.quote).collect();
    let filter = filter_of(&codebook, view)?;
    check_attributes(view, |a| {
        quotes.iter().any(|q| q.attributes.contains_key(a))
    })?;
    let data = Dataset::new(&quotes, &codings, Some(&codebook), &filter);
    let report = Report::new(&data, &options_of(context, &codebook, view, &filter));
    finish(&report, &data)
}

/// The project, when the report can come from its quote table: the project's own sources
/// and codebook, a rendering that shows only the top quotes (Markdown, JSON), and only
/// attributes the table holds.
fn stored_project<'c>(
    context: &'c Context,
    args: &ReportArgs,
    format: ReportFormat,
) -> Option<&'c Project> {
    let project = context.project.as_ref()?;
    let tabled = |attribute: &str| ATTRIBUTES.contains(&attribute);
    let covered = args.sources.paths.is_empty()
        && args.codebook.is_none()
        && matches!(format, ReportFormat::Md | ReportFormat::Json)
        && args.view.by.iter().all(|a| tabled(a))
        && args.view.conditions.iter().all(|c| {
            c.split_once('=')
                .is_some_and(|(attribute, _)| tabled(attribute.trim()))
        });
    covered.then_some(project)
}

/// A report from the project's quote table: counts from the table, manual codings from the
/// head of the codings file, and only the quotes shown read from `quotes.jsonl`.
fn report_from_table(
    context: &Context,
    project: &Project,
    view: &ViewArgs,
    format: ReportFormat,
) -> anyhow::Result<String> {
    let refreshed = state::refresh(context, project)?;
    let table = &refreshed.table;
    let codebook = &refreshed.codebook;
    let paths = state::StatePaths::of(project);
    let lines = state::QuoteLines::open(&paths.quotes)?;
    let manual_rows: Vec<usize> = (0..table.rows())
        .filter(|&row| table.codes(row).any(|c| c.origin == Origin::Manual))
        .collect();
    let mut row_of: HashMap<String, u32> = HashMap::with_capacity(manual_rows.len());
    for row in manual_rows {
        row_of.insert(lines.quote(table, row)?.id, row as u32);
    }
    let manual: Vec<(u32, Coding)> =
        state::manual_codings(&paths.codings, Some(table), context.quiet)?
            .into_iter()
            .filter_map(|coding| Some((*row_of.get(&coding.quote)?, coding)))
            .collect();
    let filter = filter_of(codebook, view)?;
    let mut data = Dataset::from_table(table, &manual, Some(codebook), &filter);
    let shown = data
        .rows_to_load(view.top)
        .into_iter()
        .map(|row| Ok((row, lines.quote(table, row as usize)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    data.provide_quotes(shown);
    let report = Report::new(&data, &options_of(context, codebook, view, &filter));
    render(format, &report, &data)
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
    let (summary, page) = parsed_report(
        context,
        &SourceArgs::default(),
        None,
        &args.view,
        |report, data| {
            Ok((
                verbatim_report::markdown_summary(report),
                html(report, data),
            ))
        },
    )?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| project.root.join("report.html"));
    write_atomic(&out, |w| w.write_all(page.as_bytes()))?;
    if !context.quiet {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(summary.as_bytes())?;
        writeln!(
            stdout,
            "\nwrote {} (open it in a browser)",
            out.strip_prefix(&project.root).unwrap_or(&out).display()
        )?;
    }
    Ok(())
}

/// The report's filter, from the view's options; themes must be the codebook's.
fn filter_of(codebook: &Codebook, view: &ViewArgs) -> anyhow::Result<Filter> {
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
    Ok(filter)
}

/// Every `--by` attribute must be a known one or a free attribute some quote has.
fn check_attributes(view: &ViewArgs, free: impl Fn(&str) -> bool) -> anyhow::Result<()> {
    for attribute in &view.by {
        if !ATTRIBUTES.contains(&attribute.as_str()) && !free(attribute) {
            bail!(
                "--by {attribute}: not an attribute of these quotes (try {})",
                ATTRIBUTES.join(", ")
            );
        }
    }
    Ok(())
}

fn options_of(
    context: &Context,
    codebook: &Codebook,
    view: &ViewArgs,
    filter: &Filter,
) -> ReportOptions {
    let by = if view.by.is_empty() {
        vec!["area".to_string(), "sector".to_string()]
    } else {
        view.by.clone()
    };
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
    ReportOptions {
        title,
        by,
        normalise: view.normalise,
        top: view.top,
        filters: described,
    }
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
