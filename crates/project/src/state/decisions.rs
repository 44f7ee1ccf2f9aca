//! The researcher's decisions (the project's codings file) in a refresh.
//!
//! Before planning, anchors in sources that changed since the last run are found again
//! and written back, so the file always points at today's text; what can no longer be
//! found is marked orphaned. The decisions are part of the shared inputs: coded spans are
//! examples that every automatic code may depend on, so a change to them recodes. So that
//! incremental runs stay identical to rebuilds, a run that would re-read or drop a source
//! holding a decision, or that has decisions named only by quote id, rebuilds instead.
//! After reading, the decisions are placed on quotes ([`crate::manual::place`]).

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use verbatim_model::{Codebook, Decision, ManualCoding, QuoteTable, Target};

use super::codings_file::manual_codings;
use super::paths::StatePaths;
use super::plan::{Listing, Plan};
use super::quote_file::QuoteLines;
use crate::config::Project;
use crate::error::Result;
use crate::manual::ManualFile;
use crate::manual::anchor::{Found, find_span};
use crate::manual::place::{Named, Placement, QuoteSpan, anchor_quote_ids, place};
use crate::observer::Observer;
use crate::read::SourceReader;

/// Marks the decisions' digest in the inputs fingerprint (and tells this version's state
/// from earlier ones, which kept manual codings under `.verbatim/`).
pub(crate) const DECISIONS_MARK: &str = "-decisions-";

/// The decisions as this refresh uses them.
pub(crate) struct Decisions {
    /// The codings file, with anchors as they are now.
    pub file: ManualFile,
    /// The sources and documents decisions name.
    pub named: Named,
    /// Digest of the decisions, for the inputs.
    pub digest: String,
}

impl Decisions {
    /// Whether a plan must become a rebuild: it re-reads or drops a source holding a
    /// decision, or decisions are named by quote id alone (anchored once all quotes are
    /// read).
    pub(crate) fn need_rebuild(&self, plan: &Plan<'_>) -> bool {
        let Some(old) = plan.old else {
            return false;
        };
        if self
            .file
            .codings
            .iter()
            .any(|c| matches!(c.target(), Some(Target::Quote(_))))
        {
            return true;
        }
        let kept: std::collections::BTreeSet<&str> = plan
            .reused
            .iter()
            .flatten()
            .map(|s| s.name.as_str())
            .collect();
        old.sources
            .iter()
            .any(|s| self.named.holds(&s.name, &s.document) && !kept.contains(s.name.as_str()))
    }
}

/// Loads the decisions and brings their anchors up to date with the sources listed.
/// Manual codings that an earlier version kept in `.verbatim/codings.jsonl` move into the
/// codings file first.
pub(crate) fn prepare(
    project: &Project,
    codebook: &Codebook,
    paths: &StatePaths,
    listing: &Listing,
    old: Option<&QuoteTable>,
    observer: &dyn Observer,
) -> Result<Decisions> {
    let mut file = ManualFile::load(project)?;
    if !file.exists() {
        move_old_manual_codings(&mut file, paths, old, observer)?;
    }
    // Decisions made under a theme's earlier id (`renamed_from`) take its id now.
    for theme in file.codings.iter_mut().filter_map(|c| c.theme.as_mut()) {
        let current = codebook.current_id(theme);
        if current != theme {
            *theme = current.to_string();
        }
    }
    // Quote ids name the quotes of the last run: anchored to their text there.
    if let Some(old) = old {
        let named = Named::of(&file.codings);
        if !named.documents.is_empty() {
            let lines = QuoteLines::open(&paths.quotes)?;
            let mut spans = Vec::new();
            for entry in old
                .sources
                .iter()
                .filter(|e| named.documents.contains(&e.document))
            {
                let first = entry.first_row as usize;
                for row in first..first + entry.rows as usize {
                    spans.push(QuoteSpan::of(lines.quote(old, row)?));
                }
            }
            anchor_quote_ids(&mut file.codings, &spans);
        }
    }
    let checked_before = old.is_some_and(|t| {
        t.inputs
            .ends_with(&format!("{DECISIONS_MARK}{}", file.digest()))
    });
    let changed = |name: &str, i: usize| {
        let before = old.and_then(|t| t.sources.iter().find(|s| s.name == name));
        !checked_before || before.is_none_or(|s| Some(s.stamp) != listing.stamps[i])
    };
    let position: BTreeMap<&str, usize> = listing
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut texts: BTreeMap<usize, String> = BTreeMap::new();
    let mut reader: Option<SourceReader> = None;
    let mut tally = Tally::default();
    for coding in &mut file.codings {
        let Some(Target::Span {
            source,
            start,
            text,
            ..
        }) = coding.target()
        else {
            continue;
        };
        let Some(&i) = position.get(source) else {
            if !coding.orphaned {
                coding.orphaned = true;
                tally.lost += 1;
            }
            continue;
        };
        if !changed(source, i) {
            continue;
        }
        let source_text = match texts.entry(i) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                let reader = match &reader {
                    Some(reader) => reader,
                    None => reader.insert(SourceReader::new(Some(project), &Default::default())?),
                };
                slot.insert(reader.text(&listing.files[i])?)
            }
        };
        let found = find_span(source_text, text, start);
        tally.count(coding, found);
    }
    tally.tell(&file, observer);
    file.save()?;
    let named = Named::of(&file.codings);
    let digest = file.digest();
    Ok(Decisions {
        file,
        named,
        digest,
    })
}

/// What finding anchors again did.
#[derive(Default)]
struct Tally {
    moved: usize,
    edited: usize,
    lost: usize,
    found_again: usize,
}

impl Tally {
    fn count(&mut self, coding: &mut ManualCoding, found: Found) {
        let was_orphaned = coding.orphaned;
        coding.orphaned = false;
        match found {
            Found::InPlace => {}
            Found::Moved { start, end } => {
                coding.start = Some(start);
                coding.end = Some(end);
                self.moved += 1;
            }
            Found::Edited { start, end, text } => {
                coding.start = Some(start);
                coding.end = Some(end);
                coding.text = Some(text);
                self.edited += 1;
            }
            Found::Lost => {
                coding.orphaned = true;
                self.lost += usize::from(!was_orphaned);
                return;
            }
        }
        self.found_again += usize::from(was_orphaned);
    }

    fn tell(&self, file: &ManualFile, observer: &dyn Observer) {
        let shown = file.shown.display();
        if self.moved + self.edited > 0 {
            observer.warning(&format!(
                "{shown}: {} followed the text to where it is now in a changed source{}",
                verbatim_model::counted(self.moved + self.edited, "decision"),
                if self.edited > 0 {
                    format!(
                        " ({} of them after words inside changed; check them with `verbatim coding list`)",
                        self.edited
                    )
                } else {
                    String::new()
                }
            ));
        }
        if self.found_again > 0 {
            observer.warning(&format!(
                "{shown}: {} orphaned before found their text again",
                verbatim_model::counted(self.found_again, "decision")
            ));
        }
        if self.lost > 0 {
            observer.warning(&format!(
                "{shown}: {} lost {} text (deleted or rewritten, or the source is gone): \
                 orphaned, kept with the text, counted nowhere; `verbatim coding list --orphaned` shows them",
                verbatim_model::counted(self.lost, "decision"),
                if self.lost == 1 { "its" } else { "their" }
            ));
        }
    }
}

/// An earlier version kept manual codings at the head of `.verbatim/codings.jsonl`; they
/// become the project's codings file (named by quote id, anchored on this run).
fn move_old_manual_codings(
    file: &mut ManualFile,
    paths: &StatePaths,
    old: Option<&QuoteTable>,
    observer: &dyn Observer,
) -> Result<()> {
    let old_codings = manual_codings(&paths.codings, old, observer)?;
    // A table from this version means the head was placed from the codings file, since
    // removed on purpose.
    if old_codings.is_empty() || old.is_some_and(|t| t.inputs.contains(DECISIONS_MARK)) {
        return Ok(());
    }
    file.codings = old_codings
        .into_iter()
        .map(|c| {
            let mut coding = ManualCoding::on_quote(Decision::Code, &c.quote);
            coding.theme = Some(c.theme);
            coding.coder = c.coder;
            coding
        })
        .collect();
    file.save()?;
    observer.warning(&format!(
        "{} manual codings moved from {} to {}: they are project data now (keep that file with the sources)",
        file.codings.len(),
        paths.codings.display(),
        file.shown.display()
    ));
    Ok(())
}

/// The quotes of the kept sources that decisions name, from the quote file as it was
/// before this run, in project order.
pub(crate) fn kept_quote_spans(
    paths: &StatePaths,
    plan: &Plan<'_>,
    named: &Named,
) -> Result<Vec<QuoteSpan>> {
    let Some(old) = plan.old else {
        return Ok(Vec::new());
    };
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let lines = QuoteLines::open(&paths.quotes)?;
    let mut spans = Vec::new();
    for entry in plan.reused.iter().flatten() {
        if !named.holds(&entry.name, &entry.document) {
            continue;
        }
        let first = entry.first_row as usize;
        for row in first..first + entry.rows as usize {
            spans.push(QuoteSpan::of(lines.quote(old, row)?));
        }
    }
    Ok(spans)
}

/// The decisions placed on `quotes`, with theme ids as `codebook` has them now; the
/// codings file is written back when decisions named by quote id were anchored.
pub(crate) fn placed(
    decisions: &mut Decisions,
    quotes: &[QuoteSpan],
    codebook: &Codebook,
) -> Result<Placement> {
    let placement = place(&mut decisions.file.codings, quotes, &|theme| {
        codebook.current_id(theme).to_string()
    });
    if placement.anchored > 0 {
        decisions.file.save()?;
    }
    Ok(placement)
}
