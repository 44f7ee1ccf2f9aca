//! A whole report: every count, computed once, ready for any rendering.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::dataset::{COUNTING_RULES, Dataset};
use crate::memo::Memo;
use crate::stats::{
    CoOccurrence, Frequency, Matrix, TopQuote, category_frequency, co_occurrence, matrix,
    theme_frequency, top_quotes,
};

/// What to put in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// Report title.
    pub title: String,
    /// Attributes to break themes down by.
    pub by: Vec<String>,
    /// Show matrix cells as shares of the column's quotes.
    pub normalise: bool,
    /// Quotes shown per theme.
    pub top: usize,
    /// The filters applied, in words, for the header.
    pub filters: Vec<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: "Theme report".to_string(),
            by: vec!["area".to_string(), "sector".to_string()],
            normalise: false,
            top: 3,
            filters: Vec::new(),
        }
    }
}

/// Every count of a report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Title.
    pub title: String,
    /// Quotes in the report.
    pub quotes: usize,
    /// Quotes with at least one code.
    pub coded_quotes: usize,
    /// Codes counted.
    pub codes: usize,
    /// Filters applied, in words.
    pub filters: Vec<String>,
    /// Whether matrix cells are shown as shares.
    pub normalised: bool,
    /// Category frequency.
    pub categories: Vec<Frequency>,
    /// Theme frequency.
    pub themes: Vec<Frequency>,
    /// One matrix per `by` attribute.
    pub matrices: Vec<Matrix>,
    /// Theme co-occurrence.
    pub co_occurrence: CoOccurrence,
    /// Best quotes per theme.
    pub top_quotes: BTreeMap<String, Vec<TopQuote>>,
    /// How everything is counted.
    pub counting_rules: Vec<String>,
    /// The researcher's memos on the themes, sources and quotes reported.
    pub memos: Vec<Memo>,
}

impl Report {
    /// Computes a report from a dataset.
    pub fn new(data: &Dataset<'_>, options: &ReportOptions) -> Self {
        Report {
            title: options.title.clone(),
            quotes: data.len(),
            coded_quotes: data.codes.iter().filter(|c| !c.is_empty()).count(),
            codes: data.codes.iter().map(Vec::len).sum(),
            filters: options.filters.clone(),
            normalised: options.normalise,
            categories: category_frequency(data),
            themes: theme_frequency(data),
            matrices: options
                .by
                .iter()
                .map(|attribute| matrix(data, attribute))
                .collect(),
            co_occurrence: co_occurrence(data),
            top_quotes: top_quotes(data, options.top),
            counting_rules: COUNTING_RULES.iter().map(|r| r.to_string()).collect(),
            memos: Vec::new(),
        }
    }

    /// The most frequent pairs of different themes, most first (ties by ids).
    pub fn top_pairs(&self, limit: usize) -> Vec<(&str, &str, usize)> {
        let co = &self.co_occurrence;
        let mut pairs: Vec<(&str, &str, usize)> = Vec::new();
        for a in 0..co.themes.len() {
            for b in a + 1..co.themes.len() {
                if co.counts[a][b] > 0 {
                    pairs.push((&co.themes[a], &co.themes[b], co.counts[a][b]));
                }
            }
        }
        pairs.sort_by(|x, y| y.2.cmp(&x.2).then_with(|| (x.0, x.1).cmp(&(y.0, y.1))));
        pairs.truncate(limit);
        pairs
    }

    /// A theme's name.
    pub fn theme_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.themes
            .iter()
            .find(|t| t.id == id)
            .map_or(id, |t| t.name.as_str())
    }
}
