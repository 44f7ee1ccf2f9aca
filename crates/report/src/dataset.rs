//! Quotes with their codes, the filters a report applies, and the counting rules.

use std::collections::{BTreeSet, HashMap};

use verbatim_model::{Codebook, Coding, Origin, Quote};

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
    /// Quotes that pass the attribute conditions, in input order.
    pub quotes: Vec<&'q Quote>,
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

impl<'q> Dataset<'q> {
    /// Builds a dataset from quotes and codings. Themes come from the codebook (in its
    /// order), else from the codings themselves (sorted by id).
    pub fn new(
        quotes: &'q [Quote],
        codings: &[Coding],
        codebook: Option<&Codebook>,
        filter: &Filter,
    ) -> Self {
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
            None => codings
                .iter()
                .map(|c| c.theme.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|id| ThemeInfo {
                    name: id.clone(),
                    category: id.split('.').next().unwrap_or("").to_string(),
                    id,
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
        let shown: BTreeSet<&str> = themes.iter().map(|t| t.id.as_str()).collect();
        let mut by_quote: HashMap<&str, Vec<Counted>> = HashMap::with_capacity(codings.len());
        for coding in codings {
            if !shown.contains(coding.theme.as_str())
                || filter.origin.is_some_and(|o| o != coding.origin)
            {
                continue;
            }
            let score = match (coding.origin, coding.score) {
                (Origin::Manual, score) => score.unwrap_or(f64::INFINITY),
                (Origin::Auto, Some(score)) => score,
                (Origin::Auto, None) => 0.0,
            };
            if coding.origin == Origin::Auto && filter.min_score.is_some_and(|min| score < min) {
                continue;
            }
            let codes = by_quote.entry(coding.quote.as_str()).or_default();
            match codes.iter_mut().find(|c| c.theme == coding.theme) {
                // A quote coded twice to one theme (manually and automatically, or by two
                // coders) counts once, with its best score.
                Some(existing) => {
                    if score > existing.score {
                        existing.score = score;
                        existing.origin = coding.origin;
                    }
                }
                None => codes.push(Counted {
                    theme: coding.theme.clone(),
                    score,
                    origin: coding.origin,
                }),
            }
        }
        let mut kept_quotes = Vec::new();
        let mut kept_codes = Vec::new();
        for quote in quotes {
            let passes = filter.conditions.iter().all(|(attribute, value)| {
                attribute_value(quote, attribute).eq_ignore_ascii_case(value)
            });
            if !passes {
                continue;
            }
            let mut codes = by_quote.get(quote.id.as_str()).cloned().unwrap_or_default();
            codes.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.theme.cmp(&b.theme))
            });
            kept_quotes.push(quote);
            kept_codes.push(codes);
        }
        let mut by_theme = vec![Vec::new(); themes.len()];
        for (i, codes) in kept_codes.iter().enumerate() {
            for code in codes {
                if let Some(t) = themes.iter().position(|t| t.id == code.theme) {
                    by_theme[t].push(i);
                }
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
        Dataset {
            quotes: kept_quotes,
            codes: kept_codes,
            themes,
            categories,
            by_theme,
            speaker_ids,
            source_ids,
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
    let value = match attribute {
        "speaker" => quote.speaker.as_deref(),
        "role" => quote.role.as_deref(),
        "organisation" => quote.organisation.as_deref(),
        "area" => quote.area.as_deref(),
        "sector" => quote.sector.as_deref(),
        "round" => quote.round.as_deref(),
        "source" => Some(quote.source.as_str()),
        other => quote.attributes.get(other).map(String::as_str),
    };
    value.filter(|v| !v.is_empty()).unwrap_or(NO_VALUE)
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
