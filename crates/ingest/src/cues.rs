//! Caption files from video calls: WebVTT (Teams, Zoom) and SubRip.
//!
//! Cue ids, timings, settings, styling tags and NOTE/STYLE/REGION blocks are dropped; the
//! speaker comes from a `<v Name>` voice tag or a `Name:` prefix, and a cue without one
//! continues the previous speaker. Consecutive cues of one speaker are merged into a
//! turn. The transcript text is a rendering, one paragraph per turn (`Name: words`), and
//! quote offsets point into that rendering.

use std::collections::{BTreeSet, HashMap};

use crate::error::SyntaxError;
use crate::front_matter::line_spans;
use crate::marker::{LabelShape, parse_marker};
use crate::transcript::{Transcript, Turn, trim_range};

/// Which caption dialect to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Captions {
    /// WebVTT: `WEBVTT` header, `hh:mm:ss.mmm` timings.
    WebVtt,
    /// SubRip: numbered cues, `hh:mm:ss,mmm` timings.
    SubRip,
}

struct Cue {
    start: String,
    pieces: Vec<(Option<String>, String)>,
    /// Labels written with a note in parentheses (`Ana (Northbridge):`), which prose never
    /// is: a video call's display names.
    noted: BTreeSet<String>,
}

/// A single-word `Name:` prefix seen once in the whole file is more likely prose
/// ("Honestly: ...") than a speaker; it goes back into the words.
fn demote_one_off_labels(cues: &mut [Cue]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (label, _) in cues.iter().flat_map(|c| &c.pieces) {
        if let Some(label) = label {
            *counts.entry(label.to_lowercase()).or_default() += 1;
        }
    }
    let noted: BTreeSet<String> = cues.iter().flat_map(|c| c.noted.iter().cloned()).collect();
    for (label, words) in cues.iter_mut().flat_map(|c| c.pieces.iter_mut()) {
        let one_off_plain = label.as_deref().is_some_and(|l| {
            counts.get(&l.to_lowercase()) == Some(&1)
                && !noted.contains(l)
                && crate::marker::label_shape(l) == Some(LabelShape::Plain)
        });
        if one_off_plain && let Some(name) = label.take() {
            *words = format!("{name}: {words}");
        }
    }
}

/// Parses caption text into a transcript; errors carry the line in `text`.
pub fn parse_captions(text: &str, dialect: Captions) -> Result<Transcript, SyntaxError> {
    let lines: Vec<&str> = line_spans(text).map(|(s, e)| &text[s..e]).collect();
    let mut index = 0;
    if dialect == Captions::WebVtt {
        let header = lines
            .first()
            .map_or("", |l| l.trim_start_matches('\u{feff}'));
        let rest = header.strip_prefix("WEBVTT");
        if !rest.is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t'])) {
            return Err(SyntaxError::new(1, "missing the WEBVTT header line"));
        }
        while index < lines.len() && !lines[index].trim().is_empty() {
            index += 1;
        }
    }
    let mut cues = Vec::new();
    while index < lines.len() {
        if lines[index].trim().is_empty() {
            index += 1;
            continue;
        }
        let block_start = index;
        while index < lines.len() && !lines[index].trim().is_empty() {
            index += 1;
        }
        let block = &lines[block_start..index];
        if dialect == Captions::WebVtt && is_vtt_metadata_block(block[0]) {
            continue;
        }
        cues.push(parse_cue(block, block_start + 1, dialect)?);
    }
    demote_one_off_labels(&mut cues);
    Ok(render(merge(cues)))
}

fn is_vtt_metadata_block(first_line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        first_line
            .strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

fn parse_cue(block: &[&str], first_line: usize, dialect: Captions) -> Result<Cue, SyntaxError> {
    let timing_at = if block[0].contains("-->") { 0 } else { 1 };
    let Some(timing) = block.get(timing_at) else {
        return Err(SyntaxError::new(
            first_line,
            "cue has an id but no timing line (`00:00:01.000 --> 00:00:04.000`)",
        ));
    };
    if dialect == Captions::SubRip
        && timing_at == 1
        && !block[0].trim().bytes().all(|b| b.is_ascii_digit())
    {
        return Err(SyntaxError::new(
            first_line,
            format!("expected a cue number, found `{}`", block[0].trim()),
        ));
    }
    let line = first_line + timing_at;
    let start = parse_timing(timing, dialect).map_err(|message| SyntaxError::new(line, message))?;
    let payload = block[timing_at + 1..].join("\n");
    let mut noted = BTreeSet::new();
    Ok(Cue {
        start,
        pieces: split_voices(&payload, &mut noted),
        noted,
    })
}

/// Checks a timing line and returns its start time.
fn parse_timing(line: &str, dialect: Captions) -> Result<String, String> {
    let Some((start, rest)) = line.split_once("-->") else {
        return Err(format!(
            "expected a cue timing line, found `{}`",
            line.trim()
        ));
    };
    let end = rest.split_whitespace().next().unwrap_or("");
    let start_ms = parse_timestamp(start.trim(), dialect)
        .ok_or_else(|| format!("malformed cue start time `{}`", start.trim()))?;
    let end_ms =
        parse_timestamp(end, dialect).ok_or_else(|| format!("malformed cue end time `{end}`"))?;
    if end_ms < start_ms {
        return Err(format!(
            "cue ends ({end}) before it starts ({})",
            start.trim()
        ));
    }
    Ok(start.trim().replace(',', "."))
}

/// `hh:mm:ss.mmm` or `mm:ss.mmm` (SubRip writes `,` for the decimal point) to milliseconds.
fn parse_timestamp(stamp: &str, dialect: Captions) -> Option<u64> {
    let separator = match dialect {
        Captions::WebVtt => '.',
        Captions::SubRip if stamp.contains(',') => ',',
        Captions::SubRip => '.',
    };
    let (clock, millis) = stamp.split_once(separator)?;
    if millis.len() != 3 || !millis.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m, s] => (*h, *m, *s),
        [m, s] if dialect == Captions::WebVtt => ("0", *m, *s),
        _ => return None,
    };
    let number = |s: &str, max: u64| -> Option<u64> {
        (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|v| *v < max)
    };
    if minutes.len() != 2 || seconds.len() != 2 {
        return None;
    }
    let total = number(hours, 1000)? * 3_600_000
        + number(minutes, 60)? * 60_000
        + number(seconds, 60)? * 1000
        + millis.parse::<u64>().ok()?;
    Some(total)
}

/// Splits a cue payload into `(speaker, words)` pieces by voice tags or `Name:` prefixes.
fn split_voices(payload: &str, noted: &mut BTreeSet<String>) -> Vec<(Option<String>, String)> {
    let mut pieces: Vec<(Option<String>, String)> = Vec::new();
    let mut voice: Option<String> = None;
    let mut words = String::new();
    let mut rest = payload;
    while let Some(open) = rest.find('<') {
        words.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            words.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if let Some(annotation) = tag
            .strip_prefix('v')
            .filter(|t| t.starts_with([' ', '.', '\t']))
        {
            let name = annotation
                .trim_start_matches(|c: char| c != ' ' && c != '\t')
                .trim();
            flush(&mut pieces, voice.take(), &mut words);
            voice = (!name.is_empty()).then(|| name.to_string());
        } else if tag == "/v" {
            flush(&mut pieces, voice.take(), &mut words);
        }
    }
    words.push_str(rest);
    flush(&mut pieces, voice, &mut words);
    pieces
        .into_iter()
        .flat_map(|(voice, words)| match voice {
            Some(name) => vec![(Some(name), words)],
            None => split_prefixes(&words, noted),
        })
        .collect()
}

fn flush(pieces: &mut Vec<(Option<String>, String)>, voice: Option<String>, words: &mut String) {
    let text = decode_entities(&collapse(words));
    words.clear();
    if !text.is_empty() {
        pieces.push((voice, text));
    }
}

/// `Name: words` prefixes on caption lines (Zoom, many SRT exports), possibly several in
/// one cue, each optionally after a dialogue dash or `>>`.
fn split_prefixes(text: &str, noted: &mut BTreeSet<String>) -> Vec<(Option<String>, String)> {
    let mut pieces: Vec<(Option<String>, String)> = Vec::new();
    for line in text.split('\n') {
        let line = line
            .trim()
            .trim_start_matches(">>")
            .trim_start_matches("- ")
            .trim();
        match parse_marker(line) {
            Some(marker) => {
                if marker.note.is_some() {
                    noted.insert(marker.label.to_string());
                }
                pieces.push((
                    Some(marker.label.to_string()),
                    line[marker.content_start..].trim().to_string(),
                ));
            }
            _ => match pieces.last_mut() {
                Some((_, words)) => {
                    words.push(' ');
                    words.push_str(line);
                }
                None => pieces.push((None, line.to_string())),
            },
        }
    }
    for (_, words) in &mut pieces {
        *words = words.trim().to_string();
    }
    pieces.retain(|(_, words)| !words.is_empty());
    pieces
}

fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity_end = rest.find(';').filter(|&i| i <= 10);
        let decoded = entity_end.and_then(|i| {
            let name = &rest[1..i];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "lrm" | "rlm" => None,
                _ => {
                    let code = name
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()));
                    return code.and_then(char::from_u32).map(|c| (i, Some(c)));
                }
            };
            (name == "lrm" || name == "rlm" || c.is_some()).then_some((i, c))
        });
        match decoded {
            Some((end, c)) => {
                out.extend(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

struct MergedTurn {
    label: Option<String>,
    time: String,
    words: String,
}

fn merge(cues: Vec<Cue>) -> Vec<MergedTurn> {
    let mut turns: Vec<MergedTurn> = Vec::new();
    let mut canonical: HashMap<String, String> = HashMap::new();
    for cue in cues {
        for (label, words) in cue.pieces {
            let words = words.replace('\n', " ");
            let label = label
                .map(|l| canonical.entry(l.to_lowercase()).or_insert(l).clone())
                .or_else(|| turns.last().and_then(|t| t.label.clone()));
            match turns.last_mut() {
                Some(turn) if turn.label == label => {
                    turn.words.push(' ');
                    turn.words.push_str(&words);
                }
                _ => turns.push(MergedTurn {
                    label,
                    time: cue.start.clone(),
                    words,
                }),
            }
        }
    }
    turns
}

fn render(turns: Vec<MergedTurn>) -> Transcript {
    let mut text = String::new();
    let mut rendered = Vec::with_capacity(turns.len());
    for turn in turns {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        if let Some(label) = &turn.label {
            text.push_str(label);
            text.push_str(": ");
        }
        let start = text.len();
        text.push_str(&turn.words);
        rendered.push(Turn {
            label: turn.label,
            time: Some(turn.time),
            note: None,
            section: None,
            paragraphs: vec![trim_range(&text, start..text.len())],
        });
    }
    if !text.is_empty() {
        text.push('\n');
    }
    Transcript {
        text,
        front_matter: Default::default(),
        turns: rendered,
        marker_bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(transcript: &Transcript) -> Vec<(Option<&str>, &str)> {
        transcript
            .turns
            .iter()
            .map(|t| {
                (
                    t.label.as_deref(),
                    &transcript.text[t.paragraphs[0].clone()],
                )
            })
            .collect()
    }

    #[test]
    fn teams_voice_tags_merge_consecutive_cues() {
        let vtt = "WEBVTT\n\nNOTE exported\nfrom Teams\n\nab12/3-0\n00:00:01.000 --> 00:00:03.500\n<v Whitcombe, Jo>Shall we start?</v>\n\nab12/4-0\n00:00:04.000 --> 00:00:06.000\n<v Declan Fitzpatrick>We <i>did</i> it &amp; fast,</v>\n\n00:06.100 --> 00:08.000 align:start\n<v Declan Fitzpatrick>really fast.</v>\n";
        let transcript = parse_captions(vtt, Captions::WebVtt).expect("valid");
        assert_eq!(
            turns(&transcript),
            [
                (Some("Whitcombe, Jo"), "Shall we start?"),
                (Some("Declan Fitzpatrick"), "We did it & fast, really fast.")
            ]
        );
        assert_eq!(transcript.turns[1].time.as_deref(), Some("00:00:04.000"));
        assert_eq!(
            transcript.text,
            "Whitcombe, Jo: Shall we start?\n\nDeclan Fitzpatrick: We did it & fast, really fast.\n"
        );
    }

    #[test]
    fn zoom_and_srt_prefixes_and_unlabelled_continuations() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nRavi Tandon: Hello\nthere.\n\n2\n00:00:02,500 --> 00:00:04,000\nPriya Raghunathan: Hi.\n\n3\r\n00:00:04,100 --> 00:00:05,000\r\nIt was hard.\r\n";
        let transcript = parse_captions(srt, Captions::SubRip).expect("valid");
        assert_eq!(
            turns(&transcript),
            [
                (Some("Ravi Tandon"), "Hello there."),
                (Some("Priya Raghunathan"), "Hi. It was hard.")
            ]
        );
    }

    #[test]
    fn broken_files_are_errors_with_lines() {
        let error = parse_captions("Hello\n\n00:01.000 --> 00:02.000\nhi\n", Captions::WebVtt)
            .expect_err("header");
        assert_eq!(error.line, 1);
        let error = parse_captions("WEBVTT\n\n00:01.000 --> 00:0x.000\nhi\n", Captions::WebVtt)
            .expect_err("timing");
        assert_eq!(
            (error.line, error.message.as_str()),
            (3, "malformed cue end time `00:0x.000`")
        );
        let error =
            parse_captions("WEBVTT\n\n1\nhello\n", Captions::WebVtt).expect_err("no timing");
        assert_eq!(error.line, 4);
        let error = parse_captions("1\n00:00:05,000 --> 00:00:01,000\nhi\n", Captions::SubRip)
            .expect_err("order");
        assert_eq!(error.line, 2);
    }

    #[test]
    fn decodes_entities_and_keeps_unknown_ampersands() {
        assert_eq!(
            decode_entities("a &amp; b &#233; &#x1F642; &lrm;c & d &bogus;"),
            "a & b é 🙂 c & d &bogus;"
        );
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_captions(body in "(\\PC|\n|<v |</v>|-->|00:00:01.000|&amp;|: ){0,80}") {
            for dialect in [Captions::WebVtt, Captions::SubRip] {
                let text = match dialect {
                    Captions::WebVtt => format!("WEBVTT\n\n{body}"),
                    Captions::SubRip => body.clone(),
                };
                if let Ok(transcript) = parse_captions(&text, dialect) {
                    for turn in &transcript.turns {
                        for range in &turn.paragraphs {
                            proptest::prop_assert!(transcript.text.get(range.clone()).is_some());
                        }
                    }
                }
            }
        }
    }
}
