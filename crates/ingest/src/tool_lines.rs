//! Lines that transcription and meeting tools write among the turns but nobody said: a
//! time mark alone on its line (Google Meet every five minutes), `Meeting ended after
//! 00:09:12`, `Priya Shah stopped transcription` (Teams), `Transcribed by
//! https://otter.ai`. They end a paragraph and are never part of a quote.

use std::sync::LazyLock;

use regex::Regex;

static TOOL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    let time = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?";
    let pattern = format!(
        r#"(?xi)^[\x20\t]*(?:
            [\[(]?{time}[\])]?
          | meeting\ ended\ after\ {time}\b.*
          | [^\s:][^:\n]{{0,80}}?\ (?:started|stopped)\ transcription\.?
          | transcribed\ by\ (?:https?://)?[^\s]+
          | (?:reacted\ to|replying\ to)\ [\x22“].*[\x22”](?:\ with\ \S+)?
        )[\x20\t]*$"#
    );
    Regex::new(&pattern).expect("tool line pattern is valid")
});

/// Whether `line` is a tool's mark rather than speech.
pub fn is_tool_line(line: &str) -> bool {
    TOOL_LINE.is_match(line.trim_end_matches(['\r', '\n']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_of_meeting_and_transcription_tools() {
        for line in [
            "00:05:00",
            "[00:10:00]",
            "  01:02  ",
            "Meeting ended after 00:09:12 👋",
            "Priya Shah stopped transcription",
            "Priya Shah started transcription",
            "Transcribed by https://otter.ai",
            "Transcribed by Otter.ai\r",
            "\tReacted to \"We moved the whole...\" with 👍",
            "\tReplying to \"What helped you most?\"",
        ] {
            assert!(is_tool_line(line), "{line}");
        }
    }

    #[test]
    fn speech_is_never_a_tool_line() {
        for line in [
            "We stopped transcription of the minutes in April.",
            "Jo: the meeting ended after 10:30, I think",
            "Transcribed by hand, all of it, by our volunteers.",
            "00:05 We started again.",
            "Rachel Moss  0:31",
        ] {
            assert!(!is_tool_line(line), "{line}");
        }
    }
}
