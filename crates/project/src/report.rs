//! Reports over a project: which codes count ([`ReportView`]), and the data a report is
//! made from: the quote table (counts from its rows, only the quotes shown read), or
//! quotes and codings held in memory.

use std::collections::HashMap;

use verbatim_model::{Codebook, Coding, Origin, Quote};
use verbatim_report::{ATTRIBUTES, Dataset, Filter, Report, ReportOptions};

use crate::code::Coded;
use crate::config::Project;
use crate::error::{Error, Result};
use crate::manual::memos::project_memos;
use crate::manual::place::QuoteSpan;
use crate::observer::Observer;
use crate::state::{QuoteLines, StatePaths, manual_codings, refresh_or_last};

/// What a report shows and which codes count.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    /// Attributes to break themes down by; empty: area and sector.
    pub by: Vec<String>,
    /// Matrix cells as shares of the column's quotes.
    pub normalise: bool,
    /// Only these categories.
    pub categories: Vec<String>,
    /// Only these themes.
    pub themes: Vec<String>,
    /// Only codes of this origin.
    pub origin: Option<Origin>,
    /// Only automatic codes scoring at least this.
    pub min_score: Option<f64>,
    /// Only quotes whose attribute (first) has the value (second).
    pub conditions: Vec<(String, String)>,
    /// Quotes shown per theme.
    pub top: usize,
}

impl Default for ReportView {
    fn default() -> Self {
        ReportView {
            by: Vec::new(),
            normalise: false,
            categories: Vec::new(),
            themes: Vec::new(),
            origin: None,
            min_score: None,
            conditions: Vec::new(),
            top: 3,
        }
    }
}

impl ReportView {
    /// Whether the quote table holds every attribute this view breaks down or filters by.
    pub fn fits_table(&self) -> bool {
        let tabled = |attribute: &str| ATTRIBUTES.contains(&attribute);
        self.by.iter().all(|a| tabled(a)) && self.conditions.iter().all(|(a, _)| tabled(a))
    }

    /// The report's filter; themes must be the codebook's.
    fn filter(&self, codebook: &Codebook) -> Result<Filter> {
        check_codebook_names(codebook, &self.themes, &self.categories)?;
        Ok(Filter {
            categories: self.categories.clone(),
            themes: self.themes.clone(),
            origin: self.origin,
            min_score: self.min_score,
            conditions: self.conditions.clone(),
        })
    }

    /// Every `--where` condition must name a value some quote has: a slip (`area=Wigna`)
    /// is an error offering the nearest values, not an empty report. `values` gives the
    /// values an attribute takes (`None`: no quote has the attribute).
    fn check_conditions(&self, values: impl Fn(&str) -> Option<Vec<String>>) -> Result<()> {
        for (attribute, value) in &self.conditions {
            let Some(known) = values(attribute) else {
                return Err(Error::Invalid(format!(
                    "--where {attribute}={value}: no quote has the attribute `{attribute}`"
                )));
            };
            if !known.iter().any(|k| k.eq_ignore_ascii_case(value)) {
                let names: Vec<&str> = known.iter().map(String::as_str).collect();
                return Err(Error::Invalid(
                    verbatim_model::unknown_name(&format!("--where {attribute}="), value, &names)
                        .replacen("= ", "=", 1),
                ));
            }
        }
        Ok(())
    }

    /// Every attribute broken down by must be a known one or a free attribute some quote
    /// has (`free` says which).
    fn check_attributes(&self, free: impl Fn(&str) -> bool) -> Result<()> {
        for attribute in &self.by {
            if !ATTRIBUTES.contains(&attribute.as_str()) && !free(attribute) {
                return Err(Error::Invalid(format!(
                    "--by {attribute}: not an attribute of these quotes (try {})",
                    ATTRIBUTES.join(", ")
                )));
            }
        }
        Ok(())
    }

    fn options(
        &self,
        project: Option<&Project>,
        codebook: &Codebook,
        filter: &Filter,
    ) -> ReportOptions {
        let by = if self.by.is_empty() {
            vec!["area".to_string(), "sector".to_string()]
        } else {
            self.by.clone()
        };
        let mut described = Vec::new();
        described.extend(filter.categories.iter().map(|c| format!("category {c}")));
        described.extend(filter.themes.iter().map(|t| format!("theme {t}")));
        described.extend(self.origin.iter().map(|o| {
            let origin = match o {
                Origin::Manual => "manual",
                Origin::Auto => "auto",
                Origin::Suggested => "suggested",
            };
            format!("{origin} codes only")
        }));
        described.extend(
            self.min_score
                .iter()
                .map(|m| format!("automatic codes scoring at least {m}")),
        );
        described.extend(filter.conditions.iter().map(|(a, v)| format!("{a} = {v}")));
        let title = match project.and_then(|p| p.config.name.clone()) {
            Some(name) => format!("{name}: {}", codebook.codebook.name),
            None => codebook.codebook.name.clone(),
        };
        ReportOptions {
            title,
            by,
            normalise: self.normalise,
            top: self.top,
            filters: described,
        }
    }
}

/// A report over coded quotes held in memory, handed with its dataset to `finish`.
pub fn report_coded<T>(
    project: Option<&Project>,
    coded: Coded,
    view: &ReportView,
    finish: impl FnOnce(&Report, &Dataset<'_>) -> T,
) -> Result<T> {
    let (codebook, quotes, codings): (Codebook, Vec<Quote>, Vec<Coding>) = coded.into_quotes();
    let filter = view.filter(&codebook)?;
    view.check_attributes(|a| quotes.iter().any(|q| q.attributes.contains_key(a)))?;
    view.check_conditions(|attribute| {
        let values: std::collections::BTreeSet<String> = quotes
            .iter()
            .map(|q| verbatim_report::attribute_value(q, attribute).to_string())
            .collect();
        let present = ATTRIBUTES.contains(&attribute)
            || quotes.iter().any(|q| q.attributes.contains_key(attribute));
        present.then(|| values.into_iter().collect())
    })?;
    let data = Dataset::new(&quotes, &codings, Some(&codebook), &filter);
    let mut report = Report::new(&data, &view.options(project, &codebook, &filter));
    if let Some(project) = project {
        report.memos = project_memos(project, |sources| {
            Ok(quotes
                .iter()
                .filter(|q| sources.contains(&q.source))
                .map(|q| QuoteSpan::of(q.clone()))
                .collect())
        })?;
    }
    Ok(finish(&report, &data))
}

/// A report from the project's quote table, brought up to date: counts from the table,
/// manual codings from the head of the codings file, and only the quotes shown read from
/// `quotes.jsonl`. The view must [fit the table](ReportView::fits_table).
pub fn report_table<T>(
    project: &Project,
    view: &ReportView,
    observer: &dyn Observer,
    finish: impl FnOnce(&Report, &Dataset<'_>) -> T,
) -> Result<T> {
    let refreshed = refresh_or_last(project, None, observer)?;
    let table = &refreshed.table;
    let codebook = &refreshed.codebook;
    let paths = StatePaths::of(project);
    let lines = QuoteLines::open(&paths.quotes)?;
    let manual_rows: Vec<usize> = (0..table.rows())
        .filter(|&row| table.codes(row).any(|c| c.origin == Origin::Manual))
        .collect();
    let mut row_of: HashMap<String, u32> = HashMap::with_capacity(manual_rows.len());
    for row in manual_rows {
        row_of.insert(lines.quote(table, row)?.id, row as u32);
    }
    let manual: Vec<(u32, Coding)> = codebook
        .migrate(manual_codings(&paths.codings, Some(table), observer)?)
        .into_iter()
        .filter_map(|coding| Some((*row_of.get(&coding.quote)?, coding)))
        .collect();
    let filter = view.filter(codebook)?;
    view.check_conditions(|attribute| {
        let column = &table.columns[table.column(attribute)?];
        let mut values = column.values.clone();
        values.push(verbatim_report::NO_VALUE.to_string());
        Some(values)
    })?;
    let mut data = Dataset::from_table(table, &manual, Some(codebook), &filter);
    let shown = data
        .rows_to_load(view.top)
        .into_iter()
        .map(|row| Ok((row, lines.quote(table, row as usize)?)))
        .collect::<Result<Vec<_>>>()?;
    data.provide_quotes(shown);
    let mut report = Report::new(&data, &view.options(Some(project), codebook, &filter));
    report.memos = project_memos(project, |sources| {
        let mut spans = Vec::new();
        for entry in table.sources.iter().filter(|e| sources.contains(&e.name)) {
            let first = entry.first_row as usize;
            for row in first..first + entry.rows as usize {
                spans.push(QuoteSpan::of(lines.quote(table, row)?));
            }
        }
        Ok(spans)
    })?;
    Ok(finish(&report, &data))
}

/// Every theme and category a filter names must be the codebook's: a slip is an error
/// offering the nearest ids, not an empty answer.
pub fn check_codebook_names(
    codebook: &Codebook,
    themes: &[String],
    categories: &[String],
) -> Result<()> {
    for theme in themes {
        if codebook.theme(theme).is_none() {
            let ids: Vec<&str> = codebook.themes.iter().map(|t| t.id.as_str()).collect();
            return Err(Error::Invalid(verbatim_model::unknown_name(
                "--theme", theme, &ids,
            )));
        }
    }
    for category in categories {
        if !codebook.categories.iter().any(|c| &c.id == category) {
            let ids: Vec<&str> = codebook.categories.iter().map(|c| c.id.as_str()).collect();
            return Err(Error::Invalid(verbatim_model::unknown_name(
                "--category",
                category,
                &ids,
            )));
        }
    }
    Ok(())
}
