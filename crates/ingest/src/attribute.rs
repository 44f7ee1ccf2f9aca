//! From turns to quotes: who spoke (roster, front matter, role labels), which side of the
//! interview they are on, and exact char offsets for every segment.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use verbatim_model::{Quote, QuoteKind, Resolution, Roster, Speaker};

use crate::interviewer::guess_interviewer;
use crate::locate::Locator;
use crate::marker::{GenericRole, LabelShape, label_shape};
use crate::options::IngestOptions;
use crate::segment::split_paragraph;
use crate::transcript::Transcript;

/// Front-matter keys that are about the interview itself rather than free attributes.
const INTERVIEW_KEYS: [&str; 3] = ["interviewee", "interviewer", "round"];
/// Front-matter keys that fill a quote's own fields when the roster leaves them empty.
const FIELD_KEYS: [&str; 4] = ["role", "organisation", "area", "sector"];

/// Quotes and what was learnt about the speakers along the way.
pub(crate) struct Attributed {
    pub quotes: Vec<Quote>,
    pub speakers: BTreeSet<String>,
    pub unknown: BTreeSet<String>,
    pub warnings: Vec<String>,
    /// Names this transcript asked the roster about.
    pub roster_queries: BTreeSet<String>,
}

#[derive(Clone)]
struct Who {
    interviewer: bool,
    speaker: Option<Speaker>,
    hint: Option<String>,
}

struct Resolver<'a> {
    roster: Option<&'a Roster>,
    front_people: Roster,
    interviewers: Roster,
    interviewee: Option<String>,
    interviewer: Option<String>,
    /// The label taken for the interviewer's because its turns are questions (matched as
    /// written: `Speaker 1` must not take `Speaker 2` with it).
    guessed_interviewer: Option<String>,
    unknown: BTreeSet<String>,
    warnings: BTreeSet<String>,
    roster_queries: BTreeSet<String>,
    /// Labels already resolved in this transcript.
    seen: std::collections::HashMap<String, Who>,
}

impl<'a> Resolver<'a> {
    fn new(transcript: &Transcript, roster: Option<&'a Roster>, options: &IngestOptions) -> Self {
        let front = &transcript.front_matter;
        let interviewees = front.names("interviewee");
        let mut interviewer_names = front.names("interviewer");
        interviewer_names.extend(options.interviewers.iter().cloned());
        let mut warnings = BTreeSet::new();
        let mut guessed_interviewer = None;
        if interviewer_names.is_empty()
            && let Some((label, asks, turns)) = guess_interviewer(transcript)
            && !roster.is_some_and(|r| matches!(r.resolve(&label), Resolution::Matched(_)))
        {
            warnings.insert(format!(
                "took \"{label}\" for the interviewer ({asks} of {turns} turns are questions); \
                 name the interviewer in the source's front matter or in verbatim.toml to be sure"
            ));
            guessed_interviewer = Some(label);
        }
        let everyone: Vec<String> = interviewees
            .iter()
            .chain(&interviewer_names)
            .cloned()
            .collect();
        Resolver {
            roster,
            front_people: named_roster(&everyone),
            interviewers: named_roster(&interviewer_names),
            interviewee: (interviewees.len() == 1).then(|| interviewees[0].clone()),
            interviewer: (front.names("interviewer").len() == 1)
                .then(|| front.names("interviewer")[0].clone()),
            unknown: BTreeSet::new(),
            warnings,
            guessed_interviewer,
            roster_queries: BTreeSet::new(),
            seen: std::collections::HashMap::new(),
        }
    }

    fn who(&mut self, label: Option<&str>) -> Who {
        if let Some(found) = label.and_then(|l| self.seen.get(l)) {
            return found.clone();
        }
        let found = self.resolve_label(label);
        if let Some(label) = label {
            self.seen.insert(label.to_string(), found.clone());
        }
        found
    }

    fn resolve_label(&mut self, label: Option<&str>) -> Who {
        let Some(label) = label else {
            return Who {
                interviewer: false,
                speaker: None,
                hint: None,
            };
        };
        let (interviewer, name) = match label_shape(label) {
            Some(LabelShape::Generic(GenericRole::Interviewer)) => (true, self.interviewer.clone()),
            Some(LabelShape::Generic(GenericRole::Respondent)) => {
                if self.interviewee.is_none() {
                    self.warnings.insert(format!(
                        "answers are labelled \"{label}\" but nothing names the interviewee \
                         (front matter, a header, or `interviewee` in verbatim.toml): their \
                         speaker is unknown"
                    ));
                }
                (false, self.interviewee.clone())
            }
            _ => (false, Some(label.to_string())),
        };
        let speaker = name.as_deref().and_then(|name| self.speaker(name, label));
        let interviewer = interviewer
            || speaker.as_ref().is_some_and(|s| {
                s.role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case("interviewer"))
                    || matches!(self.interviewers.resolve(&s.name), Resolution::Matched(_))
            })
            || matches!(self.interviewers.resolve(label), Resolution::Matched(_))
            || self.guessed_interviewer.as_deref() == Some(label);
        Who {
            interviewer,
            speaker,
            hint: Some(label.to_string()),
        }
    }

    fn speaker(&mut self, name: &str, label: &str) -> Option<Speaker> {
        let Some(roster) = self.roster else {
            return Some(match self.front_people.resolve(name) {
                Resolution::Matched(person) => person.clone(),
                _ => Speaker::named(name.trim()),
            });
        };
        self.roster_queries.insert(name.to_string());
        match roster.resolve(name) {
            Resolution::Matched(person) => Some(person.clone()),
            Resolution::Ambiguous(people) => {
                let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
                self.warnings.insert(format!(
                    "speaker \"{label}\" could be any of {}; left unattributed",
                    names.join(", ")
                ));
                self.unknown.insert(label.to_string());
                None
            }
            Resolution::Unknown => {
                self.unknown.insert(label.to_string());
                None
            }
        }
    }
}

fn named_roster(names: &[String]) -> Roster {
    let mut unique: Vec<&String> = Vec::new();
    for name in names {
        if !unique.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            unique.push(name);
        }
    }
    let people = unique.into_iter().map(Speaker::named).collect();
    Roster::new(people, Path::new("front matter")).unwrap_or_default()
}

/// Builds the quotes of one transcript.
pub(crate) fn attribute(
    transcript: &Transcript,
    document_id: &str,
    source_name: &str,
    roster: Option<&Roster>,
    options: &IngestOptions,
) -> Attributed {
    let mut resolver = Resolver::new(transcript, roster, options);
    let front = &transcript.front_matter;
    let round = front
        .get("round")
        .map(str::to_string)
        .or_else(|| options.round.clone());
    let mut locator = Locator::new(&transcript.text);
    let mut quotes = Vec::new();
    let mut speakers = BTreeSet::new();
    let mut context: Option<String> = None;
    let mut number = 0usize;
    let organisations = organisations_in_notes(&transcript.turns);
    for turn in &transcript.turns {
        let who = resolver.who(turn.label.as_deref());
        let noted_organisation = turn
            .label
            .as_ref()
            .and_then(|label| organisations.get(&label.to_lowercase()));
        let turn_context = if who.interviewer {
            None
        } else {
            context.clone()
        };
        for paragraph in &turn.paragraphs {
            for range in split_paragraph(&transcript.text, paragraph.clone(), options.max_words) {
                number += 1;
                if who.interviewer && !options.keep_interviewer {
                    continue;
                }
                let (start, end, line) = locator.locate(range.start, range.end);
                let text = &transcript.text[range];
                let kind = (!who.interviewer && crate::smalltalk::is_smalltalk(text))
                    .then_some(QuoteKind::Smalltalk);
                let mut quote = Quote {
                    id: format!("{document_id}:{number}"),
                    source: source_name.to_string(),
                    start,
                    end,
                    line,
                    text: text.to_string(),
                    context: turn_context.clone(),
                    speaker: who.speaker.as_ref().map(|s| s.name.clone()),
                    speaker_hint: who.hint.clone(),
                    role: None,
                    organisation: None,
                    area: None,
                    sector: None,
                    round: round.clone(),
                    section: turn.section.clone(),
                    attributes: BTreeMap::new(),
                    kind,
                };
                fill_attributes(&mut quote, &who, transcript, turn.time.as_deref());
                if quote.organisation.is_none() {
                    quote.organisation = noted_organisation.cloned();
                }
                if !who.interviewer
                    && let Some(name) = quote.speaker.as_ref().or(quote.speaker_hint.as_ref())
                {
                    speakers.insert(name.clone());
                }
                quotes.push(quote);
            }
        }
        if who.interviewer {
            let words: Vec<&str> = turn
                .paragraphs
                .iter()
                .flat_map(|r| transcript.text[r.clone()].split_whitespace())
                .collect();
            context = (!words.is_empty()).then(|| words.join(" "));
        }
    }
    Attributed {
        quotes,
        speakers,
        unknown: resolver.unknown,
        warnings: resolver.warnings.into_iter().collect(),
        roster_queries: resolver.roster_queries,
    }
}

/// The organisation each label names in a parenthesis (`Joe Park (Northshire Council):`),
/// the first one written for it, so that the speaker's later turns as plain `Joe Park:`
/// carry it too. Pronouns (`she/her`) and a call's own notes (`Host`, `Guest`) are not
/// organisations. A roster's or the front matter's organisation wins over it.
fn organisations_in_notes(turns: &[crate::transcript::Turn]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for turn in turns {
        if let (Some(label), Some(note)) = (&turn.label, &turn.note)
            && names_an_organisation(note)
        {
            found
                .entry(label.to_lowercase())
                .or_insert_with(|| note.trim().to_string());
        }
    }
    found
}

fn names_an_organisation(note: &str) -> bool {
    let lower = note.trim().to_lowercase();
    let call_notes = [
        "host",
        "co-host",
        "cohost",
        "guest",
        "me",
        "you",
        "chair",
        "he",
        "him",
        "she",
        "her",
        "they",
        "them",
        "interviewer",
        "facilitator",
        "moderator",
        "organizer",
        "organiser",
    ];
    lower.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !lower.contains('/')
        && !call_notes.contains(&lower.as_str())
        && !lower
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

fn fill_attributes(quote: &mut Quote, who: &Who, transcript: &Transcript, time: Option<&str>) {
    if let Some(speaker) = &who.speaker {
        quote.role = speaker.role.clone();
        quote.organisation = speaker.organisation.clone();
        quote.area = speaker.area.clone();
        quote.sector = speaker.sector.clone();
        quote.attributes.extend(speaker.attributes.clone());
    }
    for (key, value) in &transcript.front_matter.entries {
        if value.is_empty() || INTERVIEW_KEYS.contains(&key.as_str()) {
            continue;
        }
        if FIELD_KEYS.contains(&key.as_str()) {
            if who.interviewer {
                continue;
            }
            let field = match key.as_str() {
                "role" => &mut quote.role,
                "organisation" => &mut quote.organisation,
                "area" => &mut quote.area,
                _ => &mut quote.sector,
            };
            field.get_or_insert_with(|| value.clone());
        } else {
            quote
                .attributes
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    if let Some(time) = time {
        quote
            .attributes
            .insert("time".to_string(), time.to_string());
    }
}
