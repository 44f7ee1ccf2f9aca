//! Which reader a source needs, from its content and extension.

use std::fmt;
use std::str::FromStr;

/// A source format Verbatim reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Plain text or Markdown with speaker turns (`Name: words`).
    Text,
    /// WebVTT captions from a video call.
    Vtt,
    /// SubRip captions.
    Srt,
    /// A Word document.
    Docx,
    /// A report or article quoting interviewees in its prose.
    Report,
}

impl Format {
    /// The name used by `--format` and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
            Format::Docx => "docx",
            Format::Report => "report",
        }
    }

    /// File extensions collected when a folder is ingested.
    pub const EXTENSIONS: [&'static str; 6] = ["txt", "md", "markdown", "vtt", "srt", "docx"];

    /// Decides the format: content signatures first (a zip archive, a `WEBVTT` header, a
    /// SubRip cue), then the extension, then plain text. Whether plain text is a
    /// transcript or a report is decided when it is read (see [`crate::ingest`]).
    pub fn detect(extension: Option<&str>, bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            return Format::Docx;
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let head = head.trim_start_matches('\u{feff}');
        if head.starts_with("WEBVTT") {
            return Format::Vtt;
        }
        if looks_like_srt(head) {
            return Format::Srt;
        }
        match extension.map(str::to_ascii_lowercase).as_deref() {
            Some("vtt") => Format::Vtt,
            Some("srt") => Format::Srt,
            Some("docx") => Format::Docx,
            _ => Format::Text,
        }
    }
}

fn looks_like_srt(head: &str) -> bool {
    let mut lines = head.lines().map(str::trim).skip_while(|l| l.is_empty());
    let index = lines.next().unwrap_or("");
    let timing = lines.next().unwrap_or("");
    !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) && timing.contains("-->")
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" | "md" | "markdown" | "turns" => Ok(Format::Text),
            "vtt" | "webvtt" => Ok(Format::Vtt),
            "srt" | "subrip" => Ok(Format::Srt),
            "docx" | "word" => Ok(Format::Docx),
            "report" | "prose" => Ok(Format::Report),
            other => Err(format!(
                "unknown format `{other}`; expected one of text, vtt, srt, docx, report"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        assert_eq!(
            Format::detect(Some("txt"), b"WEBVTT\n\n00:01.000 --> 00:02.000\nhi"),
            Format::Vtt
        );
        assert_eq!(
            Format::detect(Some("txt"), b"\n1\n00:00:01,000 --> 00:00:02,000\nhi\n"),
            Format::Srt
        );
        assert_eq!(Format::detect(None, b"PK\x03\x04rest"), Format::Docx);
        assert_eq!(Format::detect(Some("VTT"), b"no header"), Format::Vtt);
        assert_eq!(Format::detect(Some("md"), b"Jo: hello"), Format::Text);
        assert_eq!(Format::detect(None, b"2019: a year"), Format::Text);
    }

    #[test]
    fn parses_format_names() {
        assert_eq!("Markdown".parse::<Format>(), Ok(Format::Text));
        assert_eq!("webvtt".parse::<Format>(), Ok(Format::Vtt));
        assert!("pdf".parse::<Format>().is_err());
    }
}
