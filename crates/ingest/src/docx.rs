//! Word documents: the paragraph text of `word/document.xml`, read with zip + quick-xml.
//!
//! Paragraphs become text separated by blank lines, so the plain-text turn rules apply
//! unchanged. Deleted tracked changes, field codes and the fallback copies Word keeps for
//! old readers are skipped; tabs and line breaks are kept.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

/// The largest `document.xml` read, uncompressed: guards against zip bombs.
const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// How many times its own size a package may expand to. Word's XML compresses about
/// ten to one; a bomb compresses a thousand to one.
const MAX_EXPANSION: u64 = 100;

/// What any package may expand to whatever its size, so that a small but ordinary
/// document is never refused for its ratio alone.
const ALWAYS_ALLOWED_BYTES: u64 = 8 * 1024 * 1024;

/// The uncompressed size allowed to `document.xml` in a package of `package_bytes`.
fn allowed_document_bytes(package_bytes: usize) -> u64 {
    (package_bytes as u64)
        .saturating_mul(MAX_EXPANSION)
        .clamp(ALWAYS_ALLOWED_BYTES, MAX_DOCUMENT_BYTES)
}

/// Extracts the text of a `.docx`, one paragraph per block. Errors say what is broken.
pub fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip archive ({e})"))?;
    let mut entry = archive
        .by_name("word/document.xml")
        .map_err(|_| "no word/document.xml inside: not a Word document".to_string())?;
    let allowed = allowed_document_bytes(bytes.len());
    let too_large = |size: u64| {
        format!(
            "word/document.xml expands to {size} bytes or more, over the {allowed} allowed \
             for a {}-byte file (a zip bomb, or a document far larger than any transcript)",
            bytes.len()
        )
    };
    if entry.size() > allowed {
        return Err(too_large(entry.size()));
    }
    let mut xml = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
    entry
        .by_ref()
        .take(allowed + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("word/document.xml cannot be decompressed ({e})"))?;
    if xml.len() as u64 > allowed {
        return Err(too_large(xml.len() as u64));
    }
    paragraphs_text(&xml)
}

/// Adds a paragraph, but never a second empty one in a row: runs of empty paragraphs say
/// no more than one does, and a document of millions of them must not become millions of
/// lines.
fn push_paragraph(paragraphs: &mut Vec<String>, paragraph: String) {
    if paragraph.is_empty() && paragraphs.last().is_some_and(String::is_empty) {
        return;
    }
    paragraphs.push(paragraph);
}

fn paragraphs_text(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    let mut skip_depth = 0usize;
    let mut buffer = Vec::new();
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| format!("broken XML in word/document.xml near byte {position}: {e}"))?;
        match event {
            Event::Start(tag) => {
                let name = tag.local_name().into_inner();
                match name {
                    "Fallback" | "delText" | "instrText" => skip_depth += 1,
                    "t" if skip_depth == 0 => in_text = true,
                    _ => {}
                }
            }
            Event::End(tag) => match tag.local_name().into_inner() {
                "Fallback" | "delText" | "instrText" => skip_depth = skip_depth.saturating_sub(1),
                "t" => in_text = false,
                "p" if skip_depth == 0 => {
                    push_paragraph(&mut paragraphs, std::mem::take(&mut paragraph))
                }
                _ => {}
            },
            Event::Empty(tag) if skip_depth == 0 => match tag.local_name().into_inner() {
                "tab" => paragraph.push('\t'),
                "br" | "cr" => paragraph.push('\n'),
                "noBreakHyphen" => paragraph.push('-'),
                "p" => push_paragraph(&mut paragraphs, String::new()),
                _ => {}
            },
            Event::Text(text) if in_text && skip_depth == 0 => {
                paragraph.push_str(&text.xml10_content());
            }
            Event::GeneralRef(reference) if in_text && skip_depth == 0 => {
                let c = match reference.as_ref() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => reference.resolve_char_ref().ok().flatten(),
                };
                paragraph.extend(c);
            }
            Event::DocType(_) => {
                return Err(
                    "word/document.xml declares a DOCTYPE (where entities are defined); Word \
                     never writes one, so it is refused rather than expanded"
                        .to_string(),
                );
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    if !paragraph.is_empty() {
        paragraphs.push(paragraph);
    }
    let mut text = paragraphs.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// Builds a minimal Word package around `body` (the children of `<w:body>`).
    pub(crate) fn docx_with_body(body: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        let files = [
            ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string()),
            ("word/document.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#)),
        ];
        for (name, content) in files {
            zip.start_file(name, options).expect("zip entry");
            zip.write_all(content.as_bytes()).expect("zip write");
        }
        zip.finish().expect("zip finish").into_inner()
    }

    #[test]
    fn extracts_runs_tabs_and_paragraphs_skipping_deletions() {
        let body = r#"<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Interviewer:</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">Tell me &amp; the team </w:t></w:r><w:r><w:t>about it?</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>Rhodri Prosser: Yes</w:t></w:r><w:del><w:r><w:delText>NO</w:delText></w:r></w:del><w:r><w:br/><w:t>caf&#233;</w:t></w:r></w:p>"#;
        let text = docx_text(&docx_with_body(body)).expect("valid docx");
        assert_eq!(
            text,
            "Interviewer:\tTell me & the team about it?\n\n\n\nRhodri Prosser: Yes\ncafé\n"
        );
    }

    #[test]
    fn runs_of_empty_paragraphs_count_as_one() {
        let body = "<w:p><w:r><w:t>A: one</w:t></w:r></w:p><w:p/><w:p/><w:p></w:p><w:p><w:r><w:t>B: two</w:t></w:r></w:p>";
        let text = docx_text(&docx_with_body(body)).expect("valid docx");
        assert_eq!(text, "A: one\n\n\n\nB: two\n");
        let many = "<w:p/>".repeat(200_000);
        let text = docx_text(&docx_with_body(&many)).expect("valid docx");
        assert_eq!(text, "");
    }

    #[test]
    fn packages_expanding_far_beyond_their_size_are_refused() {
        assert_eq!(allowed_document_bytes(1_000), ALWAYS_ALLOWED_BYTES);
        assert_eq!(allowed_document_bytes(1_000_000), 100_000_000);
        assert_eq!(allowed_document_bytes(usize::MAX), MAX_DOCUMENT_BYTES);
        // About 9 MB of XML in a package of a few kilobytes.
        let bomb = "<w:p/>".repeat(1_500_000);
        let error = docx_text(&docx_with_body(&bomb)).expect_err("bomb");
        assert!(error.contains("zip bomb"), "{error}");
    }

    #[test]
    fn a_doctype_is_refused() {
        let xml =
            br#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d><p><t>&a;</t></p></d>"#;
        assert!(
            paragraphs_text(xml)
                .expect_err("doctype")
                .contains("DOCTYPE")
        );
    }

    #[test]
    fn corrupt_packages_say_what_is_wrong() {
        assert!(
            docx_text(b"PK\x03\x04 truncated")
                .expect_err("zip")
                .starts_with("not a zip archive")
        );
        let mut truncated = docx_with_body("<w:p><w:r><w:t>hi</w:t></w:r></w:p>");
        truncated.truncate(truncated.len() / 2);
        assert!(docx_text(&truncated).is_err());
        let broken = docx_with_body("<w:p><w:r><w:t>hi</w:r></w:p>");
        assert!(docx_text(&broken).expect_err("xml").contains("broken XML"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let mut package = b"PK\x03\x04".to_vec();
            package.extend(&bytes);
            let _ = docx_text(&package);
            let _ = docx_text(&bytes);
        }

        #[test]
        fn never_panics_on_arbitrary_xml_bodies(body in "(<w:p>|</w:p>|<w:t>|</w:t>|<w:tab/>|&amp;|&#xZZ;|\\PC){0,60}") {
            let _ = docx_text(&docx_with_body(&body));
        }
    }
}
