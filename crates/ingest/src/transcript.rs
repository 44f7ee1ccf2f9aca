//! The shape every reader produces: a text and the speaker turns within it.

use std::ops::Range;

use crate::front_matter::FrontMatter;

/// A source reduced to text plus speaker turns. Quote offsets index `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// The decoded source text (for captions and Word files, the rendering of their
    /// content that quote offsets point into).
    pub text: String,
    /// File-level facts from a front-matter block.
    pub front_matter: FrontMatter,
    /// Speaker turns in order.
    pub turns: Vec<Turn>,
    /// Bytes of the speaker markers that open the turns (`10:02:13 From Ana Ruiz to
    /// Everyone:`), which belong to the turns though not to their words.
    pub marker_bytes: usize,
}

/// One uninterrupted stretch of one speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The speaker label as written, or `None` for words nobody is named for.
    pub label: Option<String>,
    /// The timestamp given with the turn.
    pub time: Option<String>,
    /// A parenthesis after the speaker's name (`Northbridge Council`, `she/her`).
    pub note: Option<String>,
    /// The nearest heading above the turn.
    pub section: Option<String>,
    /// Byte ranges of the turn's paragraphs in `text`, trimmed of surrounding space.
    pub paragraphs: Vec<Range<usize>>,
}

/// Trims white space off both ends of a byte range of `text`.
pub(crate) fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}
