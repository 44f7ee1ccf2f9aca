//! The header block a Word or plain-text transcript opens with, before its first turn:
//!
//! ```text
//! Participant: Dana Whitfield, Head of Community Services
//! Date: 14 May 2021
//! Location: Video call
//! ```
//!
//! These lines say who was interviewed, when and where; they are not anybody's words.
//! Read as turns, `Participant:` would make the name a quote and leave every
//! `Respondent:` answer without a speaker, so the block is read as front matter instead:
//! its facts fill [`FrontMatter`] keys a real `---` block does not already set, and its
//! lines are left out of the turns. The text itself is never changed, so quote offsets
//! still index the source exactly.
//!
//! `Participant:` and `Interviewer:` are also turn labels, so the block is believed only
//! where it cannot be speech: a person key must be followed by something shaped like a
//! name (capitalised words, no sentence punctuation, no `Yes` or `Hello`), and a block
//! needs either a key that is never a speaker (`Date`, `Location`, `Round`) or two lines
//! naming people by their full names.

use std::ops::Range;

use crate::front_matter::{FrontMatter, line_spans};
use crate::marker::{LabelShape, label_shape, parse_marker};

/// Lines of prose (a title, a rule) allowed above the block: `Interview transcript`.
const MAX_TITLE_LINES: usize = 3;
/// Most words in a header value; answers run longer.
const MAX_VALUE_WORDS: usize = 12;
/// Most words in a person's line (name, role and organisation); `Participant:` followed
/// by more is someone talking.
const MAX_PERSON_WORDS: usize = 10;
/// Most characters in a header value.
const MAX_VALUE_CHARS: usize = 120;

/// Words that open speech, never a name: `Respondent: Yes, that's right` is an answer,
/// `Interviewer: Welcome Dana` a greeting.
const SPEECH_WORDS: [&str; 32] = [
    "yes",
    "yeah",
    "yep",
    "no",
    "nope",
    "ok",
    "okay",
    "right",
    "sure",
    "hello",
    "hi",
    "hiya",
    "hey",
    "morning",
    "afternoon",
    "evening",
    "welcome",
    "thanks",
    "thank",
    "cheers",
    "great",
    "good",
    "lovely",
    "brilliant",
    "well",
    "so",
    "fine",
    "absolutely",
    "sorry",
    "oh",
    "honestly",
    "i",
];

/// What a header key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// The person interviewed: `Participant`, `Interviewee`, `Respondent`, `Name`.
    Interviewee,
    /// The person asking: `Interviewer`, `Researcher`, `Facilitator`.
    Interviewer,
    /// A front-matter key with its own meaning (`role`, `organisation`, `round` ...).
    Field(&'static str),
    /// A free fact kept as a quote attribute under its lower-cased key.
    Attribute,
}

impl Key {
    /// Classifies a normalised (lower-case, single-spaced) key; `None` for keys a header
    /// is not known to use, so `Jo: Hi` at the top is never taken for one.
    fn of(key: &str) -> Option<Key> {
        Some(match key {
            "participant" | "interviewee" | "respondent" | "name" | "participant name"
            | "interviewee name" | "respondent name" => Key::Interviewee,
            "interviewer" | "interviewer name" | "interviewed by" | "researcher"
            | "facilitator" | "moderator" => Key::Interviewer,
            "role" | "job title" | "job role" | "position" => Key::Field("role"),
            "organisation" | "organization" | "organisation name" | "organization name" | "org"
            | "employer" => Key::Field("organisation"),
            "area" | "region" | "local authority" => Key::Field("area"),
            "sector" => Key::Field("sector"),
            "round" | "wave" | "interview round" => Key::Field("round"),
            "date" | "interview date" | "date of interview" | "time" | "start time"
            | "location" | "venue" | "place" | "setting" | "mode" | "duration" | "length"
            | "project" | "study" | "transcriber" | "transcribed by" | "interview"
            | "interview id" | "interview number" | "interview no" | "reference" | "ref"
            | "recording" | "audio file" | "language" | "consent" => Key::Attribute,
            _ => return None,
        })
    }
}

/// One `Key: value` line of a header block.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HeaderLine {
    key: String,
    kind: Key,
    value: String,
    /// For a person key: the name (before the first comma) and the role text after it.
    person: Option<(String, Option<String>)>,
    /// The person is named in full (two capitalised words or more), which a speaker's
    /// first words rarely are.
    full_name: bool,
}

/// A header block found at the top of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The facts as front-matter entries (lower-case keys), in file order.
    pub entries: Vec<(String, String)>,
    /// The role written after the interviewee's name, used only when nothing else gives
    /// one: `Participant: Dana Whitfield, Head of Community Services`.
    pub interviewee_role: Option<(String, String)>,
    /// Bytes of the text from the block's first line to the end of its last.
    pub span: Range<usize>,
}

impl Header {
    /// Adds the header's facts to `front` where it does not already set the key (a
    /// `---` block is written on purpose; a header is a template's), and returns the
    /// span of text whose lines are not turns.
    pub(crate) fn fill(self, front: &mut FrontMatter) -> Range<usize> {
        let has = |front: &FrontMatter, key: &str| front.entries.iter().any(|(k, _)| k == key);
        for (key, value) in self.entries {
            if !has(front, &key) {
                front.entries.push((key, value));
            }
        }
        // The role after a name is that person's: it is not given to somebody else a
        // front matter names as the interviewee.
        if let Some((name, role)) = self.interviewee_role
            && !has(front, "role")
            && front
                .get("interviewee")
                .is_some_and(|n| n.eq_ignore_ascii_case(&name))
        {
            front.entries.push(("role".to_string(), role));
        }
        self.span
    }
}

/// Finds the header block that opens the transcript body starting at byte `from`, if
/// there is one: `Key: short value` lines (blank lines between them allowed, as Word
/// paragraphs are), perhaps under a title, ending at the first other line.
pub(crate) fn find_header(text: &str, from: usize) -> Option<Header> {
    let mut lines: Vec<HeaderLine> = Vec::new();
    let mut span: Option<Range<usize>> = None;
    let mut titles = 0;
    for (start, end) in line_spans(text).filter(|(start, _)| *start >= from) {
        let line = &text[start..end];
        if line.trim().is_empty() {
            continue;
        }
        match header_line(line) {
            // A key said twice is a conversation (`Interviewer:` again), not a header.
            Some(found) if !lines.iter().any(|l| l.key == found.key) => {
                lines.push(found);
                span = Some(span.map_or(start..end, |s| s.start..end));
            }
            Some(_) => break,
            None if lines.is_empty()
                && titles < MAX_TITLE_LINES
                && parse_marker(line).is_none() =>
            {
                titles += 1;
            }
            None => break,
        }
    }
    let unambiguous = lines
        .iter()
        .any(|l| !matches!(l.kind, Key::Interviewee | Key::Interviewer));
    let full_names = lines.iter().filter(|l| l.full_name).count();
    if !(unambiguous || full_names >= 2) {
        return None;
    }
    let mut entries = Vec::new();
    let mut interviewee_role = None;
    for line in lines {
        match (line.kind, line.person) {
            (Key::Interviewee, Some((name, role))) => {
                if let Some(role) = role {
                    interviewee_role.get_or_insert((name.clone(), role));
                }
                entries.push(("interviewee".to_string(), name));
            }
            // The interviewer's role is not the quotes' (only the interviewee is quoted).
            (Key::Interviewer, Some((name, _))) => entries.push(("interviewer".to_string(), name)),
            (Key::Field(key), _) => entries.push((key.to_string(), line.value)),
            _ => entries.push((line.key, line.value)),
        }
    }
    // An explicit `Role:` line outranks the text after the name.
    if entries.iter().any(|(k, _)| k == "role") {
        interviewee_role = None;
    }
    Some(Header {
        entries,
        interviewee_role,
        span: span?,
    })
}

/// Reads one `Key: value` line, if its key is a header key and its value is a header's
/// (short, and for a person key, a name) rather than speech.
fn header_line(line: &str) -> Option<HeaderLine> {
    let line = line.trim();
    let line = line
        .strip_prefix("**")
        .or_else(|| line.strip_prefix("__"))
        .unwrap_or(line);
    let (key, value) = line.split_once(':')?;
    let key = key.trim().trim_end_matches(['*', '_']).trim();
    let key = key
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let kind = Key::of(&key)?;
    let value = value
        .trim()
        .trim_start_matches(['*', '_'])
        .trim_end_matches(['*', '_'])
        .trim();
    if value.chars().count() > MAX_VALUE_CHARS
        || value.split_whitespace().count() > MAX_VALUE_WORDS
        || value.contains(['?', '!'])
    {
        return None;
    }
    let (person, full_name) = match kind {
        Key::Interviewee | Key::Interviewer => {
            let (name, role, full) = person_value(value)?;
            (Some((name, role)), full)
        }
        Key::Field(_) | Key::Attribute => (None, false),
    };
    Some(HeaderLine {
        key,
        kind,
        value: value.to_string(),
        person,
        full_name,
    })
}

/// Splits `Dana Whitfield, Head of Community Services` into the name and the role, if
/// the value reads as a person rather than the first words of an answer; the flag says
/// whether the name is a full one.
fn person_value(value: &str) -> Option<(String, Option<String>, bool)> {
    if value.split_whitespace().count() > MAX_PERSON_WORDS || ends_a_sentence(value) {
        return None;
    }
    let (name, rest) = match value.split_once(',') {
        Some((name, rest)) => (name.trim(), Some(rest.trim())),
        None => (value, None),
    };
    // `Owen Pritchard (Northshire Council)`: the note is the role when no comma gives one.
    let (name, note) = match name.strip_suffix(')').and_then(|n| n.rsplit_once('(')) {
        Some((name, note)) => (name.trim(), Some(note.trim())),
        None => (name, None),
    };
    if !name.starts_with(char::is_uppercase)
        || name.chars().any(|c| c.is_ascii_digit())
        || name
            .split_whitespace()
            .any(|w| SPEECH_WORDS.contains(&w.to_lowercase().as_str()))
    {
        return None;
    }
    let full = match label_shape(name)? {
        LabelShape::PersonName => true,
        LabelShape::Plain => false,
        LabelShape::Generic(_) => return None,
    };
    // `Dana, Head of Services` is rare in a header, `Honestly, it was hard` common in
    // answers: after a single word, a comma is speech.
    if !full && rest.is_some() {
        return None;
    }
    let role = rest
        .filter(|r| !r.is_empty())
        .or(note.filter(|n| !n.is_empty()))
        .map(str::to_string);
    Some((name.to_string(), role, full))
}

/// Whether the value ends like a sentence: a full stop after a word (`Dana W.` and
/// `Dr.` are initials and titles, not ends).
fn ends_a_sentence(value: &str) -> bool {
    value.strip_suffix('.').is_some_and(|rest| {
        rest.rsplit(char::is_whitespace)
            .next()
            .is_some_and(|word| word.trim_end_matches('.').chars().count() > 2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "Participant: Dana Whitfield, Head of Community Services\nDate: 14 May 2021\nLocation: Video call\nDuration: 52 minutes\n\nInterviewer: Thank you for joining. How did the first weeks go?\n\nRespondent: We opened the hub in four days.\n";

    fn entry<'a>(header: &'a Header, key: &str) -> Option<&'a str> {
        header
            .entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn reads_the_block_above_the_first_turn() {
        let header = find_header(EXAMPLE, 0).expect("a header");
        assert_eq!(entry(&header, "interviewee"), Some("Dana Whitfield"));
        assert_eq!(entry(&header, "date"), Some("14 May 2021"));
        assert_eq!(entry(&header, "location"), Some("Video call"));
        assert_eq!(entry(&header, "duration"), Some("52 minutes"));
        assert_eq!(
            header.interviewee_role,
            Some((
                "Dana Whitfield".to_string(),
                "Head of Community Services".to_string()
            ))
        );
        assert_eq!(
            &EXAMPLE[header.span.clone()],
            &EXAMPLE[..EXAMPLE.find("\n\n").unwrap_or(0)]
        );
    }

    #[test]
    fn fills_only_what_front_matter_leaves_open() {
        let mut front = FrontMatter {
            entries: vec![("date".to_string(), "15 May 2021".to_string())],
            problem: None,
        };
        let span = find_header(EXAMPLE, 0).expect("a header").fill(&mut front);
        assert_eq!(span.start, 0);
        assert_eq!(front.get("date"), Some("15 May 2021"));
        assert_eq!(front.get("interviewee"), Some("Dana Whitfield"));
        assert_eq!(front.get("role"), Some("Head of Community Services"));

        let mut named = FrontMatter {
            entries: vec![("interviewee".to_string(), "Sam Lee".to_string())],
            problem: None,
        };
        find_header(EXAMPLE, 0).expect("a header").fill(&mut named);
        assert_eq!(named.get("interviewee"), Some("Sam Lee"));
        assert_eq!(named.get("role"), None, "Dana's role is not Sam's");
    }

    #[test]
    fn maps_keys_to_fields_and_people() {
        let text = "Interview transcript\n\n**Interviewee:** Dana Whitfield, Head of Service\n\nInterviewer: Owen Pritchard\n\nOrganization: Northshire County Council\n\nRole: Director of Communities\n\nRound: 2\n\nSector: council\n\nQ: Hello?\n";
        let header = find_header(text, 0).expect("a header");
        assert_eq!(
            header.entries,
            [
                ("interviewee", "Dana Whitfield"),
                ("interviewer", "Owen Pritchard"),
                ("organisation", "Northshire County Council"),
                ("role", "Director of Communities"),
                ("round", "2"),
                ("sector", "council"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(header.interviewee_role, None, "the Role: line wins");
        assert!(text[header.span.clone()].starts_with("**Interviewee:**"));
        assert!(text[header.span.clone()].ends_with("council"));
    }

    #[test]
    fn two_full_names_or_one_unambiguous_key_make_a_header() {
        let people = "Participant: Dana Whitfield\nInterviewer: Owen Pritchard (Northshire)\n\nInterviewer: Hello.\n";
        let header = find_header(people, 0).expect("a header");
        assert_eq!(entry(&header, "interviewer"), Some("Owen Pritchard"));
        assert!(find_header("Date: 3 June 2021\n\nQ: Hello?\n", 0).is_some());
        assert_eq!(
            find_header("Participant: Dana Whitfield\n\nQ: Hi?\n", 0),
            None
        );
        assert_eq!(
            find_header("Interviewer: Owen\nRespondent: Dana\n", 0),
            None
        );
    }

    #[test]
    fn speech_is_never_a_header() {
        for text in [
            "Participant: I think the hardest part was the money, honestly.\nDate: 3 June\n",
            "Interviewer: Hello\nRespondent: Hi there\nInterviewer: Good Morning\n",
            "Interviewer: Good Morning\nRespondent: Yes, Good Morning\n",
            "Respondent: We Opened The Hub.\nDate: 3 June\n",
            "Respondent: Dana Whitfield, who runs the place, said it was the hardest year of her working life\nDate: 3 June\n",
            "Jo: Hi\nSam: Hello\n",
            "Participant: what a year\nLocation: hub\n",
            "Participant: Was It Hard?\nLocation: hub\n",
            "Interviewer: Owen Pritchard\nInterviewer: Owen Pritchard\n",
        ] {
            assert_eq!(find_header(text, 0), None, "{text}");
        }
    }

    #[test]
    fn the_first_words_below_a_header_stay_turns() {
        for text in [
            "Date: 3 June\n\nInterviewer: Welcome Dana\n\nRespondent: Thanks.\n",
            "Date: 3 June\n\nRespondent: Honestly, It Was Hard\n",
        ] {
            let header = find_header(text, 0).expect("a header");
            assert_eq!(header.entries, [("date".to_string(), "3 June".to_string())]);
            assert_eq!(header.span, 0.."Date: 3 June".len());
        }
    }

    #[test]
    fn a_header_must_come_before_the_first_turn() {
        let text = "Q: When did you open?\n\nA: In May.\n\nDate: 14 May 2021\nLocation: Hub\n";
        assert_eq!(find_header(text, 0), None);
        let body = "---\ninterviewee: Sam Lee\n---\n";
        let text = format!("{body}Date: 14 May 2021\n\nQ: Hello?\n");
        let header = find_header(&text, body.len()).expect("a header");
        assert_eq!(
            header.span,
            body.len()..body.len() + "Date: 14 May 2021".len()
        );
    }

    #[test]
    fn initials_are_not_sentence_ends() {
        assert!(!ends_a_sentence("Dana W."));
        assert!(!ends_a_sentence("Prof. J. Smith"));
        assert!(ends_a_sentence("We opened."));
        assert_eq!(
            person_value("Dr. Dana Whitfield"),
            Some(("Dr. Dana Whitfield".to_string(), None, true))
        );
    }

    #[test]
    fn header_lines_are_neither_turns_nor_unattributed_answers() {
        let transcript = crate::turns::parse_turns(EXAMPLE.to_string(), &|_| false);
        let labels: Vec<_> = transcript
            .turns
            .iter()
            .map(|t| t.label.as_deref())
            .collect();
        assert_eq!(labels, [Some("Interviewer"), Some("Respondent")]);
        assert_eq!(
            transcript.front_matter.get("interviewee"),
            Some("Dana Whitfield")
        );
        let source = crate::Source {
            name: "dana.txt",
            id: "dana",
            extension: Some("txt"),
            bytes: EXAMPLE.as_bytes(),
        };
        let ingested =
            crate::ingest(&source, None, &crate::IngestOptions::default()).expect("ingested");
        let quote = &ingested.quotes[0];
        assert_eq!(ingested.quotes.len(), 1);
        assert_eq!(quote.speaker.as_deref(), Some("Dana Whitfield"));
        assert_eq!(quote.role.as_deref(), Some("Head of Community Services"));
        assert_eq!(
            quote.attributes.get("date").map(String::as_str),
            Some("14 May 2021")
        );
        assert_eq!(
            &EXAMPLE[EXAMPLE.len() - quote.text.len() - 1..],
            format!("{}\n", quote.text)
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_the_span_is_in_bounds(text in "(Date: |Participant: |Q: |Dana Whitfield|, |\\*\\*|\n|\r\n|\\PC){0,40}") {
            if let Some(header) = find_header(&text, 0) {
                proptest::prop_assert!(header.span.start < header.span.end);
                proptest::prop_assert!(text.get(header.span.clone()).is_some());
            }
        }
    }
}
