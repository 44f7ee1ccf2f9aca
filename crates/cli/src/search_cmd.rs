//! `verbatim search`: readers' search over quotes by words, themes and attributes, with
//! the totals per theme and per area of the whole result first.

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use verbatim_coder::{QuoteIndex, highlight, tokens};
use verbatim_model::CodedQuote;

use crate::code_cmd;
use crate::config::Context;
use crate::ingest_cmd::SourceArgs;

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
    /// Only quotes from this area.
    #[arg(long)]
    area: Option<String>,
    /// Only quotes from this sector.
    #[arg(long)]
    sector: Option<String>,
    /// Only quotes by this speaker.
    #[arg(long)]
    speaker: Option<String>,
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
}

struct Hit<'a> {
    quote: &'a CodedQuote,
    score: f64,
}

pub fn run(context: &Context, args: &SearchArgs) -> anyhow::Result<()> {
    if args.query.trim().is_empty() && args.theme.is_empty() && args.category.is_empty() {
        bail!("give words to search for, or --theme / --category to list quotes");
    }
    let mut sources = SourceArgs::default();
    sources.paths = args.paths.clone();
    let quiet = Context {
        quiet: true,
        ..context.clone()
    };
    let coded = code_cmd::stored_or_coded(&quiet, &sources, args.codebook.as_deref())?;
    for theme in &args.theme {
        if coded.codebook.theme(theme).is_none() {
            bail!(
                "--theme {theme}: no such theme in {}",
                coded.codebook.codebook.id
            );
        }
    }
    let quotes: Vec<_> = coded.quotes.iter().map(|c| c.quote.clone()).collect();
    let project = context.project.as_ref().filter(|_| args.paths.is_empty());
    let index = match project {
        Some(project) => QuoteIndex::open_or_build(&project.state_path("index"), &quotes)?,
        None => QuoteIndex::in_memory(&quotes)?,
    };
    let (ranked, stems): (Vec<(f64, usize)>, HashSet<String>) = if args.query.trim().is_empty() {
        (
            (0..coded.quotes.len()).map(|i| (0.0, i)).collect(),
            HashSet::new(),
        )
    } else {
        let query = index.parse_search(&args.query)?;
        let mut stems = HashSet::new();
        query.query_terms(&mut |term, _| {
            if let Some(text) = term.value().as_str() {
                stems.insert(text.to_string());
            }
        });
        for word in args
            .query
            .split_whitespace()
            .filter_map(|w| w.strip_suffix('*'))
        {
            stems.extend(tokens(word).into_iter().map(|t| t.stem));
        }
        let ranked = index
            .ranked(query.as_ref())?
            .into_iter()
            .map(|(s, i)| (f64::from(s), i))
            .collect();
        (ranked, stems)
    };
    let category_themes: Vec<&str> = coded
        .codebook
        .themes
        .iter()
        .filter(|t| args.category.contains(&t.category))
        .map(|t| t.id.as_str())
        .collect();
    let same = |a: Option<&str>, b: &Option<String>| {
        b.as_ref()
            .is_none_or(|b| a.is_some_and(|a| a.eq_ignore_ascii_case(b)))
    };
    let mut hits: Vec<Hit<'_>> = ranked
        .into_iter()
        .map(|(score, i)| Hit {
            quote: &coded.quotes[i],
            score,
        })
        .filter(|h| {
            let themes: Vec<&str> = h.quote.codes.iter().map(|c| c.theme.as_str()).collect();
            (args.theme.is_empty() || args.theme.iter().any(|t| themes.contains(&t.as_str())))
                && (args.category.is_empty() || category_themes.iter().any(|t| themes.contains(t)))
                && same(h.quote.quote.area.as_deref(), &args.area)
                && same(h.quote.quote.sector.as_deref(), &args.sector)
                && same(h.quote.quote.speaker.as_deref(), &args.speaker)
        })
        .collect();
    if args.query.trim().is_empty() {
        // No words: the theme's quotes, best first.
        let score = |h: &Hit<'_>| {
            h.quote
                .codes
                .iter()
                .filter(|c| {
                    args.theme.contains(&c.theme) || category_themes.contains(&c.theme.as_str())
                })
                .map(|c| c.score)
                .fold(0.0, f64::max)
        };
        for hit in &mut hits {
            hit.score = score(hit);
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.quote.quote.id.cmp(&b.quote.quote.id))
        });
    }
    let mut by_theme: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_area: BTreeMap<&str, usize> = BTreeMap::new();
    for hit in &hits {
        for code in &hit.quote.codes {
            *by_theme.entry(code.theme.as_str()).or_default() += 1;
        }
        *by_area
            .entry(hit.quote.quote.area.as_deref().unwrap_or("(none)"))
            .or_default() += 1;
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let shown: Vec<serde_json::Value> = hits
            .iter()
            .take(args.limit)
            .map(|h| {
                let q = &h.quote.quote;
                serde_json::json!({
                    "id": q.id, "score": h.score, "text": q.text,
                    "snippet": snippet(&q.text, &stems, "[", "]"),
                    "speaker": q.speaker.as_ref().or(q.speaker_hint.as_ref()), "role": q.role,
                    "area": q.area, "sector": q.sector,
                    "themes": h.quote.codes.iter().map(|c| &c.theme).collect::<Vec<_>>(),
                })
            })
            .collect();
        let value = serde_json::json!({
            "query": args.query, "total": hits.len(),
            "facets": {"themes": by_theme, "areas": by_area},
            "hits": shown,
        });
        writeln!(stdout, "{value}")?;
        return Ok(());
    }
    if hits.is_empty() {
        writeln!(stdout, "no quotes match")?;
        return Ok(());
    }
    let mut theme_counts: Vec<(&str, usize)> = by_theme.into_iter().collect();
    theme_counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let list = |counts: &[(&str, usize)]| {
        counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(stdout, "{} quotes", hits.len())?;
    writeln!(stdout, "by theme: {}", list(&theme_counts))?;
    writeln!(
        stdout,
        "by area: {}\n",
        list(&by_area.into_iter().collect::<Vec<_>>())
    )?;
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    for hit in hits.iter().take(args.limit) {
        let q = &hit.quote.quote;
        let who: Vec<&str> = [
            q.speaker.as_deref().or(q.speaker_hint.as_deref()),
            q.role.as_deref(),
            q.area.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let themes: Vec<&str> = hit.quote.codes.iter().map(|c| c.theme.as_str()).collect();
        writeln!(stdout, "{}  {}  ({:.2})", q.id, who.join(", "), hit.score)?;
        writeln!(stdout, "  {}", snippet(&q.text, &stems, open, close))?;
        if !themes.is_empty() {
            writeln!(stdout, "  themes: {}", themes.join(", "))?;
        }
        writeln!(stdout)?;
    }
    if hits.len() > args.limit {
        writeln!(stdout, "... {} more (--limit)", hits.len() - args.limit)?;
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
