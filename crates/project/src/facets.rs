//! The row sets a search filters and counts with: the quotes of each theme and of each
//! area, built once per loaded project, so that a search's totals are word-wise
//! intersections however many quotes it matched.

use verbatim_model::{QuoteTable, RowSet};

/// Attribute columns with more values than this are counted row by row instead of
/// keeping a row set per value.
const MAX_VALUE_SETS: usize = 64;

/// Row sets of a quote table.
pub struct Facets {
    /// Per theme id of the table, its rows.
    themes: Vec<RowSet>,
    /// The area column and, when it has few values, the rows of each value id.
    area: Option<(usize, Option<Vec<RowSet>>)>,
}

impl Facets {
    /// The row sets of `table`.
    pub fn of(table: &QuoteTable) -> Self {
        let rows = table.rows();
        let mut themes = vec![RowSet::new(rows); table.themes.len()];
        for row in 0..rows {
            for code in table.codes(row) {
                themes[code.theme_id as usize].insert(row);
            }
        }
        let area = table.column("area").map(|c| {
            let column = &table.columns[c];
            let sets = (column.values.len() < MAX_VALUE_SETS).then(|| {
                let mut sets = vec![RowSet::new(rows); column.values.len() + 1];
                for (row, &id) in column.ids.iter().enumerate() {
                    sets[id as usize].insert(row);
                }
                sets
            });
            (c, sets)
        });
        Facets { themes, area }
    }

    /// The rows coded to any of these theme ids.
    pub fn coded_to_any(&self, rows: usize, theme_ids: &[u32]) -> RowSet {
        let mut set = RowSet::new(rows);
        for &id in theme_ids {
            if let Some(theme) = self.themes.get(id as usize) {
                set.union_with(theme);
            }
        }
        set
    }

    /// Per theme id, how many of `rows` are coded to it.
    pub fn theme_counts(&self, rows: &RowSet) -> Vec<usize> {
        self.themes
            .iter()
            .map(|theme| rows.intersection_count(theme))
            .collect()
    }

    /// Per area value id (0: none), how many of `rows` have it; empty without an area
    /// column.
    pub fn area_counts(&self, table: &QuoteTable, rows: &RowSet) -> Vec<usize> {
        match &self.area {
            None => Vec::new(),
            Some((_, Some(sets))) => sets.iter().map(|s| rows.intersection_count(s)).collect(),
            Some((column, None)) => {
                let column = &table.columns[*column];
                let mut counts = vec![0; column.values.len() + 1];
                for row in rows.rows() {
                    counts[column.ids[row] as usize] += 1;
                }
                counts
            }
        }
    }

    /// The rows whose value in `column` has id `id` (the area's from its row sets).
    pub fn value_rows(&self, table: &QuoteTable, column: usize, id: u32) -> RowSet {
        if let Some((area, Some(sets))) = &self.area
            && *area == column
            && let Some(set) = sets.get(id as usize)
        {
            return set.clone();
        }
        let ids = &table.columns[column].ids;
        RowSet::from_rows(
            table.rows(),
            ids.iter()
                .enumerate()
                .filter(|&(_, &value)| value == id)
                .map(|(row, _)| row),
        )
    }
}
