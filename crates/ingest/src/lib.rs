//! Turns interview sources into quotes: one speaker's words, located exactly in the source,
//! with the speaker's attributes from a roster.
//!
//! Readers exist for plain-text and Markdown transcripts with speaker turns, WebVTT and
//! SubRip captions from video calls, and Word `.docx` files. Each reduces its source to a
//! [`Transcript`] (text plus speaker turns); the turns are then cut into quotes at
//! paragraph breaks (and at sentence ends when a paragraph is longer than
//! [`IngestOptions::max_words`]) and attributed to roster entries.
//!
//! # Example
//!
//! ```
//! use verbatim_ingest::{IngestOptions, Source, ingest};
//! use verbatim_model::Roster;
//!
//! let roster = Roster::from_csv_str(
//!     "name,aliases,role,organisation,area,sector\n\
//!      Nasreen Iqbal,,chief officer,Wigan Community Food Network,Wigan,voluntary\n",
//!     "roster.csv",
//! )?;
//! let text = "---\ninterviewee: Nasreen Iqbal\n---\nQ: What changed?\n\nA: We stopped waiting for permission.\n";
//! let source = Source { name: "wigan.txt", id: "wigan", extension: Some("txt"), bytes: text.as_bytes() };
//! let ingested = ingest(&source, Some(&roster), &IngestOptions::default())?;
//! let quote = &ingested.quotes[0];
//! assert_eq!(quote.text, "We stopped waiting for permission.");
//! assert_eq!(quote.speaker.as_deref(), Some("Nasreen Iqbal"));
//! assert_eq!(quote.sector.as_deref(), Some("voluntary"));
//! assert_eq!(quote.context.as_deref(), Some("What changed?"));
//! let chars: String = text.chars().skip(quote.start).take(quote.end - quote.start).collect();
//! assert_eq!(chars, quote.text);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attribute;
mod cues;
mod decode;
mod document_id;
mod docx;
mod error;
mod format;
mod front_matter;
mod header;
mod interviewer;
mod locate;
mod marker;
mod options;
mod segment;
mod smalltalk;
mod tool_lines;
mod transcript;
mod turns;
mod writeup;

use std::collections::BTreeSet;

use verbatim_model::{Quote, Roster};

pub use cues::Captions;
pub use decode::{Decoded, decode};
pub use document_id::document_ids;
pub use error::IngestError;
pub use format::Format;
pub use front_matter::FrontMatter;
pub use options::{DEFAULT_MAX_WORDS, DEFAULT_MIN_QUOTE_WORDS, IngestOptions};
pub use transcript::{Transcript, Turn};
pub use writeup::{infer_area, infer_sector, interviewee_list};

/// One source to read.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// How the source is named in quotes and messages (a relative path, usually).
    pub name: &'a str,
    /// The document id quote ids are built from; see [`document_ids`].
    pub id: &'a str,
    /// The file extension, used when content does not tell the format.
    pub extension: Option<&'a str>,
    /// The raw bytes.
    pub bytes: &'a [u8],
}

/// The quotes of one source and what was noticed reading it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The format read.
    pub format: Format,
    /// The character encoding read.
    pub encoding: &'static str,
    /// Quotes in source order.
    pub quotes: Vec<Quote>,
    /// Distinct participants quoted (roster names, or the names as written).
    pub speakers: BTreeSet<String>,
    /// Speaker names found in the source that the roster does not know.
    pub unknown_speakers: BTreeSet<String>,
    /// Things the user should know: a guessed encoding, an empty file, an ambiguous name.
    pub warnings: Vec<String>,
    /// Every name this source asked the roster about, so a caller can tell whether a
    /// changed roster would change its quotes (the answers to these questions are all
    /// the roster contributed); `None` when the whole roster counts, as for reports.
    pub roster_queries: Option<BTreeSet<String>>,
    /// Small-talk turns set aside, not among `quotes` (0 when they are kept).
    pub smalltalk: usize,
}

/// Reads a source into a [`Transcript`]: the text quote offsets point into, and its turns.
pub fn read_transcript(
    source: &Source<'_>,
    options: &IngestOptions,
    is_known: &dyn Fn(&str) -> bool,
) -> Result<(Transcript, Format, &'static str, Option<String>), IngestError> {
    let format = options
        .format
        .unwrap_or_else(|| Format::detect(source.extension, source.bytes));
    if format == Format::Docx {
        let text = docx::docx_text(source.bytes).map_err(|message| IngestError::Docx {
            source_name: source.name.to_string(),
            message,
        })?;
        let transcript = turns::parse_turns(text, is_known);
        let format = if options.format.is_none() && reads_as_report(&transcript, options) {
            Format::Report
        } else {
            format
        };
        return Ok((transcript, format, "UTF-8", None));
    }
    let decoded = decode(source.bytes).map_err(|reason| IngestError::NotText {
        source_name: source.name.to_string(),
        reason: reason.0,
    })?;
    let transcript = match format {
        Format::Vtt => cues::parse_captions(&decoded.text, Captions::WebVtt),
        Format::Srt => cues::parse_captions(&decoded.text, Captions::SubRip),
        Format::Report => Ok(Transcript {
            text: decoded.text,
            ..Transcript::default()
        }),
        Format::Text | Format::Docx => Ok(turns::parse_turns(decoded.text, is_known)),
    }
    .map_err(|e| e.named(source.name))?;
    let format = if format == Format::Text
        && options.format.is_none()
        && reads_as_report(&transcript, options)
    {
        Format::Report
    } else {
        format
    };
    Ok((transcript, format, decoded.encoding, decoded.warning))
}

/// Plain text is a report when speaker turns cover less than half of it and its prose
/// holds quotations.
fn reads_as_report(transcript: &Transcript, options: &IngestOptions) -> bool {
    let covered: usize = transcript
        .turns
        .iter()
        .flat_map(|t| &t.paragraphs)
        .map(|r| r.len())
        .sum::<usize>()
        + transcript.marker_bytes;
    covered * 2 < transcript.text.trim().len()
        && writeup::looks_like_report(&transcript.text, options.min_quote_words)
}

/// One warning per name the roster does not know that has quotes here: the quotes are
/// kept, but with no speaker they fall out of every count by role, area or sector. A
/// role label (`Respondent`) is named with the interviewee it stands for.
fn unknown_speaker_warnings(
    transcript: &Transcript,
    attributed: &attribute::Attributed,
) -> Vec<String> {
    let interviewee = transcript.front_matter.get("interviewee");
    attributed
        .unknown
        .iter()
        .filter_map(|label| {
            let quotes = attributed
                .quotes
                .iter()
                .filter(|q| q.speaker.is_none() && q.speaker_hint.as_deref() == Some(label))
                .count();
            if quotes == 0 {
                return None;
            }
            let who = match (marker::label_shape(label), interviewee) {
                (Some(marker::LabelShape::Generic(_)), Some(name)) => {
                    format!("\"{label}\" (the interviewee, {name})")
                }
                _ => format!("\"{label}\""),
            };
            let every = if quotes == attributed.quotes.len() {
                "every answer"
            } else {
                "its quotes"
            };
            Some(format!(
                "{who} is not in the roster: {} kept with no speaker ({every}), left out of counts by role, area and sector",
                verbatim_model::counted(quotes, "quote")
            ))
        })
        .collect()
}

/// The text a source's quote offsets count in: the decoded file, a Word document's
/// paragraphs, or a caption file's cues as rendered. Anchors of manual codings are found
/// in it when the source changes.
pub fn source_text(source: &Source<'_>, options: &IngestOptions) -> Result<String, IngestError> {
    if source.bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(String::new());
    }
    let (transcript, ..) = read_transcript(source, options, &|_| false)?;
    Ok(transcript.text)
}

/// Reads a source and cuts it into attributed quotes.
///
/// With a roster, names it does not know give quotes with `speaker: null`, the name kept
/// in `speaker_hint` and listed in [`Ingested::unknown_speakers`]. Without one, speakers
/// are named as the source writes them (or as its front matter spells them out).
pub fn ingest(
    source: &Source<'_>,
    roster: Option<&Roster>,
    options: &IngestOptions,
) -> Result<Ingested, IngestError> {
    let asked = std::cell::RefCell::new(BTreeSet::new());
    let is_known = |label: &str| {
        if roster.is_some() {
            asked.borrow_mut().insert(label.to_string());
        }
        roster.is_some_and(|r| matches!(r.resolve(label), verbatim_model::Resolution::Matched(_)))
            || options
                .interviewers
                .iter()
                .any(|n| n.eq_ignore_ascii_case(label))
    };
    if source.bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Ingested {
            format: options
                .format
                .unwrap_or_else(|| Format::detect(source.extension, source.bytes)),
            encoding: "UTF-8",
            quotes: Vec::new(),
            speakers: BTreeSet::new(),
            unknown_speakers: BTreeSet::new(),
            warnings: vec!["empty file: no quotes".to_string()],
            roster_queries: Some(BTreeSet::new()),
            smalltalk: 0,
        });
    }
    let (mut transcript, format, encoding, decode_warning) =
        read_transcript(source, options, &is_known)?;
    for (key, value) in &options.facts {
        if transcript.front_matter.get(key).is_none() {
            transcript
                .front_matter
                .entries
                .push((key.clone(), value.clone()));
        }
    }
    let mut warnings: Vec<String> = decode_warning.into_iter().collect();
    warnings.extend(transcript.front_matter.problem.take());
    if format == Format::Report {
        let found =
            writeup::report_quotes(&transcript.text, source.id, source.name, roster, options);
        warnings.extend(found.warnings);
        return Ok(Ingested {
            format,
            encoding,
            quotes: found.quotes,
            speakers: found.speakers,
            unknown_speakers: found.unknown,
            warnings,
            roster_queries: None,
            smalltalk: 0,
        });
    }
    let mut attributed = attribute::attribute(&transcript, source.id, source.name, roster, options);
    if transcript.turns.is_empty() {
        warnings.push("no speaker turns found: no quotes".to_string());
    } else if attributed.quotes.is_empty() {
        warnings.push(format!(
            "no quotes from {}: each was the interviewer's or empty",
            verbatim_model::counted(transcript.turns.len(), "speaker turn")
        ));
    }
    let mut smalltalk = 0;
    if !options.keep_smalltalk {
        attributed.quotes.retain(|q| {
            let answer = q.kind.is_none();
            smalltalk += usize::from(!answer);
            answer
        });
    }
    let unknown = match roster {
        Some(_) => unknown_speaker_warnings(&transcript, &attributed),
        None => Vec::new(),
    };
    warnings.extend(attributed.warnings);
    warnings.extend(unknown);
    let mut roster_queries = asked.into_inner();
    roster_queries.extend(attributed.roster_queries);
    Ok(Ingested {
        format,
        encoding,
        quotes: attributed.quotes,
        speakers: attributed.speakers,
        unknown_speakers: attributed.unknown,
        warnings,
        roster_queries: Some(roster_queries),
        smalltalk,
    })
}
