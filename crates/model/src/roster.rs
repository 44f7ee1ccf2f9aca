use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::name::{edit_distance, ocr_fold, same_first_name};
use crate::{Error, normalise_name, strip_titles};

/// The columns every roster must have, in the order Verbatim writes them.
pub const ROSTER_COLUMNS: [&str; 6] = ["name", "aliases", "role", "organisation", "area", "sector"];

/// A person who speaks in the sources: a "case" with attributes, in CAQDAS terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// Canonical name, as quotes will carry it.
    pub name: String,
    /// Other ways the sources refer to this person.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Job title.
    pub role: Option<String>,
    /// Employer or body the person speaks for.
    pub organisation: Option<String>,
    /// The place the organisation serves.
    pub area: Option<String>,
    /// Kind of organisation.
    pub sector: Option<String>,
    /// Any further roster columns.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// 1-based line of the roster row, for error messages.
    #[serde(skip)]
    pub line: usize,
}

impl Speaker {
    /// A speaker with only a name, for rosters built in code.
    pub fn named(name: impl Into<String>) -> Self {
        Speaker {
            name: name.into(),
            aliases: Vec::new(),
            role: None,
            organisation: None,
            area: None,
            sector: None,
            attributes: BTreeMap::new(),
            line: 0,
        }
    }

    /// Sets the roster column `column` (`name`, `aliases` as `;`-separated names, `role`,
    /// `organisation`, `area`, `sector`, or any other as a free attribute) to `value`,
    /// trimmed; an empty value leaves an optional column unset.
    pub fn set(&mut self, column: &str, value: &str) {
        let value = value.trim();
        let optional = (!value.is_empty()).then(|| value.to_string());
        match column {
            "name" => self.name = value.to_string(),
            "aliases" => {
                self.aliases = value
                    .split(';')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            "role" => self.role = optional,
            "organisation" => self.organisation = optional,
            "area" => self.area = optional,
            "sector" => self.sector = optional,
            other => {
                if let Some(value) = optional {
                    self.attributes.insert(other.to_string(), value);
                }
            }
        }
    }

    fn handles(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// What a name in a source turned out to denote.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution<'a> {
    /// Exactly one roster entry fits.
    Matched(&'a Speaker),
    /// Several entries fit equally well (a shared first name, say): none is chosen.
    Ambiguous(Vec<&'a Speaker>),
    /// No entry fits.
    Unknown,
}

/// The people of a study, and the rules for recognising them in a source.
///
/// A name matches when, ignoring case, full stops and titles (Professor, Dr, Cllr, Sir,
/// Dame...), it equals a roster name or alias, possibly written "Surname, First" as video
/// call software does, or with hyphens and spaces differing; or when it is a single first
/// name or surname that only one person in the roster has.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    speakers: Vec<Speaker>,
    by_handle: HashMap<String, usize>,
    by_compact: HashMap<String, Vec<usize>>,
    by_token: HashMap<String, Vec<usize>>,
    /// Every handle folded for look-alike characters, with its length in chars and its
    /// speaker, sorted by length: the candidates for a damaged name.
    folded: Vec<(usize, String, usize)>,
}

impl Roster {
    /// Builds a roster, refusing a name or alias that belongs to two people.
    /// `path` names the roster in errors.
    pub fn new(speakers: Vec<Speaker>, path: &Path) -> Result<Self, Error> {
        let mut roster = Roster {
            speakers,
            ..Roster::default()
        };
        for (index, speaker) in roster.speakers.iter().enumerate() {
            for handle in speaker.handles() {
                let key = handle_key(handle);
                if key.is_empty() {
                    continue;
                }
                match roster.by_handle.get(&key) {
                    Some(&other) if other != index => {
                        let first = &roster.speakers[other];
                        return Err(Error::parse(
                            path,
                            speaker.line,
                            format!(
                                "\"{handle}\" names both {} (line {}) and {} (line {})",
                                first.name, first.line, speaker.name, speaker.line
                            ),
                        ));
                    }
                    _ => {
                        roster.by_handle.insert(key.clone(), index);
                    }
                }
                push_unique(roster.by_compact.entry(compact(&key)).or_default(), index);
                let folded = ocr_fold(&compact(&key));
                roster.folded.push((folded.chars().count(), folded, index));
                let tokens: Vec<&str> = key.split(' ').collect();
                if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
                    push_unique(
                        roster.by_token.entry((*first).to_string()).or_default(),
                        index,
                    );
                    push_unique(
                        roster.by_token.entry((*last).to_string()).or_default(),
                        index,
                    );
                }
            }
        }
        roster.folded.sort();
        roster.folded.dedup();
        Ok(roster)
    }

    /// Reads a roster CSV file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_csv_str(&text, path)
    }

    /// Parses roster CSV: a header with at least `name,aliases,role,organisation,area,sector`
    /// (`organization` is accepted too), aliases separated by `;`, any further columns kept
    /// as attributes.
    pub fn from_csv_str(text: &str, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(path, &e))?
            .iter()
            .map(|h| match h.trim().to_lowercase().as_str() {
                "organization" => "organisation".to_string(),
                other => other.to_string(),
            })
            .collect();
        for (index, header) in headers.iter().enumerate() {
            if let Some(first) = headers[..index].iter().position(|h| h == header) {
                return Err(Error::parse(
                    path,
                    1,
                    format!(
                        "roster header has column `{header}` twice (columns {} and {})",
                        first + 1,
                        index + 1
                    ),
                ));
            }
        }
        let missing: Vec<&str> = ROSTER_COLUMNS
            .iter()
            .copied()
            .filter(|column| !headers.iter().any(|h| h == column))
            .collect();
        if !missing.is_empty() {
            return Err(Error::parse(
                path,
                1,
                format!(
                    "roster header lacks column(s) {}; expected {}",
                    missing.join(", "),
                    ROSTER_COLUMNS.join(",")
                ),
            ));
        }
        let mut speakers = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(path, &e))?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            let mut speaker = Speaker::named("");
            speaker.line = line;
            for (header, value) in headers.iter().zip(record.iter()) {
                speaker.set(header, value);
            }
            if speaker.name.is_empty() {
                return Err(Error::parse(path, line, "roster row has an empty name"));
            }
            speakers.push(speaker);
        }
        Self::new(speakers, path)
    }

    /// Renders the roster as CSV: the six standard columns, then every attribute column
    /// in name order. Reading the result back gives the same roster.
    pub fn to_csv_string(&self) -> String {
        let extra: std::collections::BTreeSet<&str> = self
            .speakers
            .iter()
            .flat_map(|s| s.attributes.keys().map(String::as_str))
            .collect();
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        let header: Vec<&str> = ROSTER_COLUMNS
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect();
        let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        for speaker in &self.speakers {
            let optional = |value: &Option<String>| value.clone().unwrap_or_default();
            let mut row = vec![
                speaker.name.clone(),
                speaker.aliases.join(";"),
                optional(&speaker.role),
                optional(&speaker.organisation),
                optional(&speaker.area),
                optional(&speaker.sector),
            ];
            row.extend(
                extra
                    .iter()
                    .map(|k| speaker.attributes.get(*k).cloned().unwrap_or_default()),
            );
            rows.push(row);
        }
        for row in rows {
            // Writing to a Vec cannot fail.
            let _ = writer.write_record(&row);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }

    /// Writes the roster as a CSV file, atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = self.to_csv_string();
        crate::write_atomic(path, |w| w.write_all(text.as_bytes()))
    }

    /// The roster's people, in file order.
    pub fn speakers(&self) -> &[Speaker] {
        &self.speakers
    }

    /// True when the roster has nobody in it.
    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }

    /// Finds the person a name in a source denotes.
    pub fn resolve(&self, name: &str) -> Resolution<'_> {
        let key = handle_key(name);
        if key.is_empty() {
            return Resolution::Unknown;
        }
        let mut candidates = vec![key.clone()];
        if let Some((surname, first)) = name.split_once(',')
            && !first.contains(',')
        {
            candidates.push(handle_key(&format!("{first} {surname}")));
        }
        for candidate in &candidates {
            if let Some(&index) = self.by_handle.get(candidate) {
                return Resolution::Matched(&self.speakers[index]);
            }
        }
        for candidate in &candidates {
            if let Some(found) = self.by_compact.get(&compact(candidate)) {
                return self.pick(found);
            }
        }
        if !key.contains(' ') {
            return match self.by_token.get(&key) {
                Some(found) => self.pick(found),
                None => self.resolve_ocr(&key),
            };
        }
        match self.resolve_short_first_name(&key) {
            Resolution::Unknown => self.resolve_ocr(&key),
            found => found,
        }
    }

    /// `Will Kerr` for `William Kerr`, `Sam Adeyemi-Clarke` for `Samuel...`: same surname,
    /// and a first name that is a prefix or a common short form of the roster's.
    fn resolve_short_first_name(&self, key: &str) -> Resolution<'_> {
        let tokens: Vec<&str> = key.split(' ').collect();
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return Resolution::Unknown;
        };
        let Some(candidates) = self.by_token.get(*last) else {
            return Resolution::Unknown;
        };
        let fitting: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&index| {
                self.speakers[index].handles().any(|handle| {
                    let handle = handle_key(handle);
                    let parts: Vec<&str> = handle.split(' ').collect();
                    parts.len() >= 2
                        && parts.last() == Some(last)
                        && parts
                            .first()
                            .is_some_and(|full| same_first_name(first, full))
                })
            })
            .collect();
        self.pick(&fitting)
    }

    /// Names damaged by text extraction (`lan` for `Ian`, `|ohn` for `John`, a stray
    /// space): a small edit distance after folding look-alike characters, accepted only
    /// when exactly one person is that close.
    fn resolve_ocr(&self, key: &str) -> Resolution<'_> {
        let folded = ocr_fold(&compact(key));
        let length = folded.chars().count();
        if length < 5 {
            return Resolution::Unknown;
        }
        let allowed = if length >= 12 { 2 } else { 1 };
        let from = self
            .folded
            .partition_point(|(l, _, _)| *l + allowed < length);
        let mut close: Vec<usize> = Vec::new();
        for (candidate_length, candidate, index) in &self.folded[from..] {
            if *candidate_length > length + allowed {
                break;
            }
            if edit_distance(&folded, candidate, allowed) <= allowed {
                push_unique(&mut close, *index);
            }
        }
        close.sort_unstable();
        self.pick(&close)
    }

    fn pick(&self, indices: &[usize]) -> Resolution<'_> {
        match indices {
            [] => Resolution::Unknown,
            [one] => Resolution::Matched(&self.speakers[*one]),
            many => Resolution::Ambiguous(many.iter().map(|&i| &self.speakers[i]).collect()),
        }
    }
}

fn handle_key(handle: &str) -> String {
    strip_titles(&normalise_name(handle)).to_string()
}

fn compact(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\''))
        .collect()
}

fn push_unique(list: &mut Vec<usize>, index: usize) {
    if !list.contains(&index) {
        list.push(index);
    }
}

fn csv_error(path: &Path, error: &csv::Error) -> Error {
    let line = error.position().map_or(1, |p| p.line() as usize);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("row has {len} fields, the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "roster is not valid UTF-8".to_string(),
        _ => error.to_string(),
    };
    Error::parse(path, line, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: &str = "\u{feff}name,aliases,role,organisation,area,sector,cohort\n\
        Margaret Okonkwo-Reid,Maggie Okonkwo-Reid;Margaret Reid,chief executive,Bradford council,Bradford,council,A\n\
        Helen Achterberg,,leader of the council,Surrey County Council,Surrey,council,\n\
        Helen Moss,,director,Surrey Arts,Surrey,arts,B\n\
        Jo Whitcombe,,interviewer,Study team,,,\n";

    fn roster() -> Roster {
        Roster::from_csv_str(ROSTER, "roster.csv").expect("valid roster")
    }

    fn matched(roster: &Roster, name: &str) -> Option<String> {
        match roster.resolve(name) {
            Resolution::Matched(speaker) => Some(speaker.name.clone()),
            _ => None,
        }
    }

    #[test]
    fn reads_columns_aliases_and_free_attributes() {
        let roster = roster();
        let first = &roster.speakers()[0];
        assert_eq!(first.aliases, ["Maggie Okonkwo-Reid", "Margaret Reid"]);
        assert_eq!(first.sector.as_deref(), Some("council"));
        assert_eq!(
            first.attributes.get("cohort").map(String::as_str),
            Some("A")
        );
        assert_eq!(first.line, 2);
        assert_eq!(roster.speakers()[3].area, None);
    }

    #[test]
    fn matches_names_aliases_titles_and_case() {
        let roster = roster();
        for name in [
            "Margaret Okonkwo-Reid",
            "MARGARET OKONKWO-REID",
            "Dr. Margaret Okonkwo Reid",
            "Maggie Okonkwo–Reid",
            "Okonkwo-Reid, Margaret",
            "Margaret",
        ] {
            assert_eq!(
                matched(&roster, name).as_deref(),
                Some("Margaret Okonkwo-Reid"),
                "{name}"
            );
        }
        assert_eq!(
            matched(&roster, "Cllr Achterberg").as_deref(),
            Some("Helen Achterberg")
        );
        assert_eq!(
            matched(&roster, "Whitcombe, Jo").as_deref(),
            Some("Jo Whitcombe")
        );
        assert_eq!(matched(&roster, "Jo").as_deref(), Some("Jo Whitcombe"));
    }

    #[test]
    fn shared_first_names_are_ambiguous_and_strangers_unknown() {
        let roster = roster();
        assert!(matches!(roster.resolve("Helen"), Resolution::Ambiguous(ref v) if v.len() == 2));
        assert_eq!(roster.resolve("Colin Hartley"), Resolution::Unknown);
        assert_eq!(roster.resolve("   "), Resolution::Unknown);
    }

    #[test]
    fn an_alias_on_two_people_names_both_lines() {
        let csv = "name,aliases,role,organisation,area,sector\n\
                   Ann Lee,A Lee,,,,\n\
                   Bob Ray,,,,,\n\
                   Alan Lee,A Lee,,,,\n";
        let error = Roster::from_csv_str(csv, "people.csv").expect_err("conflict");
        let message = error.to_string();
        assert!(message.starts_with("people.csv:4:"), "{message}");
        assert!(message.contains("Ann Lee (line 2)") && message.contains("Alan Lee (line 4)"));
    }

    #[test]
    fn missing_columns_and_ragged_rows_are_errors_with_lines() {
        let error = Roster::from_csv_str("name,role\nA,B\n", "r.csv").expect_err("header");
        assert!(error.to_string().starts_with(
            "r.csv:1: roster header lacks column(s) aliases, organisation, area, sector"
        ));
        let ragged = "name,aliases,role,organisation,area,sector\nA,,,,,\nB,,,\n";
        let error = Roster::from_csv_str(ragged, "r.csv").expect_err("ragged");
        assert_eq!(
            error.to_string(),
            "r.csv:3: row has 4 fields, the header has 6"
        );
        let empty = "name,aliases,role,organisation,area,sector\n,x,,,,\n";
        let error = Roster::from_csv_str(empty, "r.csv").expect_err("empty name");
        assert_eq!(error.to_string(), "r.csv:2: roster row has an empty name");
    }

    #[test]
    fn a_column_named_twice_is_an_error_naming_it() {
        let twice = "name,aliases,role,organisation,area,sector,area\nA,,,,,,x\n";
        let error = Roster::from_csv_str(twice, "r.csv").expect_err("duplicate");
        assert_eq!(
            error.to_string(),
            "r.csv:1: roster header has column `area` twice (columns 5 and 7)"
        );
        let spellings = "name,aliases,role,organization,area,sector,Organisation\nA,,,,,,x\n";
        let error = Roster::from_csv_str(spellings, "r.csv").expect_err("two spellings");
        assert!(
            error.to_string().contains("column `organisation` twice"),
            "{error}"
        );
    }

    #[test]
    fn csv_round_trips_through_a_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("roster.csv");
        let original = roster();
        original.save(&path).expect("save");
        let back = Roster::load(&path).expect("load");
        let strip = |r: &Roster| {
            r.speakers()
                .iter()
                .map(|s| Speaker {
                    line: 0,
                    ..s.clone()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&back), strip(&original));
        assert!(
            std::fs::read_to_string(&path)
                .expect("read")
                .starts_with("name,aliases,role,organisation,area,sector,cohort\n")
        );
    }

    #[test]
    fn short_first_names_and_ocr_slips_match_only_when_unambiguous() {
        let csv = "name,aliases,role,organisation,area,sector\n\
                   William Kerr,,deputy chief constable,Police Scotland,Scotland,police\n\
                   Andrew Kerr,,chief executive,Edinburgh council,Edinburgh,council\n\
                   Ian Burbidge,,associate director,RSA,,research\n\
                   John Wright,,director,Bradford Institute for Health Research,Bradford,research\n\
                   Kersten England,,chief executive,Bradford council,Bradford,council\n";
        let roster = Roster::from_csv_str(csv, "r.csv").expect("roster");
        let name = |n: &str| matched(&roster, n);
        assert_eq!(name("Will Kerr").as_deref(), Some("William Kerr"));
        assert_eq!(name("Bill Kerr").as_deref(), Some("William Kerr"));
        assert_eq!(name("Andy Kerr").as_deref(), Some("Andrew Kerr"));
        assert_eq!(name("lan Burbidge").as_deref(), Some("Ian Burbidge"));
        assert_eq!(name("|ohn Wright").as_deref(), Some("John Wright"));
        assert_eq!(name("Kersten Eng land").as_deref(), Some("Kersten England"));
        assert_eq!(name("Professor Wright").as_deref(), Some("John Wright"));
        assert!(matches!(roster.resolve("Kerr"), Resolution::Ambiguous(_)));
        assert_eq!(roster.resolve("Karen Kerr"), Resolution::Unknown);
        assert_eq!(roster.resolve("Ian Wright"), Resolution::Unknown);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
            if let Ok(roster) = Roster::from_csv_str(&text, "fuzz.csv") {
                let _ = roster.resolve(&text);
            }
            let _ = roster().resolve(&text);
        }
    }
}
