//! `verbatim search`: readers' search over quotes by words, themes and attributes, with
//! the totals per theme and per area of the whole result first.

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args;
use verbatim_coder::{QuoteIndex, highlight, tokens};
use verbatim_model::{Codebook, Quote, QuoteTable, RowSet};

use crate::code_cmd;
use crate::config::Context;
use crate::facets::Facets;
use crate::ingest_cmd::SourceArgs;
use crate::state;

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
    /// Run every line of FILE (`-`: standard input) as a search over the same loaded
    /// project, printing one JSON object per line; the filters apply to each.
    #[arg(long, value_name = "FILE")]
    batch: Option<PathBuf>,
    /// With --batch, add each search's time in microseconds (`elapsed_us`).
    #[arg(long, requires = "batch")]
    timings: bool,
}

/// Where the quotes behind the table's rows are.
enum Quotes {
    /// In memory, by row.
    Loaded(Vec<Quote>),
    /// Lines of a project's `quotes.jsonl` at the table's offsets.
    File(state::QuoteLines),
}

/// Everything a search runs over: the index, the quote table and the quotes.
struct Searchable {
    index: QuoteIndex,
    table: QuoteTable,
    quotes: Quotes,
    codebook: Codebook,
    /// Row sets per theme and area, built by the first search.
    facets: OnceLock<Facets>,
}

impl Searchable {
    /// The project's state, brought up to date; or the files given, coded in memory.
    fn open(context: &Context, args: &SearchArgs) -> anyhow::Result<Self> {
        let quiet = Context {
            quiet: true,
            ..context.clone()
        };
        if let (Some(project), true, None) =
            (&context.project, args.paths.is_empty(), &args.codebook)
        {
            let refreshed = state::refresh(&quiet, project)?;
            let paths = state::StatePaths::of(project);
            let layout = state::layout_of(&refreshed.table);
            let index = QuoteIndex::open(&paths.index, &layout, refreshed.table.rows())?;
            return Ok(Searchable {
                index,
                table: refreshed.table,
                quotes: Quotes::File(state::QuoteLines::open(&paths.quotes)?),
                codebook: refreshed.codebook,
                facets: OnceLock::new(),
            });
        }
        let mut sources = SourceArgs::default();
        sources.paths = args.paths.clone();
        let coded = code_cmd::code_sources(&quiet, &sources, args.codebook.as_deref())?;
        let quotes: Vec<Quote> = coded.quotes.iter().map(|c| c.quote.clone()).collect();
        let mut table = QuoteTable::new(&state::TABLE_COLUMNS);
        for (row, coded) in coded.quotes.iter().enumerate() {
            let values: Vec<Option<&str>> = state::TABLE_COLUMNS
                .iter()
                .map(|name| state::column_value(&coded.quote, name))
                .collect();
            table.push_row(row as u64 + 1, &values);
            for code in &coded.codes {
                table.push_code(row, &code.theme, code.score, code.origin);
            }
        }
        Ok(Searchable {
            index: QuoteIndex::in_memory(&quotes)?,
            table,
            quotes: Quotes::Loaded(quotes),
            codebook: coded.codebook,
            facets: OnceLock::new(),
        })
    }

    fn quote(&self, row: usize) -> anyhow::Result<Quote> {
        match &self.quotes {
            Quotes::Loaded(quotes) => Ok(quotes[row].clone()),
            Quotes::File(lines) => lines.quote(&self.table, row),
        }
    }
}

/// One search's answer.
struct Answer {
    total: usize,
    by_theme: BTreeMap<String, usize>,
    by_area: BTreeMap<String, usize>,
    /// Best first, at most the limit: row and score.
    hits: Vec<(usize, f64)>,
    stems: HashSet<String>,
}

fn search(data: &Searchable, args: &SearchArgs, words: &str) -> anyhow::Result<Answer> {
    let table = &data.table;
    // Theme filters: any of the themes named and the themes of the categories named.
    let theme_filter = !args.theme.is_empty() || !args.category.is_empty();
    let category_themes = data
        .codebook
        .themes
        .iter()
        .filter(|t| args.category.contains(&t.category))
        .map(|t| &t.id);
    let wanted: Vec<u32> = args
        .theme
        .iter()
        .chain(category_themes)
        .filter_map(|theme| table.theme_id(theme))
        .collect();
    let rows = table.rows();
    let facets = data.facets.get_or_init(|| Facets::of(table));
    let mut kept: Option<RowSet> = None;
    for (name, value) in [
        ("area", &args.area),
        ("sector", &args.sector),
        ("speaker", &args.speaker),
    ] {
        if let (Some(value), Some(column)) = (value, table.column(name)) {
            let these = match table.columns[column].find(value) {
                Some(id) => facets.value_rows(table, column, id),
                None => RowSet::new(rows),
            };
            narrow(&mut kept, &these);
        }
    }
    if theme_filter {
        narrow(&mut kept, &facets.coded_to_any(rows, &wanted));
    }
    let mut stems = HashSet::new();
    let (matched, hits) = if words.trim().is_empty() {
        let matched = kept.unwrap_or_else(|| RowSet::full(rows));
        let mut scored: Vec<(usize, f64)> = matched
            .rows()
            .map(|row| {
                let best = table
                    .codes(row)
                    .filter(|c| wanted.contains(&c.theme_id))
                    .map(|c| c.score)
                    .fold(0.0, f64::max);
                (row, best)
            })
            .collect();
        let best_first =
            |a: &(usize, f64), b: &(usize, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if scored.len() > args.limit && args.limit > 0 {
            scored.select_nth_unstable_by(args.limit - 1, best_first);
        }
        scored.truncate(args.limit);
        scored.sort_by(best_first);
        (matched, scored)
    } else {
        let query = data.index.parse_search(words)?;
        query.query_terms(&mut |term, _| {
            if let Some(text) = term.value().as_str() {
                stems.insert(text.to_string());
            }
        });
        for word in words.split_whitespace().filter_map(|w| w.strip_suffix('*')) {
            stems.extend(tokens(word).into_iter().map(|t| t.stem));
        }
        let matches = data.index.matches(query.as_ref())?;
        let mut matched = matches.rows.clone();
        if let Some(kept) = &kept {
            matched.intersect_with(kept);
        }
        let among = kept.is_some().then_some((&matches, &matched));
        let best = data.index.best(query.as_ref(), args.limit, among)?;
        let hits = best
            .into_iter()
            .map(|(score, row)| (row, f64::from(score)))
            .collect();
        (matched, hits)
    };
    let by_theme = facets
        .theme_counts(&matched)
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(id, n)| (table.themes[id].clone(), n))
        .collect();
    let area = table.column("area");
    let by_area = facets
        .area_counts(table, &matched)
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(id, n)| {
            let name = area.and_then(|a| table.columns[a].value(id as u32));
            (name.unwrap_or("(none)").to_string(), n)
        })
        .collect();
    let total = matched.count();
    Ok(Answer {
        total,
        by_theme,
        by_area,
        hits,
        stems,
    })
}

/// Narrows an optional filter (`None`: every row) to `these` rows too.
fn narrow(kept: &mut Option<RowSet>, these: &RowSet) {
    match kept {
        Some(kept) => kept.intersect_with(these),
        None => *kept = Some(these.clone()),
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
        "facets": {"themes": answer.by_theme, "areas": answer.by_area},
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
    let data = Searchable::open(context, args)?;
    for theme in &args.theme {
        if data.codebook.theme(theme).is_none() {
            bail!(
                "--theme {theme}: no such theme in {}",
                data.codebook.codebook.id
            );
        }
    }
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
            let answer = search(&data, args, words)
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
    let answer = search(&data, args, &args.query)?;
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
    writeln!(stdout, "{} quotes", answer.total)?;
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
        let who: Vec<&str> = [
            q.speaker.as_deref().or(q.speaker_hint.as_deref()),
            q.role.as_deref(),
            q.area.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let themes: Vec<&str> = data.table.codes(row).map(|c| c.theme).collect();
        writeln!(stdout, "{}  {}  ({:.2})", q.id, who.join(", "), score)?;
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
