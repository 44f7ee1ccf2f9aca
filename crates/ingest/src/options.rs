//! How sources are read: the options every reader and the attribution take.

use crate::format::Format;

/// Default longest quote, in words, before a paragraph is split at sentence ends.
pub const DEFAULT_MAX_WORDS: usize = 150;

/// Default shortest quotation taken from a report, in words: shorter ones are scare
/// quotes ("new normal").
pub const DEFAULT_MIN_QUOTE_WORDS: usize = 5;

/// How sources are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestOptions {
    /// Force a format instead of detecting it.
    pub format: Option<Format>,
    /// Longest quote in words; longer paragraphs are split at sentence ends (0: never).
    pub max_words: usize,
    /// Keep interviewer turns as quotes.
    pub keep_interviewer: bool,
    /// Names of interviewers, in addition to front matter and roster role `interviewer`.
    pub interviewers: Vec<String>,
    /// Round for sources whose front matter does not name one.
    pub round: Option<String>,
    /// Shortest quotation taken from a report, in words.
    pub min_quote_words: usize,
    /// Resolve a report's speakers against its own interviewee list, when it has one,
    /// rather than the roster passed in (set when that roster is only a project default).
    pub prefer_document_roster: bool,
    /// Facts about the source given by the project (`interviewee`, `interviewer`, `date`,
    /// attributes), read as if from its front matter; the source's own front matter or
    /// header wins where both say something.
    pub facts: Vec<(String, String)>,
    /// Keep small talk (greetings, thanks, call logistics) among the quotes, marked
    /// `kind: "smalltalk"`, to be coded and counted; by default it is set aside.
    pub keep_smalltalk: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            format: None,
            max_words: DEFAULT_MAX_WORDS,
            keep_interviewer: false,
            interviewers: Vec::new(),
            round: None,
            min_quote_words: DEFAULT_MIN_QUOTE_WORDS,
            prefer_document_roster: false,
            facts: Vec::new(),
            keep_smalltalk: false,
        }
    }
}
