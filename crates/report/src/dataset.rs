//! Quotes with their codes, the filters a report applies, and the counting rules.
//!
//! A dataset is built either from quotes and codings as parsed from their files
//! ([`Dataset::new`]) or from a project's quote table ([`Dataset::from_table`]), which
//! holds every attribute and code a count needs: a report over a million quotes then never
//! parses their text, and reads only the quotes it shows (see [`Dataset::rows_to_load`]).

use std::collections::{BTreeSet, HashMap};

use verbatim_model::{Codebook, Coding, Origin, Quote, QuoteTable};

/// Attributes a report can break counts down by.
pub const ATTRIBUTES: [&str; 7] = [
    "area",
    "sector",
    "role",
    "organisation",
    "round",
    "speaker",
    "source",
];

/// The label of a quote without a value for an attribute.
pub const NO_VALUE: &str = "(none)";

/// A code of a quote as a report counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// Theme id.
    pub theme: String,
    /// Score (manual codes without one count as the highest).
    pub score: f64,
    /// Manual or automatic.
    pub origin: Origin,
    /// The rules and words that fired, when the codings read had them (a quote table
    /// keeps none).
    pub evidence: Vec<String>,
}

/// What a report includes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only these categories (empty: all).
    pub categories: Vec<String>,
    /// Only these themes (empty: all).
    pub themes: Vec<String>,
    /// Only codes of this origin.
    pub origin: Option<Origin>,
    /// Only automatic codes scoring at least this (manual codes always count).
    pub min_score: Option<f64>,
    /// Only quotes whose attribute has this value (`area=Wigan`), all must hold.
    pub conditions: Vec<(String, String)>,
}

/// A theme as reports show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeInfo {
    /// Theme id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Category id.
    pub category: String,
}

/// The quotes a report covers, each with the codes that count, and the themes shown.
#[derive(Debug, Clone)]
pub struct Dataset<'q> {
    rows: Rows<'q>,
    /// Per quote, its counted codes: one per theme, best first.
    pub codes: Vec<Vec<Counted>>,
    /// Themes shown, in codebook order.
    pub themes: Vec<ThemeInfo>,
    /// Categories shown: id and name, in codebook order.
    pub categories: Vec<(String, String)>,
    /// Per theme shown (same order), the indices of the quotes coded to it.
    by_theme: Vec<Vec<usize>>,
    /// Per quote, a number for its named speaker (equal numbers, equal names).
    speaker_ids: Vec<Option<u32>>,
    /// Per quote, a number for its source.
    source_ids: Vec<u32>,
}

/// Where a dataset's quotes come from.
#[derive(Debug, Clone)]
enum Rows<'q> {
    /// Parsed quotes, in input order.
    Quotes(Vec<&'q Quote>),
    /// Rows of a quote table; the quotes themselves only where loaded.
    Table {
        table: &'q QuoteTable,
        rows: Vec<u32>,
        loaded: HashMap<u32, Quote>,
    },
}

impl<'q> Dataset<'q> {
    /// Builds a dataset from quotes and codings. Themes come from the codebook (in its
    /// order), else from the codings themselves (sorted by id).
    pub fn new(
        quotes: &'q [Quote],
        codings: &[Coding],
        codebook: Option<&Codebook>,
        filter: &Filter,
    ) -> Self {
        let (themes, categories) =
            shown_themes(codebook, codings.iter().map(|c| c.theme.as_str()), filter);
        let shown: BTreeSet<&str> = themes.iter().map(|t| t.id.as_str()).collect();
        let mut by_quote: HashMap<&str, Vec<Counted>> = HashMap::with_capacity(codings.len());
        for coding in codings {
            if shown.contains(coding.theme.as_str()) {
                let codes = by_quote.entry(coding.quote.as_str()).or_default();
                count(codes, coding.into(), filter);
            }
        }
        let mut kept_quotes = Vec::new();
        let mut kept_codes = Vec::new();
        for quote in quotes {
            let passes = filter.conditions.iter().all(|(attribute, value)| {
                attribute_value(quote, attribute).eq_ignore_ascii_case(value)
            });
            if passes {
                kept_codes.push(by_quote.remove(quote.id.as_str()).unwrap_or_default());
                kept_quotes.push(quote);
            }
        }
        let mut speakers: HashMap<&str, u32> = HashMap::new();
        let speaker_ids = kept_quotes
            .iter()
            .map(|q| q.speaker.as_deref().map(|s| number(&mut speakers, s)))
            .collect();
        let mut sources: HashMap<&str, u32> = HashMap::new();
        let source_ids = kept_quotes
            .iter()
            .map(|q| number(&mut sources, &q.source))
            .collect();
        Dataset::assemble(
            Rows::Quotes(kept_quotes),
            kept_codes,
            themes,
            categories,
            speaker_ids,
            source_ids,
        )
    }

    /// Builds a dataset from a project's quote table: attributes and automatic codes from
    /// the table, manual codings (with the row of their quote) as written, since only they
    /// keep a missing score apart from a zero one. Attribute conditions on attributes the
    /// table lacks match no quote; callers check [`QuoteTable::column`] first.
    pub fn from_table(
        table: &'q QuoteTable,
        manual: &[(u32, Coding)],
        codebook: Option<&Codebook>,
        filter: &Filter,
    ) -> Self {
        let coded_themes = table
            .themes
            .iter()
            .map(String::as_str)
            .chain(manual.iter().map(|(_, c)| c.theme.as_str()));
        let (themes, categories) = shown_themes(codebook, coded_themes, filter);
        let shown: BTreeSet<&str> = themes.iter().map(|t| t.id.as_str()).collect();
        let table_theme_shown: Vec<bool> = table
            .themes
            .iter()
            .map(|t| shown.contains(t.as_str()))
            .collect();
        let conditions: Vec<(Option<usize>, Vec<bool>)> = filter
            .conditions
            .iter()
            .map(|(attribute, value)| {
                let column = table.column(attribute);
                let accepted = column.map_or_else(Vec::new, |c| {
                    let column = &table.columns[c];
                    (0..=column.values.len() as u32)
                        .map(|id| label(column.value(id)).eq_ignore_ascii_case(value))
                        .collect()
                });
                (column, accepted)
            })
            .collect();
        let mut manual_by_row: HashMap<u32, Vec<&Coding>> = HashMap::new();
        for (row, coding) in manual {
            manual_by_row.entry(*row).or_default().push(coding);
        }
        let speaker = table.column("speaker");
        let source = table.column("source");
        let mut rows = Vec::new();
        let mut kept_codes = Vec::new();
        let mut speaker_ids = Vec::new();
        let mut source_ids = Vec::new();
        for row in 0..table.rows() {
            let passes = conditions.iter().all(|(column, accepted)| {
                column.is_some_and(|c| accepted[table.columns[c].ids[row] as usize])
            });
            if !passes {
                continue;
            }
            let row = row as u32;
            let mut codes = Vec::new();
            for coding in manual_by_row.get(&row).into_iter().flatten() {
                if shown.contains(coding.theme.as_str()) {
                    count(&mut codes, Code::from(*coding), filter);
                }
            }
            for code in table.codes(row as usize) {
                if code.origin == Origin::Auto && table_theme_shown[code.theme_id as usize] {
                    let code = Code {
                        theme: code.theme,
                        score: Some(code.score),
                        origin: code.origin,
                        evidence: &[],
                    };
                    count(&mut codes, code, filter);
                }
            }
            let id_in =
                |column: Option<usize>| column.map_or(0, |c| table.columns[c].ids[row as usize]);
            speaker_ids.push(Some(id_in(speaker)).filter(|&id| id != 0));
            source_ids.push(id_in(source));
            rows.push(row);
            kept_codes.push(codes);
        }
        Dataset::assemble(
            Rows::Table {
                table,
                rows,
                loaded: HashMap::new(),
            },
            kept_codes,
            themes,
            categories,
            speaker_ids,
            source_ids,
        )
    }

    fn assemble(
        rows: Rows<'q>,
        mut codes: Vec<Vec<Counted>>,
        themes: Vec<ThemeInfo>,
        categories: Vec<(String, String)>,
        speaker_ids: Vec<Option<u32>>,
        source_ids: Vec<u32>,
    ) -> Self {
        let position: HashMap<&str, usize> = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        let mut by_theme = vec![Vec::new(); themes.len()];
        for (i, codes) in codes.iter_mut().enumerate() {
            codes.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.theme.cmp(&b.theme))
            });
            for code in codes.iter() {
                if let Some(&t) = position.get(code.theme.as_str()) {
                    by_theme[t].push(i);
                }
            }
        }
        Dataset {
            rows,
            codes,
            themes,
            categories,
            by_theme,
            speaker_ids,
            source_ids,
        }
    }

    /// Number of quotes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the dataset has no quote.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Quote `i`: always there for a dataset of parsed quotes; for one built from a table,
    /// only once loaded with [`Dataset::provide_quotes`].
    pub fn quote(&self, i: usize) -> Option<&Quote> {
        match &self.rows {
            Rows::Quotes(quotes) => quotes.get(i).copied(),
            Rows::Table { rows, loaded, .. } => rows.get(i).and_then(|row| loaded.get(row)),
        }
    }

    /// Quote `i`'s value for an attribute, or [`NO_VALUE`].
    pub fn value(&self, i: usize, attribute: &str) -> &str {
        match &self.rows {
            Rows::Quotes(quotes) => attribute_value(quotes[i], attribute),
            Rows::Table { table, rows, .. } => label(
                table
                    .column(attribute)
                    .and_then(|c| table.value(rows[i] as usize, c)),
            ),
        }
    }

    /// An attribute as distinct labels (values, or [`NO_VALUE`]) and, per quote, the
    /// index of its label.
    pub fn column(&self, attribute: &str) -> (Vec<&str>, Vec<usize>) {
        let mut labels: Vec<&str> = Vec::new();
        let mut numbers: HashMap<&str, usize> = HashMap::new();
        match &self.rows {
            Rows::Quotes(quotes) => {
                let ids = quotes
                    .iter()
                    .map(|q| {
                        let value = attribute_value(q, attribute);
                        *numbers.entry(value).or_insert_with(|| {
                            labels.push(value);
                            labels.len() - 1
                        })
                    })
                    .collect();
                (labels, ids)
            }
            Rows::Table { table, rows, .. } => {
                let Some(c) = table.column(attribute) else {
                    return (vec![NO_VALUE], vec![0; rows.len()]);
                };
                let column = &table.columns[c];
                let mut by_id: Vec<Option<usize>> = vec![None; column.values.len() + 1];
                let ids = rows
                    .iter()
                    .map(|&row| {
                        let id = column.ids[row as usize];
                        *by_id[id as usize].get_or_insert_with(|| {
                            let value = label(column.value(id));
                            *numbers.entry(value).or_insert_with(|| {
                                labels.push(value);
                                labels.len() - 1
                            })
                        })
                    })
                    .collect();
                (labels, ids)
            }
        }
    }

    /// Indices of the quotes coded to a theme.
    pub fn coded_to<'a>(&'a self, theme: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.themes
            .iter()
            .position(|t| t.id == theme)
            .map(|t| self.by_theme[t].iter().copied())
            .into_iter()
            .flatten()
    }

    /// Quotes coded to any of `themes`, in order.
    pub fn coded_to_any(&self, themes: &[&str]) -> Vec<usize> {
        let mut quotes: Vec<usize> = themes.iter().flat_map(|t| self.coded_to(t)).collect();
        quotes.sort_unstable();
        quotes.dedup();
        quotes
    }

    /// The quotes that can be among a theme's `limit` best, with their scores: the
    /// `limit` highest scores and every quote tied with the lowest of them (ties are
    /// broken by quote id, which only the quotes themselves hold).
    pub fn best_coded_to(&self, theme: &str, limit: usize) -> Vec<(f64, usize)> {
        let mut scored: Vec<(f64, usize)> = self
            .coded_to(theme)
            .filter_map(|i| self.score(i, theme).map(|s| (s, i)))
            .collect();
        if limit == 0 {
            return Vec::new();
        }
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, |a, b| b.0.total_cmp(&a.0));
            let threshold = scored[limit - 1].0;
            scored.retain(|s| s.0.total_cmp(&threshold).is_ge());
        }
        scored
    }

    /// For a dataset built from a table, the table rows whose quotes the top quotes of
    /// each theme (`limit` per theme) need and that are not loaded yet.
    pub fn rows_to_load(&self, limit: usize) -> Vec<u32> {
        let Rows::Table { rows, loaded, .. } = &self.rows else {
            return Vec::new();
        };
        let mut needed: Vec<u32> = self
            .themes
            .iter()
            .flat_map(|t| self.best_coded_to(&t.id, limit))
            .map(|(_, i)| rows[i])
            .filter(|row| !loaded.contains_key(row))
            .collect();
        needed.sort_unstable();
        needed.dedup();
        needed
    }

    /// Gives a dataset built from a table the quotes of some of its rows.
    pub fn provide_quotes(&mut self, quotes: impl IntoIterator<Item = (u32, Quote)>) {
        if let Rows::Table { loaded, .. } = &mut self.rows {
            loaded.extend(quotes);
        }
    }

    /// The number of distinct named speakers among `quotes`.
    pub fn distinct_speakers(&self, quotes: impl Iterator<Item = usize>) -> usize {
        distinct(quotes.filter_map(|i| self.speaker_ids[i]))
    }

    /// The number of distinct sources among `quotes`.
    pub fn distinct_sources(&self, quotes: impl Iterator<Item = usize>) -> usize {
        distinct(quotes.map(|i| self.source_ids[i]))
    }

    /// A quote's speaker number (see [`Dataset::distinct_speakers`]).
    pub fn speaker_id(&self, quote: usize) -> Option<u32> {
        self.speaker_ids[quote]
    }

    /// A quote's score for a theme, if coded to it.
    pub fn score(&self, quote: usize, theme: &str) -> Option<f64> {
        self.codes[quote]
            .iter()
            .find(|c| c.theme == theme)
            .map(|c| c.score)
    }
}

/// The themes and categories a report shows: the codebook's (in its order), else those
/// coded (sorted by id), narrowed by the filter.
fn shown_themes<'c>(
    codebook: Option<&Codebook>,
    coded: impl Iterator<Item = &'c str>,
    filter: &Filter,
) -> (Vec<ThemeInfo>, Vec<(String, String)>) {
    let mut themes: Vec<ThemeInfo> = match codebook {
        Some(codebook) => codebook
            .themes
            .iter()
            .map(|t| ThemeInfo {
                id: t.id.clone(),
                name: t.name.clone(),
                category: t.category.clone(),
            })
            .collect(),
        None => coded
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|id| ThemeInfo {
                name: id.to_string(),
                category: id.split('.').next().unwrap_or("").to_string(),
                id: id.to_string(),
            })
            .collect(),
    };
    themes.retain(|t| filter.categories.is_empty() || filter.categories.contains(&t.category));
    themes.retain(|t| filter.themes.is_empty() || filter.themes.contains(&t.id));
    let categories: Vec<(String, String)> = match codebook {
        Some(codebook) => codebook
            .categories
            .iter()
            .filter(|c| themes.iter().any(|t| t.category == c.id))
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect(),
        None => themes
            .iter()
            .map(|t| t.category.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|c| (c.clone(), c))
            .collect(),
    };
    (themes, categories)
}

/// Counts one coding of a quote under the filter's origin and score rules.
/// A code as [`count`] takes it, from a coding or a quote table's row.
struct Code<'c> {
    theme: &'c str,
    score: Option<f64>,
    origin: Origin,
    evidence: &'c [String],
}

impl<'c> From<&'c Coding> for Code<'c> {
    fn from(coding: &'c Coding) -> Self {
        Code {
            theme: &coding.theme,
            score: coding.score,
            origin: coding.origin,
            evidence: &coding.evidence,
        }
    }
}

fn count(codes: &mut Vec<Counted>, code: Code<'_>, filter: &Filter) {
    let Code {
        theme,
        score,
        origin,
        evidence,
    } = code;
    // Suggestions are the coder's next best guesses, for review; they never count.
    if !origin.applies() || filter.origin.is_some_and(|o| o != origin) {
        return;
    }
    let score = match (origin, score) {
        (Origin::Manual, score) => score.unwrap_or(f64::INFINITY),
        (_, Some(score)) => score,
        (_, None) => 0.0,
    };
    if origin == Origin::Auto && filter.min_score.is_some_and(|min| score < min) {
        return;
    }
    match codes.iter_mut().find(|c| c.theme == theme) {
        // A quote coded twice to one theme (manually and automatically, or by two
        // coders) counts once, with its best score.
        Some(existing) => {
            if score > existing.score {
                existing.score = score;
                existing.origin = origin;
                existing.evidence = evidence.to_vec();
            }
        }
        None => codes.push(Counted {
            theme: theme.to_string(),
            score,
            origin,
            evidence: evidence.to_vec(),
        }),
    }
}

/// A stored value as reports label it.
fn label(value: Option<&str>) -> &str {
    value.filter(|v| !v.is_empty()).unwrap_or(NO_VALUE)
}

fn number<'q>(numbers: &mut HashMap<&'q str, u32>, value: &'q str) -> u32 {
    let next = numbers.len() as u32;
    *numbers.entry(value).or_insert(next)
}

fn distinct(ids: impl Iterator<Item = u32>) -> usize {
    let mut ids: Vec<u32> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// A quote's value for an attribute (`area`, `speaker`, a free attribute...), or
/// [`NO_VALUE`].
pub fn attribute_value<'q>(quote: &'q Quote, attribute: &str) -> &'q str {
    label(raw_value(quote, attribute))
}

fn raw_value<'q>(quote: &'q Quote, attribute: &str) -> Option<&'q str> {
    match attribute {
        "speaker" => quote.speaker.as_deref(),
        "role" => quote.role.as_deref(),
        "organisation" => quote.organisation.as_deref(),
        "area" => quote.area.as_deref(),
        "sector" => quote.sector.as_deref(),
        "round" => quote.round.as_deref(),
        "source" => Some(quote.source.as_str()),
        other => quote.attributes.get(other).map(String::as_str),
    }
}

/// The counting rules, as written in every report's footer.
pub const COUNTING_RULES: &[&str] = &[
    "A quote coded to a theme more than once (manually and automatically, or by two coders) counts once.",
    "Quotes: the number of quotes coded to the theme. Speakers: distinct named speakers among them (anonymous quotes add no speaker). Sources: distinct source files.",
    "Share: quotes coded to the theme as a share of all quotes in the report (after attribute filters).",
    "A matrix cell counts the quotes coded to the theme whose attribute has the column's value; row totals are the theme's quotes, column totals the cells' sum (coding references). Normalised cells are shares of the column's quotes.",
    "Co-occurrence counts the quotes coded to both themes.",
    "Manual codes always count; with --min-score, automatic codes below it do not.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Report, ReportOptions};

    const COLUMNS: [&str; 4] = ["speaker", "area", "sector", "source"];

    /// The table a project run keeps for these quotes and codings: manual codes as
    /// written (a missing score stored as zero), then automatic ones.
    fn table_of(quotes: &[Quote], codings: &[Coding]) -> QuoteTable {
        let mut table = QuoteTable::new(&COLUMNS);
        for (i, quote) in quotes.iter().enumerate() {
            let values: Vec<Option<&str>> = COLUMNS
                .iter()
                .map(|c| match *c {
                    "source" => Some(quote.source.as_str()),
                    c => raw_value(quote, c),
                })
                .collect();
            let row = table.push_row(i as u64 + 1, &values);
            let mut mine: Vec<&Coding> = codings.iter().filter(|c| c.quote == quote.id).collect();
            mine.sort_by_key(|c| c.origin != Origin::Manual);
            for coding in mine {
                table.push_code(
                    row,
                    &coding.theme,
                    coding.score.unwrap_or(0.0),
                    coding.origin,
                );
            }
        }
        table
    }

    fn report_json(data: &Dataset<'_>) -> String {
        let options = ReportOptions {
            by: vec!["area".into(), "sector".into(), "speaker".into()],
            top: 2,
            ..ReportOptions::default()
        };
        serde_json::to_string(&Report::new(data, &options)).unwrap_or_default()
    }

    proptest::proptest! {
        /// A report from the table and the manual codings equals the report from the
        /// parsed files, under every filter.
        #[test]
        fn table_dataset_reports_like_parsed_quotes(
            people in proptest::collection::vec((0usize..5, 0usize..4, 0usize..3, 0usize..3), 1..25),
            autos in proptest::collection::vec((0usize..25, 0usize..4, 0u8..4), 0..60),
            manuals in proptest::collection::vec((0usize..25, 0usize..4, proptest::option::of(0u8..4)), 0..8),
            origin in proptest::option::of(proptest::bool::ANY),
            min_score in proptest::option::of(0u8..3),
            area in proptest::option::of(0usize..4),
        ) {
            let name = |n: usize, prefix: &str| match n {
                0 => None,
                1 => Some(String::new()),
                n => Some(format!("{prefix}{n}")),
            };
            let quotes: Vec<Quote> = people
                .iter()
                .enumerate()
                .map(|(i, &(speaker, area, sector, source))| Quote {
                    speaker: name(speaker, "Speaker "),
                    area: name(area, "Area "),
                    sector: name(sector, "sector"),
                    ..Quote::new(format!("d{source}:{}", 30 - i), format!("s{source}.txt"), format!("words {i}"))
                })
                .collect();
            let mut codings: Vec<Coding> = Vec::new();
            for &(q, t, score) in &manuals {
                if let Some(quote) = quotes.get(q) {
                    codings.push(Coding {
                        quote: quote.id.clone(),
                        theme: format!("c.t{t}"),
                        score: score.map(f64::from),
                        origin: Origin::Manual,
                        coder: Some("ann".into()),
                        evidence: Vec::new(),
                    });
                }
            }
            for &(q, t, score) in &autos {
                let Some(quote) = quotes.get(q) else { continue };
                let theme = format!("c.t{t}");
                let taken = codings.iter().any(|c| c.quote == quote.id && c.theme == theme);
                if !taken {
                    codings.push(Coding {
                        quote: quote.id.clone(),
                        theme,
                        score: Some(f64::from(score) / 2.0),
                        origin: Origin::Auto,
                        coder: Some("verbatim".into()),
                        evidence: Vec::new(),
                    });
                }
            }
            let filter = Filter {
                origin: origin.map(|m| if m { Origin::Manual } else { Origin::Auto }),
                min_score: min_score.map(f64::from),
                conditions: area
                    .map(|a| vec![("area".to_string(), name(a, "area ").unwrap_or_else(|| NO_VALUE.to_string()))])
                    .unwrap_or_default(),
                ..Filter::default()
            };
            let parsed = Dataset::new(&quotes, &codings, None, &filter);
            let table = table_of(&quotes, &codings);
            let manual: Vec<(u32, Coding)> = codings
                .iter()
                .filter(|c| c.origin == Origin::Manual)
                .filter_map(|c| {
                    let row = quotes.iter().position(|q| q.id == c.quote)?;
                    Some((row as u32, c.clone()))
                })
                .collect();
            let mut from_table = Dataset::from_table(&table, &manual, None, &filter);
            let needed = from_table.rows_to_load(2);
            from_table.provide_quotes(needed.iter().map(|&r| (r, quotes[r as usize].clone())));
            proptest::prop_assert_eq!(report_json(&from_table), report_json(&parsed));
        }
    }
}
