//! Speaker markers at the start of a line: `Name:`, `**Name:**`, `[00:12:03] Name:`,
//! `Name (00:12:03):`, `Name (Org):` and `Name (she/her):` as video calls show display
//! names, `Q:`/`A:`, bracketed `[id1]` labels, and a name followed by a timestamp alone on
//! its line (`Rachel Moss  0:31`, as Otter.ai exports), whose words follow below.

use std::sync::LazyLock;

use regex::Regex;

/// A timestamp as transcribers write it: `12:03`, `00:12:03`, `00:12:03.250`.
const TIME: &str = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";

static COLON_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"^[ \t]{{0,3}}(?:\*\*|__)?(?:[\[(]?(?P<t1>{TIME})[\])]?[ \t]+)?(?:\*\*|__)?(?P<label>[^\s:*\[\]()<>][^:*\[\]()<>\n]{{0,59}}?)(?:[ \t]*\((?P<note>[^()\[\]<>:\n]{{1,40}})\))?[ \t]*(?:[\[(](?P<t2>{TIME})[\])])?[ \t]*(?:\*\*|__)?[ \t]*:(?:[ \t]*(?:\*\*|__))?"
    );
    Regex::new(&pattern).expect("marker pattern is valid")
});

/// `Name  0:31` alone on a line: the speaker and the time, the words on the lines below.
static TIMED_NAME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"^[ \t]{{0,3}}(?P<label>[^\s:*\[\]()<>][^:*\[\]()<>\n]{{0,59}}?)(?:[ \t]*\((?P<note>[^()\[\]<>:\n]{{1,40}})\))?[ \t]+(?P<time>{TIME})[ \t]*$"
    );
    Regex::new(&pattern).expect("timed name pattern is valid")
});

/// `00:00:07 Speaker 2` or `[00:00:09] Kwame Mensah` alone on a line (NVivo Transcription,
/// Trint): the time, then the speaker, the words below.
static TIME_THEN_NAME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"^[ \t]{{0,3}}(?:\[(?P<t1>{TIME})\]|\((?P<t2>{TIME})\)|(?P<t3>{TIME}))[ \t]+(?P<label>[^\s:*\[\]()<>][^:*\[\]()<>\n]{{0,59}}?)(?:[ \t]*\((?P<note>[^()\[\]<>:\n]{{1,40}})\))?[ \t]*$"
    );
    Regex::new(&pattern).expect("time-then-name pattern is valid")
});

/// `[Colin Reid] 14:02:15` alone on a line (Zoom's saved captions): the speaker in
/// brackets, the clock time, the words below.
static BRACKETED_NAME_TIME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern =
        format!(r"^[ \t]{{0,3}}\[(?P<label>[^\]\[:\n]{{1,60}})\][ \t]+(?P<time>{TIME})[ \t]*$");
    Regex::new(&pattern).expect("bracketed name pattern is valid")
});

/// A message in a Zoom chat saved as text: `10:02:13 From Ana Ruiz to Everyone:` with the
/// words on the lines below, or (older versions) `10:02:13\t From  Ana Ruiz : words`.
static CHAT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"^[ \t]{{0,3}}(?P<time>{TIME})[ \t]+From[ \t]+(?P<label>[^:\n]{{1,60}}?)(?:[ \t]+to[ \t]+[^:\n]{{1,80}}?)?[ \t]*:"
    );
    Regex::new(&pattern).expect("chat pattern is valid")
});

/// A timestamp that opens a turn's words or a paragraph: `00:06 `, `[00:00:49] `.
static LEADING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(r"^(?:\[{TIME}\]|\({TIME}\)|(?P<bare>{TIME}))[ \t]+");
    Regex::new(&pattern).expect("leading time pattern is valid")
});

static BRACKET_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[ \t]{0,3}\[(?P<label>[^\]\[:\s][^\]\[:\n]{0,39})\](?:[ \t]+|$)")
        .expect("bracket pattern is valid")
});

/// How a marker was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerStyle {
    /// `Name: words` and its decorated variants.
    Colon,
    /// `[Name] words`.
    Bracket,
    /// A speaker and a time alone on their line, the words below: `Name  0:31` (Otter.ai),
    /// `00:00:07 Speaker 2` (NVivo), `[00:00:09] Name` (Trint), `[Name] 14:02:15` (Zoom).
    TimedLine,
    /// `10:02:13 From Name to Everyone:`, a saved chat's message header.
    Chat,
}

/// A speaker marker found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    /// The speaker label as written (without timestamp or emphasis).
    pub label: &'a str,
    /// The timestamp written with the marker, if any.
    pub time: Option<&'a str>,
    /// A parenthesis after the name (`he/him`, `Northbridge`), if any.
    pub note: Option<&'a str>,
    /// Byte offset in the line where the spoken words begin.
    pub content_start: usize,
    /// How it was written.
    pub style: MarkerStyle,
    /// What the label looks like.
    pub shape: LabelShape,
}

/// Which side of the interview a generic label stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenericRole {
    /// `Q`, `Interviewer`, `Int`, `Moderator`, `Facilitator`, `I`.
    Interviewer,
    /// `A`, `Respondent`, `Interviewee`, `Participant`, `R`.
    Respondent,
}

/// What a candidate label looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelShape {
    /// A conventional role label.
    Generic(GenericRole),
    /// Looks like a person's name: two or more capitalised words.
    PersonName,
    /// A plausible label that needs support (repetition, the roster) to be believed:
    /// one capitalised word, `Speaker 1`, `admin-1`.
    Plain,
}

/// Recognises a speaker marker at the start of `line`, if the line has one whose label
/// could be a speaker. Whether it *is* one is decided with the whole document in view.
pub fn parse_marker(line: &str) -> Option<Marker<'_>> {
    if let Some(caps) = CHAT_LINE.captures(line) {
        let label = trim_symbols(caps.name("label")?.as_str());
        if let Some(shape) = label_shape(label) {
            let end = caps.get(0).map_or(0, |m| m.end());
            return Some(Marker {
                label,
                time: caps.name("time").map(|m| m.as_str()),
                note: None,
                content_start: skip_blanks(line, end),
                style: MarkerStyle::Chat,
                shape,
            });
        }
    }
    for pattern in [
        &*TIMED_NAME_LINE,
        &*TIME_THEN_NAME_LINE,
        &*BRACKETED_NAME_TIME_LINE,
    ] {
        let Some(caps) = pattern.captures(line) else {
            continue;
        };
        let label = trim_symbols(caps.name("label")?.as_str());
        if let Some(shape) = label_shape(label) {
            let time = ["time", "t1", "t2", "t3"]
                .iter()
                .find_map(|name| caps.name(name))
                .map(|m| m.as_str());
            return Some(Marker {
                label,
                time,
                note: caps.name("note").map(|m| m.as_str().trim()),
                content_start: line.len(),
                style: MarkerStyle::TimedLine,
                shape,
            });
        }
    }
    if let Some(caps) = COLON_MARKER.captures(line) {
        let label_match = caps.name("label")?;
        let label = trim_symbols(label_match.as_str());
        let end = caps.get(0).map_or(0, |m| m.end());
        // `Name 0:31` read as the label `Name 0` and a colon: a timestamp, not a marker.
        let splits_a_time = label.ends_with(|c: char| c.is_ascii_digit())
            && line[end..].starts_with(|c: char| c.is_ascii_digit());
        if !splits_a_time && let Some(shape) = label_shape(label) {
            let time = caps
                .name("t1")
                .or_else(|| caps.name("t2"))
                .map(|m| m.as_str());
            return Some(Marker {
                label,
                time,
                note: caps.name("note").map(|m| m.as_str().trim()),
                content_start: skip_blanks(line, end),
                style: MarkerStyle::Colon,
                shape,
            });
        }
    }
    let caps = BRACKET_MARKER.captures(line)?;
    let label = caps.name("label")?.as_str().trim();
    let shape = label_shape(label)?;
    let end = caps.get(0).map_or(0, |m| m.end());
    Some(Marker {
        label,
        time: None,
        note: None,
        content_start: skip_blanks(line, end),
        style: MarkerStyle::Bracket,
        shape,
    })
}

/// Bytes of a timestamp (and the blanks after it) that open `words`: a transcriber's time
/// mark, not speech. Right after a speaker marker any time counts; elsewhere a bare one
/// (`10:30`) only before a capital, so that "10:30 we met" stays words.
pub fn leading_time(words: &str, after_marker: bool) -> usize {
    let Some(caps) = LEADING_TIME.captures(words) else {
        return 0;
    };
    let end = caps.get(0).map_or(0, |m| m.end());
    let bare = caps.name("bare").is_some();
    let capital_next = words[end..].starts_with(|c: char| c.is_uppercase() || c == '"');
    if bare && !after_marker && !capital_next {
        0
    } else {
        end
    }
}

/// A label without surrounding space and the emoji people put in display names.
fn trim_symbols(label: &str) -> &str {
    label.trim_matches(|c: char| c.is_whitespace() || is_symbol(c))
}

/// Emoji and pictographs, with the joiners and selectors that compose them.
fn is_symbol(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF | 0xFE0E | 0xFE0F | 0x200D)
}

fn skip_blanks(line: &str, from: usize) -> usize {
    from + line[from..].len() - line[from..].trim_start_matches([' ', '\t']).len()
}

/// Classifies a label, or refuses it (`None`) when it cannot be a speaker: sentence
/// punctuation, lower-case words, more than six words.
pub fn label_shape(label: &str) -> Option<LabelShape> {
    let lower = label.to_lowercase();
    match lower.as_str() {
        "q" | "i" | "int" | "interviewer" | "moderator" | "facilitator" | "researcher" => {
            return Some(LabelShape::Generic(GenericRole::Interviewer));
        }
        "a" | "r" | "resp" | "respondent" | "interviewee" | "participant" => {
            return Some(LabelShape::Generic(GenericRole::Respondent));
        }
        _ => {}
    }
    if label.is_empty() || label.chars().count() > 60 || !label.chars().any(char::is_alphabetic) {
        return None;
    }
    if label
        .chars()
        .any(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '\u{2019}' | '.' | ',')))
    {
        return None;
    }
    if label.matches(',').count() > 1 || label.ends_with(',') {
        return None;
    }
    let words: Vec<&str> = label.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    let mut capitalised = 0;
    for word in &words {
        if word.contains('.')
            && (word.trim_end_matches('.').contains('.') || word.chars().count() > 4)
        {
            return None;
        }
        let first = word.chars().next()?;
        // `iPhone`, `McKenzie`: a capital inside the word counts as one at its start.
        if first.is_uppercase() || (first.is_lowercase() && word.chars().any(char::is_uppercase)) {
            capitalised += 1;
        } else if !(word.chars().any(|c| c.is_ascii_digit()) || is_name_particle(word)) {
            return None;
        }
    }
    Some(if capitalised >= 2 {
        LabelShape::PersonName
    } else {
        LabelShape::Plain
    })
}

fn is_name_particle(word: &str) -> bool {
    matches!(
        word,
        "de" | "da"
            | "del"
            | "della"
            | "der"
            | "den"
            | "van"
            | "von"
            | "le"
            | "la"
            | "di"
            | "du"
            | "bin"
            | "binti"
            | "bint"
            | "al"
            | "el"
            | "ap"
            | "ter"
            | "ten"
            | "dos"
            | "das"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(line: &str) -> Option<(&str, Option<&str>, &str)> {
        parse_marker(line).map(|m| (m.label, m.time, &line[m.content_start..]))
    }

    #[test]
    fn recognises_the_usual_transcript_conventions() {
        assert_eq!(
            marker("Jo Whitcombe: Thanks."),
            Some(("Jo Whitcombe", None, "Thanks."))
        );
        assert_eq!(
            marker("JO WHITCOMBE: Thanks."),
            Some(("JO WHITCOMBE", None, "Thanks."))
        );
        assert_eq!(
            marker("**Ravi Tandon:** Welcome"),
            Some(("Ravi Tandon", None, "Welcome"))
        );
        assert_eq!(
            marker("**Ravi Tandon**: Welcome"),
            Some(("Ravi Tandon", None, "Welcome"))
        );
        assert_eq!(
            marker("[00:12:03] Helen Achterberg: Yes."),
            Some(("Helen Achterberg", Some("00:12:03"), "Yes."))
        );
        assert_eq!(
            marker("Dr Samuel Adeyemi-Clarke (00:00:21):"),
            Some(("Dr Samuel Adeyemi-Clarke", Some("00:00:21"), ""))
        );
        assert_eq!(marker("Q: And then?"), Some(("Q", None, "And then?")));
        assert_eq!(
            marker("admin-1:     Sure."),
            Some(("admin-1", None, "Sure."))
        );
        assert_eq!(
            marker("Whitcombe, Jo: right"),
            Some(("Whitcombe, Jo", None, "right"))
        );
        assert_eq!(
            marker("[id1] hello, I like it"),
            Some(("id1", None, "hello, I like it"))
        );
        assert_eq!(
            marker("Tomasz Wiśniewski:\tTak"),
            Some(("Tomasz Wiśniewski", None, "Tak"))
        );
    }

    #[test]
    fn reads_display_names_and_timed_name_lines() {
        let noted = parse_marker("Tom Brennan (he/him): It has been hard.").expect("marker");
        assert_eq!(
            (
                noted.label,
                noted.note,
                &"Tom Brennan (he/him): It has been hard."[noted.content_start..]
            ),
            ("Tom Brennan", Some("he/him"), "It has been hard.")
        );
        assert_eq!(
            parse_marker("Ana (Northbridge): Can I come in?").map(|m| (m.label, m.note)),
            Some(("Ana", Some("Northbridge")))
        );
        assert_eq!(
            marker("Tom's iPhone: Sorry."),
            Some(("Tom's iPhone", None, "Sorry."))
        );
        assert_eq!(marker("Ana 🌻: Hello"), Some(("Ana", None, "Hello")));
        for (line, label, time) in [
            ("Rachel Moss  0:31", "Rachel Moss", "0:31"),
            ("Speaker 1  1:02:03", "Speaker 1", "1:02:03"),
        ] {
            let found = parse_marker(line).expect(line);
            assert_eq!(
                (found.label, found.time, found.style, found.content_start),
                (label, Some(time), MarkerStyle::TimedLine, line.len())
            );
        }
        for (line, label, time) in [
            ("00:00:07 Speaker 2", "Speaker 2", "00:00:07"),
            ("[00:00:09] Kwame Mensah", "Kwame Mensah", "00:00:09"),
            ("[Colin Reid] 14:02:15", "Colin Reid", "14:02:15"),
        ] {
            let found = parse_marker(line).expect(line);
            assert_eq!(
                (found.label, found.time, found.style, found.content_start),
                (label, Some(time), MarkerStyle::TimedLine, line.len())
            );
        }
        assert_eq!(marker("10:30 we met at the hub"), None);
        for (line, words) in [
            ("10:02:13 From Ana Ruiz to Everyone:", ""),
            (
                "10:05:55 From Lena Fischer to Ana Ruiz (Direct Message):",
                "",
            ),
            ("10:02:13\t From  Ana Ruiz : Thanks all", "Thanks all"),
        ] {
            let found = parse_marker(line).expect(line);
            assert_eq!(
                (found.style, found.time, &line[found.content_start..]),
                (MarkerStyle::Chat, Some(&line[..8]), words),
                "{line}"
            );
            assert!(found.label == "Ana Ruiz" || found.label == "Lena Fischer");
        }
        assert_eq!(
            marker("Rachel Moss  0:31 and more words"),
            None,
            "a time split at its colon is not a marker"
        );
    }

    #[test]
    fn refuses_prose_that_merely_contains_a_colon() {
        for line in [
            "Three things: the money, the people and the time.",
            "The answer was simple: we asked.",
            "Note that at 10:30 we met",
            "\"Quoted\": no",
            "http://example.org",
            "- a list item: with a colon",
            "[00:12:03] and then nothing",
        ] {
            assert_eq!(marker(line), None, "{line}");
        }
    }

    #[test]
    fn time_marks_before_words_are_not_speech() {
        assert_eq!(leading_time("00:06 That's right", true), 6);
        assert_eq!(leading_time("[00:00:49] We also rang", false), 11);
        assert_eq!(leading_time("(01:02) and then", false), 8);
        assert_eq!(leading_time("00:06 that's right", true), 6);
        assert_eq!(leading_time("10:30 we met", false), 0);
        assert_eq!(leading_time("10:30 We met", false), 6);
        assert_eq!(leading_time("We met at 10:30", true), 0);
    }

    #[test]
    fn shapes_labels() {
        assert_eq!(
            label_shape("Respondent"),
            Some(LabelShape::Generic(GenericRole::Respondent))
        );
        assert_eq!(
            label_shape("Margaret Okonkwo-Reid"),
            Some(LabelShape::PersonName)
        );
        assert_eq!(
            label_shape("Ursula von der Leyen"),
            Some(LabelShape::PersonName)
        );
        assert_eq!(label_shape("Honestly"), Some(LabelShape::Plain));
        assert_eq!(label_shape("Speaker 1"), Some(LabelShape::Plain));
        assert_eq!(label_shape("Dr. Jones"), Some(LabelShape::PersonName));
        assert_eq!(label_shape("the end"), None);
        assert_eq!(label_shape("e.g. this"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_content_start_is_a_boundary(line in "\\PC{0,120}") {
            if let Some(m) = parse_marker(&line) {
                proptest::prop_assert!(line.is_char_boundary(m.content_start));
                proptest::prop_assert!(m.content_start <= line.len());
            }
        }
    }
}
