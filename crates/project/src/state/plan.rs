//! What a refresh has to do: which sources carry over from the stored table, which are
//! read, whether an update is worth it or a rebuild is cheaper, and where the new
//! sources' documents go. Decided from the table and file stamps alone, before any source
//! is read.

use std::collections::{HashMap, HashSet};

use verbatim_coder::Part;
use verbatim_model::{FileStamp, QuoteTable, Roster, SourceEntry};

use super::fingerprint::roster_answers;
use crate::sources::SourceFile;

/// Rebuild everything when more than this share of the old rows would be gone or changed.
const REBUILD_SHARE: f64 = 0.3;

/// The project's sources as listed now.
pub(crate) struct Listing {
    pub files: Vec<SourceFile>,
    /// Document ids, for quote ids.
    pub ids: Vec<String>,
    /// Size and modification time, where the file could be looked at.
    pub stamps: Vec<Option<FileStamp>>,
}

/// The roster as it is now.
pub(crate) struct RosterNow<'r> {
    pub roster: Option<&'r Roster>,
    /// Digest of its file (`none` without one).
    pub digest: &'r str,
}

/// The work to do.
#[derive(Debug)]
pub(crate) enum Decision<'t> {
    /// Nothing changed: the stored table is the answer.
    Unchanged,
    /// Sources to read, on top of the old table (an update) or from nothing (a rebuild).
    Read(Plan<'t>),
}

/// What to read and what to carry over.
#[derive(Debug)]
pub(crate) struct Plan<'t> {
    /// The table carried over from; `None` on a rebuild.
    pub old: Option<&'t QuoteTable>,
    /// Per file, the old table's entry when the file is carried over; the others are read.
    pub reused: Vec<Option<&'t SourceEntry>>,
    /// Per file, the serial number of its documents in the index (kept ones keep theirs).
    pub serials: Vec<u64>,
    /// Bytes of the sources to read, for sizing the index writer.
    pub to_read_bytes: u64,
}

/// Decides what a refresh does, given the stored table (when its shared inputs match).
pub(crate) fn decide<'t>(
    old: Option<&'t QuoteTable>,
    listing: &Listing,
    roster: &RosterNow<'_>,
) -> Decision<'t> {
    let kept: HashMap<&str, &SourceEntry> = old
        .iter()
        .flat_map(|t| &t.sources)
        .map(|s| (s.name.as_str(), s))
        .collect();
    let same_roster = old.is_some_and(|t| t.roster == roster.digest);
    let reused: Vec<Option<&SourceEntry>> = listing
        .files
        .iter()
        .zip(&listing.ids)
        .zip(&listing.stamps)
        .map(|((file, id), stamp)| {
            kept.get(file.name.as_str())
                .copied()
                .filter(|s| Some(s.stamp) == *stamp && s.document == *id)
                .filter(|s| {
                    same_roster
                        || s.roster_queries.as_ref().is_some_and(|names| {
                            roster_answers(roster.roster, names) == s.roster_answers
                        })
                })
        })
        .collect();
    let files = listing.files.len();
    if let Some(old) = old {
        let unchanged = reused.iter().flatten().count();
        if unchanged == files && old.sources.len() == files && same_roster {
            return Decision::Unchanged;
        }
    }
    let old_rows = old.map_or(0, QuoteTable::rows);
    let kept_rows: usize = reused.iter().flatten().map(|s| s.rows as usize).sum();
    // An update indexes the new quotes twice (into the project's index and into one of
    // their own for coding), so once there is more to read than to keep, a rebuild is
    // cheaper.
    let incremental = old.is_some()
        && (old_rows.saturating_sub(kept_rows) as f64) <= REBUILD_SHARE * old_rows.max(1) as f64
        && file_bytes(&reused, &listing.stamps, true)
            <= file_bytes(&reused, &listing.stamps, false);
    let (old, reused) = if incremental {
        (old, reused)
    } else {
        (None, vec![None; files])
    };
    let mut next_serial = old
        .and_then(|t| t.sources.iter().map(|s| s.serial + 1).max())
        .unwrap_or(0);
    let serials = reused
        .iter()
        .map(|entry| match entry {
            Some(entry) => entry.serial,
            None => {
                next_serial += 1;
                next_serial - 1
            }
        })
        .collect();
    Decision::Read(Plan {
        old,
        to_read_bytes: file_bytes(&reused, &listing.stamps, true),
        reused,
        serials,
    })
}

impl Plan<'_> {
    /// Numbers of the files to read, ascending.
    pub(crate) fn to_read(&self) -> Vec<usize> {
        (0..self.reused.len())
            .filter(|&i| self.reused[i].is_none())
            .collect()
    }

    /// Serials of the old table's sources that are not carried over: their documents
    /// leave the index.
    pub(crate) fn removed(&self) -> Vec<u64> {
        let kept: HashSet<u64> = self.reused.iter().flatten().map(|r| r.serial).collect();
        self.old
            .iter()
            .flat_map(|old| &old.sources)
            .map(|s| s.serial)
            .filter(|serial| !kept.contains(serial))
            .collect()
    }

    /// Whether the new sources all come after the old ones, which are all kept in place,
    /// and the file whose table stamp is `file` ends with the last old source's bytes
    /// (where `end_of` says they end): then that file only grows.
    pub(crate) fn only_appends(
        &self,
        end_of: impl Fn(&SourceEntry) -> u64,
        file: FileStamp,
    ) -> bool {
        let Some(old) = self.old else {
            return false;
        };
        let kept = old.sources.len();
        self.reused.len() >= kept
            && self.reused[..kept]
                .iter()
                .zip(&old.sources)
                .all(|(new, old)| new.is_some_and(|new| new.serial == old.serial))
            && self.reused[kept..].iter().all(Option::is_none)
            && old.sources.last().is_some_and(|s| end_of(s) == file.len)
    }

    /// Where the new sources' quotes sit among the new rows alone: the layout of the index
    /// of new quotes, whose serials number the new sources in order. `entries` are the
    /// sources as written, in file order.
    pub(crate) fn fresh_layout(&self, entries: &[SourceEntry]) -> Vec<Part> {
        let mut first_row = 0u32;
        entries
            .iter()
            .zip(&self.reused)
            .filter(|(_, reused)| reused.is_none())
            .enumerate()
            .map(|(serial, (entry, _))| {
                let part = Part {
                    serial: serial as u64,
                    first_row,
                };
                first_row += entry.rows;
                part
            })
            .collect()
    }
}

/// Bytes of the source files to be read (`read`) or carried over.
fn file_bytes(reused: &[Option<&SourceEntry>], stamps: &[Option<FileStamp>], read: bool) -> u64 {
    reused
        .iter()
        .zip(stamps)
        .filter(|(entry, _)| entry.is_none() == read)
        .map(|(_, stamp)| stamp.map_or(0, |s| s.len))
        .sum()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use verbatim_model::QuoteTable;

    use super::*;
    use crate::state::columns::TABLE_COLUMNS;

    const SIZE: u64 = 1000;

    fn stamp(modified_ns: u64) -> FileStamp {
        FileStamp {
            len: SIZE,
            modified_ns,
            changed_ns: modified_ns,
        }
    }

    /// A stored table of `names`, ten rows each, all stamped at time 1.
    fn table(names: &[&str]) -> QuoteTable {
        let mut table = QuoteTable::new(&TABLE_COLUMNS);
        table.roster = "none".into();
        let mut first_row = 0;
        for (serial, name) in names.iter().enumerate() {
            for _ in 0..10 {
                let at = table.rows() as u64;
                table.push_row(at * 100 + 100, &[None; 8]);
            }
            table.sources.push(SourceEntry {
                name: name.to_string(),
                stamp: stamp(1),
                document: name.trim_end_matches(".txt").to_string(),
                serial: serial as u64,
                first_row,
                rows: 10,
                quote_bytes: (u64::from(first_row) * 100, u64::from(first_row + 10) * 100),
                coding_bytes: (0, 0),
                roster_queries: Some(vec![]),
                roster_answers: roster_answers(None, &[]),
            });
            first_row += 10;
        }
        table
    }

    /// The sources now: `names`, with the modification times given.
    fn listing(files: &[(&str, u64)]) -> Listing {
        Listing {
            files: files
                .iter()
                .map(|(name, _)| SourceFile {
                    path: PathBuf::from(name),
                    name: name.to_string(),
                    round: None,
                    facts: Vec::new(),
                })
                .collect(),
            ids: files
                .iter()
                .map(|(name, _)| name.trim_end_matches(".txt").to_string())
                .collect(),
            stamps: files
                .iter()
                .map(|&(_, modified)| Some(stamp(modified)))
                .collect(),
        }
    }

    const NO_ROSTER: RosterNow<'static> = RosterNow {
        roster: None,
        digest: "none",
    };

    fn names(count: usize) -> Vec<String> {
        (0..count).map(|i| format!("s{i:02}.txt")).collect()
    }

    #[test]
    fn nothing_changed_is_nothing_to_do() {
        let names = names(4);
        let old = table(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let now: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        assert!(matches!(
            decide(Some(&old), &listing(&now), &NO_ROSTER),
            Decision::Unchanged
        ));
    }

    #[test]
    fn a_changed_source_is_read_and_the_others_kept_with_their_serials() {
        let names = names(10);
        let old = table(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let mut now: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        now[3].1 = 2;
        let Decision::Read(plan) = decide(Some(&old), &listing(&now), &NO_ROSTER) else {
            panic!("a source changed");
        };
        assert!(plan.old.is_some(), "one source in ten is an update");
        assert_eq!(plan.to_read(), [3]);
        assert_eq!(plan.removed(), [3]);
        assert_eq!(plan.serials[2], 2);
        assert_eq!(plan.serials[3], 10, "a re-read source gets a new serial");
        assert_eq!(plan.to_read_bytes, SIZE);
        assert!(!plan.only_appends(|s| s.quote_bytes.1, old.quotes_file));
    }

    #[test]
    fn a_round_after_the_others_only_appends() {
        let names = names(10);
        let old = {
            let mut old = table(&names.iter().map(String::as_str).collect::<Vec<_>>());
            old.quotes_file = FileStamp {
                len: 10_000,
                modified_ns: 5,
                changed_ns: 5,
            };
            old
        };
        let mut now: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        now.push(("t00.txt", 9));
        let Decision::Read(plan) = decide(Some(&old), &listing(&now), &NO_ROSTER) else {
            panic!("a source was added");
        };
        assert_eq!(plan.to_read(), [10]);
        assert!(plan.removed().is_empty());
        assert!(plan.only_appends(|s| s.quote_bytes.1, old.quotes_file));
        let mut written = old.sources.clone();
        written.push(SourceEntry {
            rows: 7,
            ..old.sources[0].clone()
        });
        let fresh = plan.fresh_layout(&written);
        assert_eq!(
            (fresh.len(), fresh[0].serial, fresh[0].first_row),
            (1, 0, 0)
        );
    }

    #[test]
    fn more_to_read_than_to_keep_or_a_third_gone_rebuilds() {
        let names = names(10);
        let old = table(&names.iter().map(String::as_str).collect::<Vec<_>>());
        // Four of ten sources removed: 40% of the rows gone.
        let now: Vec<(&str, u64)> = names[..6].iter().map(|n| (n.as_str(), 1)).collect();
        let Decision::Read(plan) = decide(Some(&old), &listing(&now), &NO_ROSTER) else {
            panic!("sources were removed");
        };
        assert!(plan.old.is_none());
        assert_eq!(plan.to_read().len(), 6);
        assert_eq!(plan.serials, [0, 1, 2, 3, 4, 5]);
        // A round as large as the project: more bytes to read than to keep.
        let mut now: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        let more = names
            .iter()
            .map(|n| n.replace('s', "t"))
            .collect::<Vec<_>>();
        now.extend(more.iter().map(|n| (n.as_str(), 1)));
        now.push(("u.txt", 1));
        let Decision::Read(plan) = decide(Some(&old), &listing(&now), &NO_ROSTER) else {
            panic!("a round was added");
        };
        assert!(plan.old.is_none());
    }

    #[test]
    fn a_roster_change_rereads_only_sources_whose_names_it_answers_differently() {
        let names = names(10);
        let mut old = table(&names.iter().map(String::as_str).collect::<Vec<_>>());
        old.sources[4].roster_queries = Some(vec!["Raj Patel".into()]);
        old.sources[4].roster_answers = roster_answers(None, &["Raj Patel".to_string()]);
        let roster = Roster::from_csv_str(
            "name,aliases,role,organisation,area,sector\nRaj Patel,,director,Leeds Trust,Leeds,health\n",
            "roster.csv",
        )
        .expect("roster");
        let now: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        let with_roster = RosterNow {
            roster: Some(&roster),
            digest: "0123",
        };
        let Decision::Read(plan) = decide(Some(&old), &listing(&now), &with_roster) else {
            panic!("the roster changed");
        };
        assert_eq!(plan.to_read(), [4]);
    }
}
