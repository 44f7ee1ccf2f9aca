use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One speaker's words, located exactly in the source they came from.
///
/// `start`/`end` are Unicode scalar (char) offsets into the decoded source text, end
/// exclusive: `source_text.chars().skip(start).take(end - start)` is `text`. That is the
/// unit REFI-QDA selections use, so offsets can be exchanged with other tools unchanged.
/// Fields Verbatim cannot establish are `null`, never guessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Stable id: `<document id>:<segment number>`.
    pub id: String,
    /// The source file, as given or relative to the project folder.
    pub source: String,
    /// First char of the quote in the decoded source text.
    pub start: usize,
    /// One past the last char of the quote.
    pub end: usize,
    /// 1-based line of `start` in the decoded source text.
    pub line: usize,
    /// The words, exactly as they stand in the source.
    pub text: String,
    /// What led to the quote: the interviewer's last question, or a report's lead-in.
    pub context: Option<String>,
    /// Canonical roster name, or `null` when unknown or anonymous.
    pub speaker: Option<String>,
    /// The words the source used to name the speaker.
    pub speaker_hint: Option<String>,
    /// Job title.
    pub role: Option<String>,
    /// The speaker's organisation.
    pub organisation: Option<String>,
    /// The place the speaker's organisation serves.
    pub area: Option<String>,
    /// council, police, health, voluntary, university, arts, research...
    pub sector: Option<String>,
    /// Interview round, from front matter or project configuration.
    pub round: Option<String>,
    /// The heading the quote sits under; metadata only, never coding evidence.
    pub section: Option<String>,
    /// Free roster columns, front-matter keys and per-quote facts such as `time`.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// What kind of turn this is when it is not an ordinary answer (absent: an answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<QuoteKind>,
}

/// Turns that are quotes of a kind other than an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Greetings, thanks and call logistics: kept only when asked for, never coded
    /// unless kept.
    Smalltalk,
}

impl Quote {
    /// Who said it, as lists show it: speaker (or the name the source used), role and
    /// area, those known, joined by commas.
    pub fn attribution(&self) -> String {
        [
            self.speaker.as_deref().or(self.speaker_hint.as_deref()),
            self.role.as_deref(),
            self.area.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// A quote known only by its id, source and words: offsets `0..` its length, line 1,
    /// every other field null (for codings that name quotes, tests and tools).
    pub fn new(id: impl Into<String>, source: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        Quote {
            id: id.into(),
            source: source.into(),
            start: 0,
            end: text.chars().count(),
            line: 1,
            text,
            context: None,
            speaker: None,
            speaker_hint: None,
            role: None,
            organisation: None,
            area: None,
            sector: None,
            round: None,
            section: None,
            attributes: BTreeMap::new(),
            kind: None,
        }
    }

    /// The number of words in the quote, counted as whitespace-separated tokens.
    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_every_contract_field_in_order_with_nulls() {
        let quote = Quote {
            id: "wigan-ceo:12".into(),
            source: "corpus/wigan-ceo.txt".into(),
            start: 10,
            end: 24,
            line: 3,
            text: "We just did it".into(),
            context: None,
            speaker: Some("Alison Park".into()),
            speaker_hint: Some("Alison".into()),
            role: Some("chief executive".into()),
            organisation: Some("Wigan council".into()),
            area: Some("Wigan".into()),
            sector: Some("council".into()),
            round: None,
            section: None,
            attributes: BTreeMap::from([("time".to_string(), "00:01:02".to_string())]),
            kind: None,
        };
        let json = serde_json::to_string(&quote).expect("serialise");
        assert_eq!(
            json,
            r#"{"id":"wigan-ceo:12","source":"corpus/wigan-ceo.txt","start":10,"end":24,"line":3,"text":"We just did it","context":null,"speaker":"Alison Park","speaker_hint":"Alison","role":"chief executive","organisation":"Wigan council","area":"Wigan","sector":"council","round":null,"section":null,"attributes":{"time":"00:01:02"}}"#
        );
        let back: Quote = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, quote);
        assert_eq!(back.word_count(), 4);
        let smalltalk = Quote {
            kind: Some(QuoteKind::Smalltalk),
            ..quote
        };
        let json = serde_json::to_string(&smalltalk).expect("serialise");
        assert!(json.ends_with(r#""attributes":{"time":"00:01:02"},"kind":"smalltalk"}"#));
        assert_eq!(
            serde_json::from_str::<Quote>(&json).expect("parse"),
            smalltalk
        );
    }
}
