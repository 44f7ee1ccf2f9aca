//! Readers' search over a project's quotes (or files coded in memory): words through the
//! index, filters by theme, category and attribute through the quote table, and the totals
//! per theme and per area of the whole result.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use verbatim_coder::{QuoteIndex, tokens};
use verbatim_model::{Codebook, Quote, QuoteTable, RowSet};

use crate::code::{CodeRequest, code};
use crate::config::Project;
use crate::error::{Error, Result};
use crate::facets::Facets;
use crate::observer::Observer;
use crate::state::{QuoteLines, StatePaths, layout_of, refresh_or_last, table_of};

/// What to search for besides the words.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchFilters {
    /// Only quotes coded to one of these themes (or of these categories).
    pub themes: Vec<String>,
    /// Only quotes coded to a theme of one of these categories.
    pub categories: Vec<String>,
    /// Only quotes from this area.
    pub area: Option<String>,
    /// Only quotes from this sector.
    pub sector: Option<String>,
    /// Only quotes by this speaker.
    pub speaker: Option<String>,
    /// Only quotes by speakers in this role.
    pub role: Option<String>,
    /// Only quotes of this round.
    pub round: Option<String>,
    /// Most hits returned (totals always cover every hit).
    pub limit: usize,
}

impl Default for SearchFilters {
    fn default() -> Self {
        SearchFilters {
            themes: Vec::new(),
            categories: Vec::new(),
            area: None,
            sector: None,
            speaker: None,
            role: None,
            round: None,
            limit: 20,
        }
    }
}

/// Where the quotes behind the table's rows are.
enum Quotes {
    /// In memory, by row.
    Loaded(Vec<Quote>),
    /// Lines of a project's `quotes.jsonl` at the table's offsets.
    File(QuoteLines),
}

/// Everything a search runs over: the index, the quote table and the quotes, loaded once
/// for any number of searches.
pub struct Searchable {
    index: QuoteIndex,
    /// The quote table: attributes and codes of every row.
    pub table: QuoteTable,
    quotes: Quotes,
    /// The codebook the quotes are coded with.
    pub codebook: Codebook,
    /// Row sets per theme and area, built by the first search.
    facets: OnceLock<Facets>,
}

/// One search's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Quotes matched.
    pub total: usize,
    /// Matched quotes per theme (themes with none left out).
    pub by_theme: BTreeMap<String, usize>,
    /// Matched quotes per area (`(none)` for quotes without one).
    pub by_area: BTreeMap<String, usize>,
    /// Matched quotes per value of the other facets ([`FACET_COLUMNS`]), values with
    /// none left out (`(none)` for quotes without one).
    pub by_attribute: BTreeMap<String, BTreeMap<String, usize>>,
    /// Best first, at most the limit: row and score.
    pub hits: Vec<(usize, f64)>,
    /// The stems the words match, for highlighting.
    pub stems: HashSet<String>,
}

impl Searchable {
    /// The project's state, brought up to date (with `codebook` if given, else the
    /// project's; the last complete run's, with a warning to `observer`, while a source
    /// cannot be read); or, with `paths`, the files coded in memory.
    pub fn open(
        project: Option<&Project>,
        paths: &[PathBuf],
        codebook: Option<PathBuf>,
        observer: &dyn Observer,
    ) -> Result<Self> {
        if let (Some(project), true) = (project, paths.is_empty()) {
            let refreshed = refresh_or_last(project, codebook.as_deref(), observer)?;
            let state = StatePaths::of(project);
            let layout = layout_of(&refreshed.table);
            let index = QuoteIndex::open(&state.index, &layout, refreshed.table.rows())?;
            return Ok(Searchable {
                index,
                table: refreshed.table,
                quotes: Quotes::File(QuoteLines::open(&state.quotes)?),
                codebook: refreshed.codebook,
                facets: OnceLock::new(),
            });
        }
        let request = CodeRequest {
            paths: paths.to_vec(),
            codebook,
            ..CodeRequest::default()
        };
        let coded = code(project, &request, observer)?;
        let table = table_of(&coded.quotes);
        let quotes: Vec<Quote> = coded.quotes.into_iter().map(|c| c.quote).collect();
        Ok(Searchable {
            index: QuoteIndex::in_memory(&quotes)?,
            table,
            quotes: Quotes::Loaded(quotes),
            codebook: coded.codebook,
            facets: OnceLock::new(),
        })
    }

    /// The quote of a table row.
    pub fn quote(&self, row: usize) -> Result<Quote> {
        match &self.quotes {
            Quotes::Loaded(quotes) => quotes
                .get(row)
                .cloned()
                .ok_or_else(|| Error::Internal(format!("no quote row {row}"))),
            Quotes::File(lines) => lines.quote(&self.table, row),
        }
    }

    /// The row of the quote `id`, if there is one.
    pub fn row_of(&self, id: &str) -> Result<Option<usize>> {
        let document = id.rsplit_once(':').map_or(id, |(d, _)| d);
        let rows: Vec<usize> = match self.table.sources.iter().find(|s| s.document == document) {
            Some(entry) => {
                (entry.first_row as usize..(entry.first_row + entry.rows) as usize).collect()
            }
            None if self.table.sources.is_empty() => (0..self.table.rows()).collect(),
            None => return Ok(None),
        };
        for row in rows {
            if self.quote(row)?.id == id {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    /// The quotes matching `words` (the index's query syntax; empty: every quote the
    /// filters keep, best coded first) and `filters`.
    pub fn search(&self, words: &str, filters: &SearchFilters) -> Result<Answer> {
        let table = &self.table;
        // Theme filters: any of the themes named and the themes of the categories named.
        let theme_filter = !filters.themes.is_empty() || !filters.categories.is_empty();
        let category_themes = self
            .codebook
            .themes
            .iter()
            .filter(|t| filters.categories.contains(&t.category))
            .map(|t| &t.id);
        let wanted: Vec<u32> = filters
            .themes
            .iter()
            .chain(category_themes)
            .filter_map(|theme| table.theme_id(theme))
            .collect();
        let rows = table.rows();
        let facets = self.facets.get_or_init(|| Facets::of(table));
        let mut kept: Option<RowSet> = None;
        for (name, value) in [
            ("area", &filters.area),
            ("sector", &filters.sector),
            ("speaker", &filters.speaker),
            ("role", &filters.role),
            ("round", &filters.round),
        ] {
            if let (Some(value), Some(column)) = (value, table.column(name)) {
                let Some(id) = table.columns[column].find(value) else {
                    let values: Vec<&str> = table.columns[column]
                        .values
                        .iter()
                        .map(String::as_str)
                        .collect();
                    return Err(Error::Invalid(verbatim_model::unknown_name(
                        &format!("--{name}"),
                        value,
                        &values,
                    )));
                };
                narrow(&mut kept, &facets.value_rows(table, column, id));
            }
        }
        if theme_filter {
            narrow(&mut kept, &facets.coded_to_any(rows, &wanted));
        }
        let limit = filters.limit;
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
            if scored.len() > limit && limit > 0 {
                scored.select_nth_unstable_by(limit - 1, best_first);
            }
            scored.truncate(limit);
            scored.sort_by(best_first);
            (matched, scored)
        } else {
            let query = self.index.parse_search(words)?;
            query.query_terms(&mut |term, _| {
                if let Some(text) = term.value().as_str() {
                    stems.insert(text.to_string());
                }
            });
            for word in words.split_whitespace().filter_map(|w| w.strip_suffix('*')) {
                stems.extend(tokens(word).into_iter().map(|t| t.stem));
            }
            let matches = self.index.matches(query.as_ref())?;
            let mut matched = matches.rows.clone();
            if let Some(kept) = &kept {
                matched.intersect_with(kept);
            }
            let among = kept.is_some().then_some((&matches, &matched));
            let best = self.index.best(query.as_ref(), limit, among)?;
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
        Ok(Answer {
            total: matched.count(),
            by_theme,
            by_area,
            by_attribute: attribute_counts(table, &matched),
            hits,
            stems,
        })
    }
}

/// Facets besides themes and areas, counted row by row over a search's matches.
pub const FACET_COLUMNS: [&str; 4] = ["sector", "role", "round", "speaker"];

/// Per [`FACET_COLUMNS`] column the table has, matched quotes per value.
fn attribute_counts(
    table: &QuoteTable,
    matched: &RowSet,
) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for name in FACET_COLUMNS {
        let Some(c) = table.column(name) else {
            continue;
        };
        let column = &table.columns[c];
        let mut counts = vec![0usize; column.values.len() + 1];
        for row in matched.rows() {
            counts[column.ids[row] as usize] += 1;
        }
        let named: BTreeMap<String, usize> = counts
            .into_iter()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .map(|(id, n)| (column.value(id as u32).unwrap_or("(none)").to_string(), n))
            .collect();
        out.insert(name.to_string(), named);
    }
    out
}

/// Narrows an optional filter (`None`: every row) to `these` rows too.
fn narrow(kept: &mut Option<RowSet>, these: &RowSet) {
    match kept {
        Some(kept) => kept.intersect_with(these),
        None => *kept = Some(these.clone()),
    }
}
