//! Speaker turns in plain text and Markdown.
//!
//! A turn starts at a speaker marker and runs, across blank lines, to the next marker or
//! heading. Markers are believed when the label is a conventional role (`Q`, `Respondent`),
//! a known name, recurs in the document, or looks like a person's name at the start of a
//! paragraph; a one-off `However:` inside an answer stays part of the answer.

use std::collections::HashMap;
use std::ops::Range;

use crate::front_matter::{line_spans, split_front_matter};
use crate::header::find_header;
use crate::marker::{LabelShape, MarkerStyle, leading_time, parse_marker};
use crate::tool_lines::is_tool_line;
use crate::transcript::{Transcript, Turn, trim_range};

struct Line<'a> {
    start: usize,
    text: &'a str,
    blank: bool,
    heading: Option<&'a str>,
}

/// Parses `text` into turns. `is_known` tells whether a label names someone the caller
/// knows (a roster entry, a front-matter name). A header block above the first turn
/// (`Participant: Dana Whitfield`, `Date: 14 May 2021`) adds to the front matter and its
/// lines are not turns; see [`crate::header`].
pub fn parse_turns(text: String, is_known: &dyn Fn(&str) -> bool) -> Transcript {
    let (mut front_matter, body_start) = split_front_matter(&text);
    let header = find_header(&text, body_start).map(|h| h.fill(&mut front_matter));
    let lines: Vec<Line<'_>> = line_spans(&text)
        .filter(|(start, _)| *start >= body_start)
        .filter(|(start, _)| !header.as_ref().is_some_and(|span| span.contains(start)))
        .map(|(start, end)| {
            let line = &text[start..end];
            Line {
                start,
                text: line,
                blank: is_blank_or_rule(line) || is_tool_line(line),
                heading: markdown_heading(line),
            }
        })
        .collect();

    let markers: Vec<_> = lines.iter().map(|line| parse_marker(line.text)).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for marker in markers.iter().flatten() {
        *counts.entry(marker.label.to_lowercase()).or_default() += 1;
    }
    // `Name  0:31` lines are a transcription service's layout: where there are several,
    // each is a turn, even a speaker's only one.
    let timed_lines = markers
        .iter()
        .flatten()
        .filter(|m| m.style == MarkerStyle::TimedLine)
        .count();
    let chat_lines = markers
        .iter()
        .flatten()
        .filter(|m| m.style == MarkerStyle::Chat)
        .count();
    let mut known: HashMap<&str, bool> = HashMap::new();
    let mut accepted = vec![false; lines.len()];
    for index in 0..lines.len() {
        let Some(marker) = &markers[index] else {
            continue;
        };
        let starts_paragraph = index == 0 || {
            let previous = &lines[index - 1];
            previous.blank || previous.heading.is_some() || accepted[index - 1]
        };
        accepted[index] = match marker.shape {
            LabelShape::Generic(_) => true,
            _ if marker.style == MarkerStyle::TimedLine && timed_lines >= 2 => true,
            _ if marker.style == MarkerStyle::Chat && chat_lines >= 2 => true,
            // A display name with a note (`Ana (Northbridge):`) is a video call's label.
            _ if marker.note.is_some() && starts_paragraph => true,
            _ if *known
                .entry(marker.label)
                .or_insert_with(|| is_known(marker.label)) =>
            {
                true
            }
            _ if counts
                .get(&marker.label.to_lowercase())
                .copied()
                .unwrap_or(0)
                >= 2 =>
            {
                true
            }
            LabelShape::PersonName => starts_paragraph,
            LabelShape::Plain => false,
        };
    }
    let uses_colons = accepted
        .iter()
        .zip(&markers)
        .any(|(ok, m)| *ok && m.as_ref().is_some_and(|m| m.style != MarkerStyle::Bracket));
    if uses_colons {
        for (ok, marker) in accepted.iter_mut().zip(&markers) {
            if marker
                .as_ref()
                .is_some_and(|m| m.style == MarkerStyle::Bracket)
            {
                *ok = false;
            }
        }
    }

    let mut builder = TurnBuilder::default();
    let mut marker_bytes = 0;
    for (index, line) in lines.iter().enumerate() {
        if let Some(heading) = line.heading {
            builder.finish_turn(&text);
            builder.section = Some(heading.to_string());
            continue;
        }
        if accepted[index]
            && let Some(marker) = &markers[index]
        {
            builder.finish_turn(&text);
            builder.start_turn(marker.label, marker.time, marker.note);
            let words =
                marker.content_start + leading_time(&line.text[marker.content_start..], true);
            marker_bytes += words;
            builder.add_line(line.start + words, line.start + line.text.len());
            continue;
        }
        if line.blank {
            builder.end_paragraph(&text);
        } else {
            let indent = line.text.len() - line.text.trim_start().len();
            let words = indent + leading_time(&line.text[indent..], false);
            builder.add_line(line.start + words, line.start + line.text.len());
        }
    }
    builder.finish_turn(&text);
    Transcript {
        turns: builder.turns,
        front_matter,
        text,
        marker_bytes,
    }
}

#[derive(Default)]
struct TurnBuilder {
    turns: Vec<Turn>,
    current: Option<Turn>,
    paragraph: Option<Range<usize>>,
    section: Option<String>,
}

impl TurnBuilder {
    fn start_turn(&mut self, label: &str, time: Option<&str>, note: Option<&str>) {
        self.current = Some(Turn {
            label: Some(label.to_string()),
            time: time.map(str::to_string),
            note: note.map(str::to_string),
            section: self.section.clone(),
            paragraphs: Vec::new(),
        });
    }

    fn add_line(&mut self, start: usize, end: usize) {
        if self.current.is_none() || start >= end {
            return;
        }
        match &mut self.paragraph {
            Some(range) => range.end = end,
            None => self.paragraph = Some(start..end),
        }
    }

    fn end_paragraph(&mut self, text: &str) {
        if let (Some(range), Some(turn)) = (self.paragraph.take(), self.current.as_mut()) {
            let range = trim_range(text, range);
            if !range.is_empty() {
                turn.paragraphs.push(range);
            }
        }
    }

    fn finish_turn(&mut self, text: &str) {
        self.end_paragraph(text);
        if let Some(turn) = self.current.take() {
            self.turns.push(turn);
        }
    }
}

fn is_blank_or_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty()
        || (trimmed.len() >= 3
            && (trimmed.chars().all(|c| c == '-')
                || trimmed.chars().all(|c| c == '*')
                || trimmed.chars().all(|c| c == '_')))
}

fn markdown_heading(line: &str) -> Option<&str> {
    let hashes = line.len() - line.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) || !line[hashes..].starts_with([' ', '\t']) {
        return None;
    }
    let title = line[hashes..].trim().trim_end_matches('#').trim();
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(text: &str) -> Vec<(Option<String>, Vec<String>)> {
        let transcript = parse_turns(text.to_string(), &|label| label == "Jo");
        transcript
            .turns
            .iter()
            .map(|t| {
                let paragraphs = t
                    .paragraphs
                    .iter()
                    .map(|r| transcript.text[r.clone()].to_string());
                (t.label.clone(), paragraphs.collect())
            })
            .collect()
    }

    fn turn(label: &str, paragraphs: &[&str]) -> (Option<String>, Vec<String>) {
        (
            Some(label.to_string()),
            paragraphs.iter().map(|p| p.to_string()).collect(),
        )
    }

    #[test]
    fn turns_run_across_blank_lines_until_the_next_marker() {
        let text = "Preamble line.\n\nJo: First question?\n\nMargaret Reid: One.\nStill one.\n\n  Two.  \n\nJo: Next?\n";
        assert_eq!(
            turns(text),
            [
                turn("Jo", &["First question?"]),
                turn("Margaret Reid", &["One.\nStill one.", "Two."]),
                turn("Jo", &["Next?"]),
            ]
        );
    }

    #[test]
    fn one_off_colons_inside_answers_stay_in_the_answer() {
        let text = "Jo: Question?\nAnna Bell: Three things matter.\nHonestly: it was chaos.\nLeeds City Council: they helped.\nJo: Right.\n";
        assert_eq!(
            turns(text),
            [
                turn("Jo", &["Question?"]),
                turn(
                    "Anna Bell",
                    &[
                        "Three things matter.\nHonestly: it was chaos.\nLeeds City Council: they helped."
                    ]
                ),
                turn("Jo", &["Right."]),
            ]
        );
    }

    #[test]
    fn markers_on_their_own_line_and_headings() {
        let text = "---\ninterviewee: Sam\n---\n# Interview\n\nRavi Tandon (00:00:03):\nThanks for coming.\n\n## Part two\n\nSam Lee (00:01:00): Happy to.\n";
        let transcript = parse_turns(text.to_string(), &|_| false);
        assert_eq!(transcript.front_matter.get("interviewee"), Some("Sam"));
        let sections: Vec<_> = transcript
            .turns
            .iter()
            .map(|t| t.section.as_deref())
            .collect();
        assert_eq!(sections, [Some("Interview"), Some("Part two")]);
        assert_eq!(transcript.turns[0].time.as_deref(), Some("00:00:03"));
        assert_eq!(
            &transcript.text[transcript.turns[0].paragraphs[0].clone()],
            "Thanks for coming."
        );
    }

    #[test]
    fn bracket_labels_are_used_only_without_colon_markers() {
        let text = "[id1] hello there\n\n[id2] I struggle.\n\n[id1] me too\n\n[id2] ok\n";
        let labels: Vec<_> = turns(text)
            .into_iter()
            .map(|t| t.0.unwrap_or_default())
            .collect();
        assert_eq!(labels, ["id1", "id2", "id1", "id2"]);
        let mixed = "Jo: hi\n\n[laughs] yes\n\n[laughs] again\n";
        assert_eq!(
            turns(mixed),
            [turn("Jo", &["hi", "[laughs] yes", "[laughs] again"])]
        );
    }

    #[test]
    fn time_marks_and_tool_lines_are_not_words() {
        let text = "Jo: 00:00 How was it?\nSam Lee: 00:04 Hard.\n00:05:00\n[00:00:49] We coped.\nMeeting ended after 00:09:12\n";
        assert_eq!(
            turns(text),
            [
                turn("Jo", &["How was it?"]),
                turn("Sam Lee", &["Hard.", "We coped."]),
            ]
        );
        let nvivo = "00:00:01 Speaker 1\nReady?\n\n00:00:07 Speaker 2\nYes.\n";
        assert_eq!(
            turns(nvivo),
            [turn("Speaker 1", &["Ready?"]), turn("Speaker 2", &["Yes."])]
        );
    }

    proptest::proptest! {
        #[test]
        fn paragraphs_are_in_bounds_ordered_and_trimmed(text in "(\\PC|\n|\r\n|Jo: |Q: |A: |\\*\\*Ann Lee:\\*\\* |---\n|# ){0,60}") {
            let transcript = parse_turns(text.clone(), &|_| false);
            let mut last = 0;
            for turn in &transcript.turns {
                for range in &turn.paragraphs {
                    proptest::prop_assert!(range.start >= last && range.end <= text.len());
                    let slice = &text[range.clone()];
                    proptest::prop_assert!(!slice.is_empty());
                    proptest::prop_assert_eq!(slice, slice.trim());
                    last = range.end;
                }
            }
        }
    }
}
