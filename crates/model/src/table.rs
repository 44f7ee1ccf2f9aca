//! The quote table: a compact, columnar summary of a coded project that searches, reports
//! and incremental runs read instead of parsing the whole quote and coding files.
//!
//! It is derived data (`.verbatim/table.bin`), rebuilt whenever it is missing, damaged or
//! out of date, so its format can change between versions: a table of another version
//! simply does not load. Per row (one quote, in the order of `quotes.jsonl`) it holds the
//! byte offset of the quote's line, a dictionary id per attribute and the quote's codes;
//! per source file the rows and coding bytes it produced, so that an unchanged source can
//! be carried over without reading it again.
//!
//! ```
//! use verbatim_model::{Origin, QuoteTable};
//!
//! let mut table = QuoteTable::new(&["area"]);
//! let row = table.push_row(0, &[Some("Wigan")]);
//! table.push_code(row, "challenge.fatigue", 1.5, Origin::Auto);
//! let bytes = table.to_bytes();
//! let back = QuoteTable::from_bytes(&bytes).expect("a table just written");
//! assert_eq!(back.codes(0).next().map(|c| c.theme), Some("challenge.fatigue"));
//! assert_eq!(back.value(0, 0), Some("Wigan"));
//! ```

use std::collections::HashMap;

use crate::Origin;

const MAGIC: &[u8; 8] = b"VBTABLE4";

/// Size, modification and status-change times of a file, to tell whether it changed.
///
/// The modification time alone misses an edit that keeps it (`touch -r`, `cp -p`,
/// `rsync -t` from another copy, or a same-length write within the clock's grain). The
/// status-change time (`ctime`) cannot be set by a program: any write or restamp moves
/// it, so an equal stamp means equal content, as git's index relies on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStamp {
    /// Length in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u64,
    /// Status-change time, nanoseconds since the Unix epoch (0 where there is none).
    pub changed_ns: u64,
}

impl FileStamp {
    /// The stamp of the file at `path`, if it can be read.
    pub fn of(path: &std::path::Path) -> Option<FileStamp> {
        let metadata = std::fs::metadata(path).ok()?;
        let modified = metadata.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(FileStamp {
            len: metadata.len(),
            modified_ns: u64::try_from(since.as_nanos()).unwrap_or(u64::MAX),
            changed_ns: status_changed_ns(&metadata),
        })
    }

    /// Whether length and modification time agree: enough for the project's own state
    /// files, which only Verbatim writes and which it may cut back to a stamp it recorded
    /// (moving their status-change time but not their content).
    pub fn same_length_and_time(&self, other: &FileStamp) -> bool {
        self.len == other.len && self.modified_ns == other.modified_ns
    }
}

#[cfg(unix)]
fn status_changed_ns(metadata: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let seconds = u64::try_from(metadata.ctime()).unwrap_or(0);
    let nanos = u64::try_from(metadata.ctime_nsec()).unwrap_or(0);
    seconds.saturating_mul(1_000_000_000).saturating_add(nanos)
}

#[cfg(not(unix))]
fn status_changed_ns(_metadata: &std::fs::Metadata) -> u64 {
    0
}

/// What the table remembers of one source file.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEntry {
    /// The source's name as quotes carry it.
    pub name: String,
    /// The file when it was read.
    pub stamp: FileStamp,
    /// The document id its quote ids start with.
    pub document: String,
    /// A number never reused within a project's index, naming this source's documents.
    pub serial: u64,
    /// First row (quote) of the source.
    pub first_row: u32,
    /// Number of rows.
    pub rows: u32,
    /// Byte range of the source's quote lines in `quotes.jsonl`.
    pub quote_bytes: (u64, u64),
    /// Byte range of the source's automatic codings in `codings.jsonl`.
    pub coding_bytes: (u64, u64),
    /// The names the source asked the roster about (`None`: it depends on the whole
    /// roster), and a digest of the roster's answers, to tell whether a new roster would
    /// change the source's quotes.
    pub roster_queries: Option<Vec<String>>,
    /// Digest of the roster's answers to `roster_queries`.
    pub roster_answers: u64,
}

/// One attribute column: a dictionary of values and a value id per row (0: no value).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Column {
    /// Attribute name.
    pub name: String,
    /// Values; id `i` names `values[i - 1]`.
    pub values: Vec<String>,
    /// Value id per row.
    pub ids: Vec<u32>,
    lookup: HashMap<String, u32>,
}

impl Column {
    fn intern(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.lookup.get(value) {
            return id;
        }
        self.values.push(value.to_string());
        let id = self.values.len() as u32;
        self.lookup.insert(value.to_string(), id);
        id
    }

    /// The id of `value` (compared without regard to ASCII case), if any row has it.
    pub fn find(&self, value: &str) -> Option<u32> {
        self.values
            .iter()
            .position(|v| v.eq_ignore_ascii_case(value))
            .map(|i| i as u32 + 1)
    }

    /// The value named by `id`.
    pub fn value(&self, id: u32) -> Option<&str> {
        (id as usize)
            .checked_sub(1)
            .and_then(|i| self.values.get(i))
            .map(String::as_str)
    }
}

/// A code of a row as the table keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableCode<'t> {
    /// Theme id.
    pub theme: &'t str,
    /// Index of the theme in [`QuoteTable::themes`].
    pub theme_id: u32,
    /// Score.
    pub score: f64,
    /// Manual or automatic.
    pub origin: Origin,
}

/// Dictionary translations from one table to another, for [`QuoteTable::append_rows`].
#[derive(Debug, Default)]
pub struct Remap {
    columns: Vec<Vec<u32>>,
    themes: Vec<u32>,
}

/// The columnar quote table; see the module documentation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuoteTable {
    /// What the table was built from (configuration, codebook, version), as the writer
    /// chose to describe it; a reader compares it with its own.
    pub inputs: String,
    /// Digest of the roster the rows were read with.
    pub roster: String,
    /// `quotes.jsonl` as written with this table.
    pub quotes_file: FileStamp,
    /// `codings.jsonl` as written with this table.
    pub codings_file: FileStamp,
    /// Byte length of the manual codings at the start of `codings.jsonl`.
    pub manual_coding_bytes: u64,
    /// The index fingerprint the rows correspond to.
    pub index: String,
    /// Sources in row order.
    pub sources: Vec<SourceEntry>,
    /// Byte offset of each row's line in `quotes.jsonl`, and the end of the last line.
    pub offsets: Vec<u64>,
    /// Attribute columns.
    pub columns: Vec<Column>,
    /// Theme ids referenced by codes.
    pub themes: Vec<String>,
    code_starts: Vec<u32>,
    code_themes: Vec<u32>,
    code_scores: Vec<f64>,
    code_manual: Vec<bool>,
    theme_lookup: HashMap<String, u32>,
}

impl QuoteTable {
    /// An empty table with these attribute columns.
    pub fn new(attributes: &[&str]) -> Self {
        QuoteTable {
            columns: attributes
                .iter()
                .map(|name| Column {
                    name: (*name).to_string(),
                    ..Column::default()
                })
                .collect(),
            code_starts: vec![0],
            offsets: vec![0],
            ..QuoteTable::default()
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.code_starts.len().saturating_sub(1)
    }

    /// Adds a row whose line ends at byte `line_end` of `quotes.jsonl`, with one value per
    /// column (in column order); returns its number.
    pub fn push_row(&mut self, line_end: u64, values: &[Option<&str>]) -> usize {
        for (column, value) in self.columns.iter_mut().zip(values) {
            let id = value.map_or(0, |v| column.intern(v));
            column.ids.push(id);
        }
        for column in self.columns.iter_mut().skip(values.len()) {
            column.ids.push(0);
        }
        self.offsets.push(line_end);
        let end = *self.code_starts.last().unwrap_or(&0);
        self.code_starts.push(end);
        self.rows() - 1
    }

    /// Adds a code to the last row (`row` must be the last row pushed).
    pub fn push_code(&mut self, row: usize, theme: &str, score: f64, origin: Origin) {
        debug_assert_eq!(row + 1, self.rows());
        let id = self.intern_theme(theme);
        self.code_themes.push(id);
        self.code_scores.push(score);
        self.code_manual.push(origin == Origin::Manual);
        if let Some(last) = self.code_starts.last_mut() {
            *last += 1;
        }
    }

    /// Appends rows `rows` of `other` (a table with the same columns), whose lines now end
    /// at `line_ends`, with their values and codes. `remap` carries dictionary translations
    /// from one call to the next, so each distinct value is looked up once.
    pub fn append_rows(
        &mut self,
        other: &QuoteTable,
        rows: std::ops::Range<usize>,
        line_ends: &[u64],
        remap: &mut Remap,
    ) {
        if remap.columns.len() != other.columns.len() {
            remap.columns = other
                .columns
                .iter()
                .map(|c| vec![u32::MAX; c.values.len() + 1])
                .collect();
            remap.themes = vec![u32::MAX; other.themes.len()];
        }
        for (row, &line_end) in rows.zip(line_ends) {
            for (c, column) in self.columns.iter_mut().enumerate() {
                let old_id = other.columns.get(c).map_or(0, |o| o.ids[row]);
                let mapped = &mut remap.columns[c][old_id as usize];
                if *mapped == u32::MAX {
                    *mapped = match other.columns[c].value(old_id) {
                        Some(value) => column.intern(value),
                        None => 0,
                    };
                }
                column.ids.push(*mapped);
            }
            self.offsets.push(line_end);
            let end = *self.code_starts.last().unwrap_or(&0);
            self.code_starts.push(end);
            let new_row = self.rows() - 1;
            for i in other.code_starts[row] as usize..other.code_starts[row + 1] as usize {
                let theme = other.code_themes[i] as usize;
                if remap.themes[theme] == u32::MAX {
                    remap.themes[theme] = self.intern_theme(&other.themes[theme]);
                }
                self.code_themes.push(remap.themes[theme]);
                self.code_scores.push(other.code_scores[i]);
                self.code_manual.push(other.code_manual[i]);
                if let Some(last) = self.code_starts.last_mut() {
                    *last += 1;
                }
            }
            debug_assert_eq!(new_row + 1, self.rows());
        }
    }

    fn intern_theme(&mut self, theme: &str) -> u32 {
        if let Some(&id) = self.theme_lookup.get(theme) {
            return id;
        }
        self.themes.push(theme.to_string());
        let id = self.themes.len() as u32 - 1;
        self.theme_lookup.insert(theme.to_string(), id);
        id
    }

    /// The byte range of a row's line in `quotes.jsonl`.
    pub fn line(&self, row: usize) -> (u64, u64) {
        (self.offsets[row], self.offsets[row + 1])
    }

    /// A row's codes, in stored order (manual first, then by score).
    pub fn codes(&self, row: usize) -> impl Iterator<Item = TableCode<'_>> + '_ {
        let from = self.code_starts[row] as usize;
        let to = self.code_starts[row + 1] as usize;
        (from..to).map(move |i| TableCode {
            theme: &self.themes[self.code_themes[i] as usize],
            theme_id: self.code_themes[i],
            score: self.code_scores[i],
            origin: if self.code_manual[i] {
                Origin::Manual
            } else {
                Origin::Auto
            },
        })
    }

    /// The index of a column by attribute name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// A row's value in a column.
    pub fn value(&self, row: usize, column: usize) -> Option<&str> {
        let column = &self.columns[column];
        column.value(column.ids[row])
    }

    /// The theme's index in [`QuoteTable::themes`], if any row is coded to it.
    pub fn theme_id(&self, theme: &str) -> Option<u32> {
        self.themes
            .iter()
            .position(|t| t == theme)
            .map(|i| i as u32)
    }

    /// Serialises the table.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Encoder(Vec::with_capacity(self.rows() * 40 + 1024));
        out.0.extend_from_slice(MAGIC);
        out.string(&self.inputs);
        out.string(&self.roster);
        out.stamp(self.quotes_file);
        out.stamp(self.codings_file);
        out.u64(self.manual_coding_bytes);
        out.string(&self.index);
        out.u64(self.sources.len() as u64);
        for source in &self.sources {
            out.string(&source.name);
            out.stamp(source.stamp);
            out.string(&source.document);
            out.u64(source.serial);
            out.u32(source.first_row);
            out.u32(source.rows);
            out.u64(source.quote_bytes.0);
            out.u64(source.quote_bytes.1);
            out.u64(source.coding_bytes.0);
            out.u64(source.coding_bytes.1);
            match &source.roster_queries {
                Some(names) => {
                    out.0.push(1);
                    out.strings(names);
                }
                None => out.0.push(0),
            }
            out.u64(source.roster_answers);
        }
        out.u64s(&self.offsets);
        out.u64(self.columns.len() as u64);
        for column in &self.columns {
            out.string(&column.name);
            out.strings(&column.values);
            out.u32s(&column.ids);
        }
        out.strings(&self.themes);
        out.u32s(&self.code_starts);
        out.u32s(&self.code_themes);
        out.u64s(
            &self
                .code_scores
                .iter()
                .map(|s| s.to_bits())
                .collect::<Vec<_>>(),
        );
        out.0.extend(self.code_manual.iter().map(|&m| u8::from(m)));
        out.0
    }

    /// Reads a table written by [`QuoteTable::to_bytes`]; `None` when the bytes are not a
    /// whole, consistent table of this version.
    pub fn from_bytes(bytes: &[u8]) -> Option<QuoteTable> {
        let mut input = Decoder(bytes.strip_prefix(MAGIC.as_slice())?);
        let inputs = input.string()?;
        let roster = input.string()?;
        let quotes_file = input.stamp()?;
        let codings_file = input.stamp()?;
        let manual_coding_bytes = input.u64()?;
        let index = input.string()?;
        let source_count = input.len(80)?;
        let mut sources = Vec::with_capacity(source_count);
        for _ in 0..source_count {
            sources.push(SourceEntry {
                name: input.string()?,
                stamp: input.stamp()?,
                document: input.string()?,
                serial: input.u64()?,
                first_row: input.u32()?,
                rows: input.u32()?,
                quote_bytes: (input.u64()?, input.u64()?),
                coding_bytes: (input.u64()?, input.u64()?),
                roster_queries: match input.take(1)? {
                    [1] => Some(input.strings()?),
                    [0] => None,
                    _ => return None,
                },
                roster_answers: input.u64()?,
            });
        }
        let offsets = input.u64s()?;
        let column_count = input.len(8)?;
        let mut columns = Vec::with_capacity(column_count);
        for _ in 0..column_count {
            let name = input.string()?;
            let values = input.strings()?;
            let ids = input.u32s()?;
            let lookup = values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.clone(), i as u32 + 1))
                .collect();
            columns.push(Column {
                name,
                values,
                ids,
                lookup,
            });
        }
        let themes = input.strings()?;
        let code_starts = input.u32s()?;
        let code_themes = input.u32s()?;
        let code_scores: Vec<f64> = input.u64s()?.into_iter().map(f64::from_bits).collect();
        let code_manual: Vec<bool> = input
            .take(code_themes.len())?
            .iter()
            .map(|&b| b == 1)
            .collect();
        let rows = code_starts.len().checked_sub(1)?;
        let codes = code_themes.len();
        let consistent = input.0.is_empty()
            && offsets.len() == rows + 1
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && code_starts.windows(2).all(|w| w[0] <= w[1])
            && code_starts.first() == Some(&0)
            && code_starts.last().map(|&l| l as usize) == Some(codes)
            && code_scores.len() == codes
            && code_themes.iter().all(|&t| (t as usize) < themes.len())
            && columns.iter().all(|c| {
                c.ids.len() == rows && c.ids.iter().all(|&id| id as usize <= c.values.len())
            })
            && sources
                .iter()
                .all(|s| s.first_row as usize + s.rows as usize <= rows);
        if !consistent {
            return None;
        }
        let theme_lookup = themes
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        Some(QuoteTable {
            inputs,
            roster,
            quotes_file,
            codings_file,
            manual_coding_bytes,
            index,
            sources,
            offsets,
            columns,
            themes,
            code_starts,
            code_themes,
            code_scores,
            code_manual,
            theme_lookup,
        })
    }
}

struct Encoder(Vec<u8>);

impl Encoder {
    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }
    fn stamp(&mut self, stamp: FileStamp) {
        self.u64(stamp.len);
        self.u64(stamp.modified_ns);
        self.u64(stamp.changed_ns);
    }
    fn string(&mut self, value: &str) {
        self.u64(value.len() as u64);
        self.0.extend_from_slice(value.as_bytes());
    }
    fn strings(&mut self, values: &[String]) {
        self.u64(values.len() as u64);
        for value in values {
            self.string(value);
        }
    }
    fn u32s(&mut self, values: &[u32]) {
        self.u64(values.len() as u64);
        for value in values {
            self.u32(*value);
        }
    }
    fn u64s(&mut self, values: &[u64]) {
        self.u64(values.len() as u64);
        for value in values {
            self.u64(*value);
        }
    }
}

struct Decoder<'b>(&'b [u8]);

impl<'b> Decoder<'b> {
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count of items at least `min_size` bytes each, refused when the rest of the input
    /// cannot hold that many (so damaged input never makes a huge allocation).
    fn len(&mut self, min_size: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(min_size.max(1))? <= self.0.len()).then_some(n)
    }
    fn stamp(&mut self) -> Option<FileStamp> {
        Some(FileStamp {
            len: self.u64()?,
            modified_ns: self.u64()?,
            changed_ns: self.u64()?,
        })
    }
    fn string(&mut self) -> Option<String> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.string()).collect()
    }
    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.len(4)?;
        let bytes = self.take(n * 4)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
    fn u64s(&mut self) -> Option<Vec<u64>> {
        let n = self.len(8)?;
        let bytes = self.take(n * 8)?;
        Some(
            bytes
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> QuoteTable {
        let mut table = QuoteTable::new(&["area", "sector"]);
        table.inputs = "codebook 1".into();
        table.index = "3:abc".into();
        let row = table.push_row(120, &[Some("Wigan"), Some("council")]);
        table.push_code(row, "challenge.fatigue", 2.25, Origin::Manual);
        table.push_code(row, "priority.jobs", 1.0, Origin::Auto);
        table.push_row(300, &[None, Some("health")]);
        let row = table.push_row(410, &[Some("Wigan"), None]);
        table.push_code(row, "priority.jobs", 1.5, Origin::Auto);
        table.sources.push(SourceEntry {
            name: "a.txt".into(),
            stamp: FileStamp {
                len: 9,
                modified_ns: 1,
                changed_ns: 2,
            },
            document: "a".into(),
            serial: 4,
            first_row: 0,
            rows: 3,
            quote_bytes: (0, 410),
            coding_bytes: (17, 90),
            roster_queries: Some(vec!["Jo".into(), "Q".into()]),
            roster_answers: 77,
        });
        table
    }

    #[test]
    fn round_trips_rows_values_codes_and_sources() {
        let table = sample();
        let back = QuoteTable::from_bytes(&table.to_bytes()).expect("decodes");
        assert_eq!(back, table);
        assert_eq!(back.rows(), 3);
        assert_eq!(back.line(1), (120, 300));
        assert_eq!(back.value(1, 0), None);
        assert_eq!(back.value(2, 0), Some("Wigan"));
        let codes: Vec<(&str, f64, Origin)> = back
            .codes(0)
            .map(|c| (c.theme, c.score, c.origin))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("challenge.fatigue", 2.25, Origin::Manual),
                ("priority.jobs", 1.0, Origin::Auto)
            ]
        );
        assert_eq!(back.codes(1).count(), 0);
        assert_eq!(back.columns[0].find("wigan"), Some(1));
        assert_eq!(back.theme_id("priority.jobs"), Some(1));
    }

    #[test]
    fn appended_rows_keep_their_values_and_codes() {
        let old = sample();
        let mut table = QuoteTable::new(&["area", "sector"]);
        let row = table.push_row(50, &[Some("Leeds"), Some("health")]);
        table.push_code(row, "priority.jobs", 4.0, Origin::Auto);
        let mut remap = Remap::default();
        table.append_rows(&old, 1..3, &[230, 340], &mut remap);
        assert_eq!(table.rows(), 3);
        assert_eq!(table.line(2), (230, 340));
        assert_eq!(table.value(1, 1), Some("health"));
        assert_eq!(table.value(2, 0), Some("Wigan"));
        assert_eq!(table.columns[1].values, ["health"]);
        let codes: Vec<(&str, f64)> = table.codes(2).map(|c| (c.theme, c.score)).collect();
        assert_eq!(codes, [("priority.jobs", 1.5)]);
        assert_eq!(table.themes, ["priority.jobs"]);
    }

    #[test]
    fn refuses_truncated_damaged_or_foreign_bytes_without_panicking() {
        let bytes = sample().to_bytes();
        for cut in 0..bytes.len() {
            assert!(
                QuoteTable::from_bytes(&bytes[..cut]).is_none(),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.clone();
        for i in 0..flipped.len() {
            flipped[i] ^= 0xff;
            let _ = QuoteTable::from_bytes(&flipped);
            flipped[i] ^= 0xff;
        }
        assert!(QuoteTable::from_bytes(b"not a table at all").is_none());
    }
}
