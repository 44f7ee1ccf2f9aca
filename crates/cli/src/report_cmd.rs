//! `verbatim report` (theme frequency, matrices, co-occurrence, top quotes in Markdown,
//! CSV, JSON or HTML) and `verbatim run` (ingest, code and report the project).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use verbatim_model::{Origin, write_atomic};
use verbatim_project::{CONFIG_FILE, CodeRequest, ReportView, code, report_coded, report_table};
use verbatim_report::{Dataset, Report, html, markdown, tidy_csv, wide_csv};

use crate::context::Context;
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

impl ViewArgs {
    /// The view these flags ask for.
    fn view(&self) -> anyhow::Result<ReportView> {
        let mut conditions = Vec::new();
        for condition in &self.conditions {
            let Some((attribute, value)) = condition.split_once('=') else {
                bail!("--where takes ATTRIBUTE=VALUE, got `{condition}`");
            };
            conditions.push((attribute.trim().to_string(), value.trim().to_string()));
        }
        Ok(ReportView {
            by: self.by.clone(),
            normalise: self.normalise,
            categories: self.category.clone(),
            themes: self.theme.clone(),
            origin: self.origin.as_deref().map(|o| {
                if o == "manual" {
                    Origin::Manual
                } else {
                    Origin::Auto
                }
            }),
            min_score: self.min_score,
            conditions,
            top: self.top,
        })
    }
}

pub fn run(context: &Context, args: &ReportArgs) -> anyhow::Result<()> {
    let format = match (args.json, args.format, &args.out) {
        (true, _, _) => ReportFormat::Json,
        (false, Some(format), _) => format,
        (false, None, Some(out)) => format_of(out),
        (false, None, None) => ReportFormat::Md,
    };
    let view = args.view.view()?;
    let reporter = context.reporter();
    let project = context.project.as_ref();
    // The quote table serves the project's own sources and codebook, a rendering that
    // shows only the top quotes, and the attributes it holds.
    let from_table = args.sources.paths.is_empty()
        && args.codebook.is_none()
        && matches!(format, ReportFormat::Md | ReportFormat::Json)
        && view.fits_table();
    let text = match project {
        Some(project) if from_table => report_table(project, &view, &reporter, |report, data| {
            render(format, report, data)
        })??,
        _ => {
            let request = CodeRequest {
                paths: args.sources.paths.clone(),
                codebook: args.codebook.clone(),
                read: args.sources.read_options(),
                model: context.model.clone(),
            };
            let coded = code(project, &request, &reporter)?;
            report_coded(project, coded, &view, |report, data| {
                render(format, report, data)
            })??
        }
    };
    match &args.out {
        Some(path) => {
            context.check_output(path)?;
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
        bail!("no {CONFIG_FILE} here or above: `verbatim run` works on a project");
    };
    let view = args.view.view()?;
    let coded = code(Some(project), &CodeRequest::default(), &context.reporter())?;
    let (summary, page) = report_coded(Some(project), coded, &view, |report, data| {
        (
            verbatim_report::markdown_summary(report),
            html(report, data),
        )
    })?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| project.root.join("report.html"));
    context.check_output(&out)?;
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

fn render(format: ReportFormat, report: &Report, data: &Dataset<'_>) -> anyhow::Result<String> {
    Ok(match format {
        ReportFormat::Md => markdown(report),
        ReportFormat::Csv => tidy_csv(data, &report.memos),
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
