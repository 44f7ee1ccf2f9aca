//! `verbatim search`: readers' search over quotes by words, themes and attributes, with
//! the totals per theme and per area of the whole result first.

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args;
use verbatim_coder::{highlight, tokens};
use verbatim_project::{Answer, SearchFilters, Searchable};

use crate::context::Context;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find: stemmed, `"a phrase"`, AND / OR / NOT, `-word`, `prefix*`. Empty
    /// with --theme: that theme's quotes, best first.
    #[arg(default_value = "")]
    query: String,
    /// Only quotes coded to this theme (repeatable: any of them).
    #[arg(long)]
    theme: Vec<String>,
    /// Only quotes coded to a theme of this category (repeatable).
    #[arg(long)]
    category: Vec<String>,
    /// Only quotes from this area (repeatable: any of them).
    #[arg(long)]
    area: Vec<String>,
    /// Only quotes from this sector (repeatable: any of them).
    #[arg(long)]
    sector: Vec<String>,
    /// Only quotes by this speaker (repeatable: any of them).
    #[arg(long)]
    speaker: Vec<String>,
    /// Only quotes by speakers in this role (repeatable: any of them).
    #[arg(long)]
    role: Vec<String>,
    /// Only quotes of this round (repeatable: any of them).
    #[arg(long)]
    round: Vec<String>,
    /// Most hits shown (totals always cover every hit).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Codebook TOML (default: the project's).
    #[arg(long, value_name = "FILE")]
    codebook: Option<PathBuf>,
    /// Files or folders to search instead of the project.
    #[arg(long = "in", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// One JSON object with totals and hits.
    #[arg(long)]
    json: bool,
    /// Run every line of FILE (`-`: standard input) as a search over the same loaded
    /// project, printing one JSON object per line; the filters apply to each.
    #[arg(long, value_name = "FILE")]
    batch: Option<PathBuf>,
    /// With --batch, add each search's time in microseconds (`elapsed_us`).
    #[arg(long, requires = "batch")]
    timings: bool,
}

impl SearchArgs {
    fn filters(&self) -> SearchFilters {
        SearchFilters {
            themes: self.theme.clone(),
            categories: self.category.clone(),
            attributes: [
                ("area", &self.area),
                ("sector", &self.sector),
                ("speaker", &self.speaker),
                ("role", &self.role),
                ("round", &self.round),
            ]
            .into_iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(name, values)| (name.to_string(), values.clone()))
            .collect(),
            limit: self.limit,
        }
    }
}

fn answer_json(
    data: &Searchable,
    words: &str,
    answer: &Answer,
) -> anyhow::Result<serde_json::Value> {
    let mut shown = Vec::with_capacity(answer.hits.len());
    for &(row, score) in &answer.hits {
        let q = data.quote(row)?;
        let themes: Vec<&str> = data.table.codes(row).map(|c| c.theme).collect();
        shown.push(serde_json::json!({
            "id": q.id, "score": score, "text": q.text,
            "snippet": snippet(&q.text, &answer.stems, "[", "]"),
            "speaker": q.speaker.as_ref().or(q.speaker_hint.as_ref()), "role": q.role,
            "area": q.area, "sector": q.sector,
            "themes": themes,
        }));
    }
    Ok(serde_json::json!({
        "query": words, "total": answer.total,
        "facets": {
            "themes": answer.by_theme, "categories": answer.by_category,
            "areas": answer.by_area, "attributes": answer.by_attribute,
        },
        "hits": shown,
    }))
}

pub fn run(context: &Context, args: &SearchArgs) -> anyhow::Result<()> {
    if args.batch.is_none()
        && args.query.trim().is_empty()
        && args.theme.is_empty()
        && args.category.is_empty()
    {
        bail!("give words to search for, or --theme / --category to list quotes");
    }
    let data = Searchable::open(
        context.project.as_ref(),
        &args.paths,
        args.codebook.clone(),
        &context.reporter(),
    )?;
    let filters = args.filters();
    verbatim_project::check_codebook_names(&data.codebook, &args.theme, &args.category)?;
    let mut stdout = std::io::stdout().lock();
    if let Some(batch) = &args.batch {
        let text = if batch.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin())?
        } else {
            std::fs::read_to_string(batch)
                .with_context(|| format!("{}: cannot read", batch.display()))?
        };
        for (number, words) in text.lines().enumerate() {
            if words.trim().is_empty() {
                continue;
            }
            let started = Instant::now();
            let answer = data
                .search(words, &filters)
                .with_context(|| format!("{}:{}", batch.display(), number + 1))?;
            let mut value = answer_json(&data, words, &answer)?;
            // The time covers the whole answer: query, filters, totals and the hits' quotes.
            if args.timings {
                value["elapsed_us"] = serde_json::json!(started.elapsed().as_micros() as u64);
            }
            writeln!(stdout, "{value}")?;
        }
        return Ok(());
    }
    let answer = data.search(&args.query, &filters)?;
    if args.json {
        writeln!(stdout, "{}", answer_json(&data, &args.query, &answer)?)?;
        return Ok(());
    }
    if answer.total == 0 {
        writeln!(stdout, "no quotes match")?;
        return Ok(());
    }
    let mut theme_counts: Vec<(&str, usize)> = answer
        .by_theme
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    theme_counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let list = |counts: &[(&str, usize)]| {
        counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(stdout, "{}", verbatim_model::counted(answer.total, "quote"))?;
    writeln!(stdout, "by theme: {}", list(&theme_counts))?;
    let areas: Vec<(&str, usize)> = answer
        .by_area
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    writeln!(stdout, "by area: {}\n", list(&areas))?;
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for &(row, score) in &answer.hits {
        let q = data.quote(row)?;
        let who = q.attribution();
        let themes: Vec<&str> = data.table.codes(row).map(|c| c.theme).collect();
        writeln!(stdout, "{}  {}  ({:.2})", q.id, who, score)?;
        writeln!(stdout, "  {}", snippet(&q.text, &answer.stems, open, close))?;
        if !themes.is_empty() {
            writeln!(stdout, "  themes: {}", themes.join(", "))?;
        }
        writeln!(stdout)?;
    }
    if answer.total > args.limit {
        writeln!(stdout, "... {} more (--limit)", answer.total - args.limit)?;
    }
    Ok(())
}

/// The quote with matched words marked, cut to about forty words around the first match.
fn snippet(text: &str, stems: &HashSet<String>, open: &str, close: &str) -> String {
    let found = tokens(text);
    let first = found
        .iter()
        .position(|t| stems.contains(&t.stem))
        .unwrap_or(0);
    let from = first.saturating_sub(12);
    let to = (from + 40).min(found.len());
    if found.is_empty() || (from == 0 && to == found.len()) {
        return highlight(text, stems, open, close);
    }
    let start = found[from].from;
    let end = found[to - 1].to;
    let mut out = String::new();
    if from > 0 {
        out.push_str("… ");
    }
    out.push_str(&highlight(&text[start..end], stems, open, close));
    if to < found.len() {
        out.push_str(" …");
    }
    out
}
