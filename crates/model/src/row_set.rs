//! A set of table rows as a bitmap: what a search matched, the quotes of a theme or of an
//! attribute value. Counting the quotes two sets share is then a pass over machine words
//! rather than over the quotes, which is how search facets stay fast over a million quotes.
//!
//! ```
//! use verbatim_model::RowSet;
//!
//! let mut matched = RowSet::new(100);
//! matched.insert(3);
//! matched.insert(70);
//! let coded: RowSet = RowSet::from_rows(100, [70, 71]);
//! assert_eq!(matched.count(), 2);
//! assert_eq!(matched.intersection_count(&coded), 1);
//! assert_eq!(matched.rows().collect::<Vec<_>>(), [3, 70]);
//! ```

/// A set of rows below a fixed bound.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowSet {
    words: Vec<u64>,
    rows: usize,
}

impl RowSet {
    /// An empty set of rows below `rows`.
    pub fn new(rows: usize) -> Self {
        RowSet {
            words: vec![0; rows.div_ceil(64)],
            rows,
        }
    }

    /// Every row below `rows`.
    pub fn full(rows: usize) -> Self {
        let mut set = RowSet {
            words: vec![u64::MAX; rows.div_ceil(64)],
            rows,
        };
        if !rows.is_multiple_of(64)
            && let Some(last) = set.words.last_mut()
        {
            *last = (1u64 << (rows % 64)) - 1;
        }
        set
    }

    /// The set of `rows` (each below `bound`; others are ignored).
    pub fn from_rows(bound: usize, rows: impl IntoIterator<Item = usize>) -> Self {
        let mut set = RowSet::new(bound);
        for row in rows {
            set.insert(row);
        }
        set
    }

    /// The bound rows are below.
    pub fn bound(&self) -> usize {
        self.rows
    }

    /// Adds a row (ignored past the bound).
    #[inline]
    pub fn insert(&mut self, row: usize) {
        if row < self.rows {
            self.words[row / 64] |= 1 << (row % 64);
        }
    }

    /// Whether the set holds `row`.
    #[inline]
    pub fn contains(&self, row: usize) -> bool {
        row < self.rows && self.words[row / 64] & (1 << (row % 64)) != 0
    }

    /// Number of rows in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Number of rows in both sets.
    pub fn intersection_count(&self, other: &RowSet) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Keeps only the rows `other` holds too.
    pub fn intersect_with(&mut self, other: &RowSet) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word &= theirs;
        }
        for word in self.words.iter_mut().skip(other.words.len()) {
            *word = 0;
        }
    }

    /// Adds every row of `other` (below this set's bound).
    pub fn union_with(&mut self, other: &RowSet) {
        for (word, theirs) in self.words.iter_mut().zip(&other.words) {
            *word |= theirs;
        }
        if let Some(last) = self.words.last_mut()
            && !self.rows.is_multiple_of(64)
        {
            *last &= (1u64 << (self.rows % 64)) - 1;
        }
    }

    /// The rows, ascending.
    pub fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    i * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    proptest::proptest! {
        #[test]
        fn behaves_like_a_set_of_numbers(
            bound in 0usize..300,
            a in proptest::collection::vec(0usize..320, 0..80),
            b in proptest::collection::vec(0usize..320, 0..80),
        ) {
            let model = |rows: &[usize]| rows.iter().copied().filter(|&r| r < bound).collect::<BTreeSet<_>>();
            let (left, right) = (RowSet::from_rows(bound, a.clone()), RowSet::from_rows(bound, b.clone()));
            let (ma, mb) = (model(&a), model(&b));
            proptest::prop_assert_eq!(left.rows().collect::<Vec<_>>(), ma.iter().copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(left.count(), ma.len());
            proptest::prop_assert_eq!(left.intersection_count(&right), ma.intersection(&mb).count());
            let mut both = left.clone();
            both.intersect_with(&right);
            proptest::prop_assert_eq!(both.rows().collect::<BTreeSet<_>>(), ma.intersection(&mb).copied().collect());
            let mut either = left.clone();
            either.union_with(&right);
            proptest::prop_assert_eq!(either.rows().collect::<BTreeSet<_>>(), ma.union(&mb).copied().collect());
            for row in 0..bound + 5 {
                proptest::prop_assert_eq!(left.contains(row), ma.contains(&row));
            }
            proptest::prop_assert_eq!(RowSet::full(bound).count(), bound);
        }
    }
}
