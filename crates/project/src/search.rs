//! Readers' search over a project's quotes (or files coded in memory): words through the
//! index, filters by theme, category and attribute through the quote table, and the totals
//! per facet value of the whole result.
//!
//! Facets count the way a reader picking several values expects: within one facet the
//! values picked are alternatives (any of them), across facets they all apply, and a
//! facet's own counts leave its own choice out, so the values not yet picked still show
//! what adding them would bring.

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
    /// Per attribute of [`SEARCH_ATTRIBUTES`], only quotes with one of these values.
    pub attributes: BTreeMap<String, Vec<String>>,
    /// Most hits returned (totals always cover every hit).
    pub limit: usize,
}

impl Default for SearchFilters {
    fn default() -> Self {
        SearchFilters {
            themes: Vec::new(),
            categories: Vec::new(),
            attributes: BTreeMap::new(),
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
    /// Matched quotes per theme (themes with none left out); with a theme or category
    /// filter, counted as if that filter were not set.
    pub by_theme: BTreeMap<String, usize>,
    /// Matched quotes per category, counted as `by_theme` is.
    pub by_category: BTreeMap<String, usize>,
    /// Matched quotes per area (`(none)` for quotes without one); with an area filter,
    /// counted as if it were not set.
    pub by_area: BTreeMap<String, usize>,
    /// Matched quotes per value of the other facets ([`FACET_COLUMNS`]), values with
    /// none left out (`(none)` for quotes without one), each counted as `by_area` is.
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
        let mut groups: Vec<(&str, RowSet)> = Vec::new();
        for (name, values) in &filters.attributes {
            if !values.is_empty() {
                groups.push((name, self.attribute_rows(facets, name, values)?));
            }
        }
        if theme_filter {
            groups.push(("theme", facets.coded_to_any(rows, &wanted)));
        }
        let kept = within(None, &groups, None);
        let limit = filters.limit;
        let mut stems = HashSet::new();
        let mut words_matched: Option<RowSet> = None;
        let (matched, hits) = if words.trim().is_empty() {
            let matched = kept.clone().unwrap_or_else(|| RowSet::full(rows));
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
            words_matched = Some(matches.rows);
            (matched, hits)
        };
        // A facet with a choice made counts over the matches of every other choice.
        let counted = |facet: &str| -> RowSet {
            if groups.iter().any(|(name, _)| *name == facet) {
                within(words_matched.as_ref(), &groups, Some(facet))
                    .unwrap_or_else(|| RowSet::full(rows))
            } else {
                matched.clone()
            }
        };
        let theme_rows = counted("theme");
        let theme_counts = facets.theme_counts(&theme_rows);
        let mut by_category = BTreeMap::new();
        for category in &self.codebook.categories {
            let ids: Vec<u32> = (self.codebook.themes.iter())
                .filter(|t| t.category == category.id)
                .filter_map(|t| table.theme_id(&t.id))
                .collect();
            let n = theme_rows.intersection_count(&facets.coded_to_any(rows, &ids));
            if n > 0 {
                by_category.insert(category.id.clone(), n);
            }
        }
        let by_theme = theme_counts
            .into_iter()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .map(|(id, n)| (table.themes[id].clone(), n))
            .collect();
        let area = table.column("area");
        let by_area = facets
            .area_counts(table, &counted("area"))
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
            by_category,
            by_area,
            by_attribute: attribute_counts(table, counted),
            hits,
            stems,
        })
    }
}

/// Facets besides themes and areas, counted row by row over a search's matches.
pub const FACET_COLUMNS: [&str; 4] = ["sector", "role", "round", "speaker"];

/// The attributes a search filters by.
pub const SEARCH_ATTRIBUTES: [&str; 5] = ["area", "sector", "role", "round", "speaker"];

impl Searchable {
    /// The rows whose attribute `name` has any of `values`; an unknown attribute or value
    /// is an error naming the nearest known ones.
    fn attribute_rows(&self, facets: &Facets, name: &str, values: &[String]) -> Result<RowSet> {
        let table = &self.table;
        if !SEARCH_ATTRIBUTES.contains(&name) {
            return Err(Error::Invalid(verbatim_model::unknown_name(
                "filter",
                name,
                &SEARCH_ATTRIBUTES,
            )));
        }
        let column = table.column(name);
        let mut rows = RowSet::new(table.rows());
        for value in values {
            let id = column.and_then(|c| table.columns[c].find(value));
            let (Some(column), Some(id)) = (column, id) else {
                let known: Vec<&str> = column
                    .map(|c| table.columns[c].values.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(Error::Invalid(verbatim_model::unknown_name(
                    &format!("--{name}"),
                    value,
                    &known,
                )));
            };
            rows.union_with(&facets.value_rows(table, column, id));
        }
        Ok(rows)
    }
}

/// The rows of every group but `except`'s, within `base` if given (`None`: no group and
/// no base, every row).
fn within(
    base: Option<&RowSet>,
    groups: &[(&str, RowSet)],
    except: Option<&str>,
) -> Option<RowSet> {
    let mut kept = base.cloned();
    for (_, rows) in groups.iter().filter(|(name, _)| Some(*name) != except) {
        match &mut kept {
            Some(kept) => kept.intersect_with(rows),
            None => kept = Some(rows.clone()),
        }
    }
    kept
}

/// Per [`FACET_COLUMNS`] column the table has, quotes per value among the rows
/// `counted` gives for that facet.
fn attribute_counts(
    table: &QuoteTable,
    counted: impl Fn(&str) -> RowSet,
) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out = BTreeMap::new();
    for name in FACET_COLUMNS {
        let Some(c) = table.column(name) else {
            continue;
        };
        let column = &table.columns[c];
        let mut counts = vec![0usize; column.values.len() + 1];
        for row in counted(name).rows() {
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

#[cfg(test)]
#[path = "search_tests.rs"]
mod search_tests;
