//! The counts a report shows: frequency, matrices by attribute, co-occurrence, top quotes.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use verbatim_model::Quote;

use crate::dataset::{Dataset, NO_VALUE};

/// How often a theme (or a category) was coded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Frequency {
    /// Theme or category id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Category id (for a category, itself).
    pub category: String,
    /// Quotes coded.
    pub quotes: usize,
    /// Distinct named speakers among them.
    pub speakers: usize,
    /// Distinct sources among them.
    pub sources: usize,
    /// Quotes coded as a share of all quotes.
    pub share: f64,
}

/// Theme frequency, in codebook order.
pub fn theme_frequency(data: &Dataset<'_>) -> Vec<Frequency> {
    data.themes
        .iter()
        .map(|theme| {
            let quotes: Vec<usize> = data.coded_to(&theme.id).collect();
            frequency(data, &theme.id, &theme.name, &theme.category, &quotes)
        })
        .collect()
}

/// Category frequency: quotes coded to any theme of the category.
pub fn category_frequency(data: &Dataset<'_>) -> Vec<Frequency> {
    data.categories
        .iter()
        .map(|(id, name)| {
            let themes: Vec<&str> = data
                .themes
                .iter()
                .filter(|t| &t.category == id)
                .map(|t| t.id.as_str())
                .collect();
            frequency(data, id, name, id, &data.coded_to_any(&themes))
        })
        .collect()
}

fn frequency(
    data: &Dataset<'_>,
    id: &str,
    name: &str,
    category: &str,
    quotes: &[usize],
) -> Frequency {
    Frequency {
        id: id.to_string(),
        name: name.to_string(),
        category: category.to_string(),
        quotes: quotes.len(),
        speakers: data.distinct_speakers(quotes.iter().copied()),
        sources: data.distinct_sources(quotes.iter().copied()),
        share: share(quotes.len(), data.len()),
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// One cell of a matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Cell {
    /// Quotes coded to the row's theme with the column's value ("coding references").
    pub quotes: usize,
    /// Distinct named speakers among them ("cases coded").
    pub speakers: usize,
    /// `quotes` as a share of the column's quotes.
    pub share: f64,
}

/// Themes by the values of one attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Matrix {
    /// The attribute (`area`, `sector`...).
    pub attribute: String,
    /// Column values, sorted, `(none)` last.
    pub columns: Vec<String>,
    /// Quotes in each column (coded or not): the base of normalised cells.
    pub column_quotes: Vec<usize>,
    /// Theme ids, in codebook order.
    pub rows: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// Per row, the quotes coded to the theme.
    pub row_totals: Vec<usize>,
    /// Per column, the sum of its cells.
    pub column_totals: Vec<usize>,
    /// Sum of all cells.
    pub total: usize,
}

/// The matrix of themes by `attribute`.
pub fn matrix(data: &Dataset<'_>, attribute: &str) -> Matrix {
    let (labels, label_of) = data.column(attribute);
    let mut order: Vec<usize> = (0..labels.len()).collect();
    // Sorted by value, quotes without one last.
    order.sort_by(|&a, &b| {
        (labels[a] == NO_VALUE)
            .cmp(&(labels[b] == NO_VALUE))
            .then_with(|| labels[a].cmp(labels[b]))
    });
    let mut column_of_label = vec![0; labels.len()];
    for (column, &l) in order.iter().enumerate() {
        column_of_label[l] = column;
    }
    let columns: Vec<String> = order.iter().map(|&l| labels[l].to_string()).collect();
    let quote_columns: Vec<usize> = label_of.iter().map(|&l| column_of_label[l]).collect();
    let mut column_quotes = vec![0; columns.len()];
    for &column in &quote_columns {
        column_quotes[column] += 1;
    }
    let mut cells = Vec::with_capacity(data.themes.len());
    for theme in &data.themes {
        let mut quotes = vec![0usize; columns.len()];
        let mut speakers: Vec<Vec<u32>> = vec![Vec::new(); columns.len()];
        for i in data.coded_to(&theme.id) {
            let column = quote_columns[i];
            quotes[column] += 1;
            speakers[column].extend(data.speaker_id(i));
        }
        for list in &mut speakers {
            list.sort_unstable();
            list.dedup();
        }
        cells.push(
            (0..columns.len())
                .map(|c| Cell {
                    quotes: quotes[c],
                    speakers: speakers[c].len(),
                    share: share(quotes[c], column_quotes[c]),
                })
                .collect::<Vec<_>>(),
        );
    }
    let row_totals: Vec<usize> = cells
        .iter()
        .map(|row| row.iter().map(|c| c.quotes).sum())
        .collect();
    let column_totals: Vec<usize> = (0..columns.len())
        .map(|c| cells.iter().map(|row| row[c].quotes).sum())
        .collect();
    Matrix {
        attribute: attribute.to_string(),
        total: row_totals.iter().sum(),
        rows: data.themes.iter().map(|t| t.id.clone()).collect(),
        columns,
        column_quotes,
        cells,
        row_totals,
        column_totals,
    }
}

/// Quotes coded to both of two themes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoOccurrence {
    /// Theme ids, in codebook order.
    pub themes: Vec<String>,
    /// `counts[a][b]`: quotes coded to both; the diagonal is each theme's frequency.
    pub counts: Vec<Vec<usize>>,
}

/// The co-occurrence matrix of the dataset's themes.
pub fn co_occurrence(data: &Dataset<'_>) -> CoOccurrence {
    let index: HashMap<&str, usize> = data
        .themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut counts = vec![vec![0usize; data.themes.len()]; data.themes.len()];
    for codes in &data.codes {
        let present: Vec<usize> = codes
            .iter()
            .filter_map(|c| index.get(c.theme.as_str()).copied())
            .collect();
        for &a in &present {
            for &b in &present {
                counts[a][b] += 1;
            }
        }
    }
    CoOccurrence {
        themes: data.themes.iter().map(|t| t.id.clone()).collect(),
        counts,
    }
}

/// A quote shown under a theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopQuote {
    /// Quote id.
    pub id: String,
    /// Score for the theme (`null` for a manual code).
    pub score: Option<f64>,
    /// The words.
    pub text: String,
    /// Speaker, or the words naming an anonymous one.
    pub speaker: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// Area.
    pub area: Option<String>,
}

impl TopQuote {
    /// Who said it: speaker, role and area, those known, joined by commas.
    pub fn attribution(&self) -> String {
        [
            self.speaker.as_deref(),
            self.role.as_deref(),
            self.area.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// The `limit` best quotes of each theme: highest score first, ties by id.
pub fn top_quotes(data: &Dataset<'_>, limit: usize) -> BTreeMap<String, Vec<TopQuote>> {
    data.themes
        .iter()
        .map(|theme| {
            let mut best: Vec<(f64, &Quote)> = data
                .best_coded_to(&theme.id, limit)
                .into_iter()
                .filter_map(|(score, i)| data.quote(i).map(|q| (score, q)))
                .collect();
            best.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
            let top = best
                .into_iter()
                .take(limit)
                .map(|(score, quote)| TopQuote {
                    id: quote.id.clone(),
                    score: score.is_finite().then_some(score),
                    text: quote.text.clone(),
                    speaker: quote.speaker.clone().or_else(|| quote.speaker_hint.clone()),
                    role: quote.role.clone(),
                    area: quote.area.clone(),
                })
                .collect();
            (theme.id.clone(), top)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{Dataset, Filter};
    use verbatim_model::{Coding, Origin, Quote};

    fn quote(id: &str, speaker: Option<&str>, area: Option<&str>, source: &str) -> Quote {
        Quote {
            speaker: speaker.map(str::to_string),
            area: area.map(str::to_string),
            ..Quote::new(id, source, format!("words of {id}"))
        }
    }

    fn coding(quote: &str, theme: &str, score: Option<f64>, origin: Origin) -> Coding {
        Coding {
            quote: quote.into(),
            theme: theme.into(),
            score,
            origin,
            coder: None,
            evidence: Vec::new(),
        }
    }

    /// Five quotes, three speakers (one quote anonymous), two areas and one without.
    fn sample() -> (Vec<Quote>, Vec<Coding>) {
        let quotes = vec![
            quote("q:1", Some("Ann"), Some("Wigan"), "a.txt"),
            quote("q:2", Some("Ann"), Some("Wigan"), "a.txt"),
            quote("q:3", Some("Bob"), Some("Leeds"), "b.txt"),
            quote("q:4", None, Some("Leeds"), "c.txt"),
            quote("q:5", Some("Cy"), None, "c.txt"),
        ];
        let codings = vec![
            coding("q:1", "c.fatigue", Some(2.0), Origin::Auto),
            coding("q:1", "c.fatigue", None, Origin::Manual),
            coding("q:1", "c.money", Some(1.0), Origin::Auto),
            coding("q:2", "c.fatigue", Some(1.5), Origin::Auto),
            coding("q:3", "c.money", Some(3.0), Origin::Auto),
            coding("q:4", "c.fatigue", Some(0.8), Origin::Auto),
            coding("q:5", "p.climate", Some(1.0), Origin::Manual),
        ];
        (quotes, codings)
    }

    static SAMPLE: std::sync::LazyLock<(Vec<Quote>, Vec<Coding>)> =
        std::sync::LazyLock::new(sample);

    fn data(filter: &Filter) -> Dataset<'static> {
        Dataset::new(&SAMPLE.0, &SAMPLE.1, None, filter)
    }

    #[test]
    fn frequency_counts_quotes_speakers_sources_once_each() {
        let data = data(&Filter::default());
        let frequency = theme_frequency(&data);
        let rows: Vec<(&str, usize, usize, usize, f64)> = frequency
            .iter()
            .map(|f| (f.id.as_str(), f.quotes, f.speakers, f.sources, f.share))
            .collect();
        // q:1 is coded to fatigue twice (auto and manual): it counts once.
        assert_eq!(rows[0], ("c.fatigue", 3, 1, 2, 0.6));
        assert_eq!(rows[1], ("c.money", 2, 2, 2, 0.4));
        assert_eq!(rows[2], ("p.climate", 1, 1, 1, 0.2));
        let categories: Vec<(String, usize)> = category_frequency(&data)
            .into_iter()
            .map(|f| (f.id, f.quotes))
            .collect();
        assert_eq!(categories, [("c".to_string(), 4), ("p".to_string(), 1)]);
    }

    #[test]
    fn matrix_cells_totals_and_shares() {
        let data = data(&Filter::default());
        let by_area = matrix(&data, "area");
        assert_eq!(by_area.columns, ["Leeds", "Wigan", "(none)"]);
        assert_eq!(by_area.column_quotes, [2, 2, 1]);
        let quotes: Vec<Vec<usize>> = by_area
            .cells
            .iter()
            .map(|r| r.iter().map(|c| c.quotes).collect())
            .collect();
        assert_eq!(quotes, [vec![1, 2, 0], vec![1, 1, 0], vec![0, 0, 1]]);
        let speakers: Vec<usize> = by_area.cells[0].iter().map(|c| c.speakers).collect();
        assert_eq!(
            speakers,
            [0, 1, 0],
            "the Leeds fatigue quote is anonymous; Ann twice is one speaker"
        );
        assert_eq!(by_area.row_totals, [3, 2, 1]);
        assert_eq!(by_area.column_totals, [2, 3, 1]);
        assert_eq!(by_area.total, 6);
        assert_eq!(by_area.cells[0][1].share, 1.0);
        assert_eq!(by_area.cells[0][0].share, 0.5);
    }

    #[test]
    fn co_occurrence_and_top_quotes() {
        let data = data(&Filter::default());
        let co = co_occurrence(&data);
        assert_eq!(co.counts, [vec![3, 1, 0], vec![1, 2, 0], vec![0, 0, 1]]);
        let top = top_quotes(&data, 2);
        let fatigue: Vec<(&str, Option<f64>)> = top["c.fatigue"]
            .iter()
            .map(|q| (q.id.as_str(), q.score))
            .collect();
        assert_eq!(
            fatigue,
            [("q:1", None), ("q:2", Some(1.5))],
            "the manual code ranks first"
        );
    }

    #[test]
    fn filters_restrict_quotes_codes_and_themes() {
        let auto_only = data(&Filter {
            origin: Some(Origin::Auto),
            ..Filter::default()
        });
        assert_eq!(
            theme_frequency(&auto_only)
                .iter()
                .map(|f| f.quotes)
                .collect::<Vec<_>>(),
            [3, 2, 0]
        );
        let strong = data(&Filter {
            min_score: Some(1.2),
            ..Filter::default()
        });
        // q:1 keeps fatigue through its manual code; q:4 (0.8) and q:1's money (1.0) drop.
        assert_eq!(
            theme_frequency(&strong)
                .iter()
                .map(|f| f.quotes)
                .collect::<Vec<_>>(),
            [2, 1, 1]
        );
        let wigan = data(&Filter {
            conditions: vec![("area".into(), "wigan".into())],
            ..Filter::default()
        });
        assert_eq!(wigan.len(), 2);
        assert_eq!(theme_frequency(&wigan)[0].share, 1.0);
        let one_category = data(&Filter {
            categories: vec!["p".into()],
            ..Filter::default()
        });
        assert_eq!(one_category.themes.len(), 1);
        let one_theme = data(&Filter {
            themes: vec!["c.money".into()],
            ..Filter::default()
        });
        assert_eq!(theme_frequency(&one_theme)[0].id, "c.money");
    }

    proptest::proptest! {
        #[test]
        fn matrix_cells_add_up_to_row_and_column_totals(
            codes in proptest::collection::vec((0usize..30, 0usize..5, 0.0f64..3.0), 0..80),
            areas in proptest::collection::vec(proptest::option::of(0usize..4), 30),
        ) {
            let quotes: Vec<Quote> = (0..30)
                .map(|i| {
                    let area = areas[i].map(|a| format!("area{a}"));
                    quote(&format!("q:{i}"), Some(&format!("s{}", i % 7)), area.as_deref(), "x.txt")
                })
                .collect();
            let codings: Vec<Coding> = codes
                .iter()
                .map(|(q, t, s)| coding(&format!("q:{q}"), &format!("c.t{t}"), Some(*s), Origin::Auto))
                .collect();
            let data = Dataset::new(&quotes, &codings, None, &Filter::default());
            let m = matrix(&data, "area");
            for (r, row) in m.cells.iter().enumerate() {
                proptest::prop_assert_eq!(row.iter().map(|c| c.quotes).sum::<usize>(), m.row_totals[r]);
            }
            for c in 0..m.columns.len() {
                proptest::prop_assert_eq!(m.cells.iter().map(|row| row[c].quotes).sum::<usize>(), m.column_totals[c]);
            }
            proptest::prop_assert_eq!(m.row_totals.iter().sum::<usize>(), m.total);
            proptest::prop_assert_eq!(m.column_totals.iter().sum::<usize>(), m.total);
            proptest::prop_assert_eq!(m.column_quotes.iter().sum::<usize>(), data.len());
            let frequency = theme_frequency(&data);
            for (r, theme) in frequency.iter().enumerate() {
                proptest::prop_assert_eq!(theme.quotes, m.row_totals[r]);
            }
        }
    }
}
