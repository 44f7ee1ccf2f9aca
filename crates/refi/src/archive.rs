//! The `.qdpx` archive: a ZIP holding `project.qde` and, in a flat `sources` folder, each
//! source's plain text (`<guid>.txt`) and styled original (`<guid>.docx`), as REFI 1.5
//! §8 describes; Verbatim adds a `verbatim/` folder for what REFI has no element for.
//!
//! An archive comes from elsewhere, so reading it refuses what could harm: names that
//! climb out of the archive (`../`, absolute paths, drive letters), links, encrypted
//! entries, and archives that unpack to far more than they weigh (size and ratio caps,
//! counted on the bytes really inflated, not on what the archive claims). Nothing is
//! unpacked to disk here: entries are read into memory for the reader.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use verbatim_model::Codebook;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::error::RefiError;
use crate::exchange::ProjectExchange;
use crate::qde_read::{ArchiveFiles, read_qde};
use crate::qde_write::{plain_text_entry, rich_text_entry, write_qde};

/// Most entries an archive may hold.
pub const MOST_ENTRIES: usize = 100_000;
/// Most bytes an archive may unpack to, all entries together.
pub const MOST_UNPACKED: u64 = 2 * 1024 * 1024 * 1024;
/// Most an entry may grow when inflated (larger entries only: small ones compress
/// freely).
pub const MOST_RATIO: u64 = 200;
/// Entries below this size are never held to the ratio.
const RATIO_FLOOR: u64 = 1024 * 1024;
/// The folder of files only Verbatim reads.
pub const VERBATIM_FOLDER: &str = "verbatim/";

/// `project` as `.qdpx` bytes: the same project gives the same bytes (entries in a fixed
/// order, every time stamp 1980-01-01).
pub fn write_qdpx(project: &ProjectExchange) -> Result<Vec<u8>, RefiError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let fail = |e: &dyn std::fmt::Display| RefiError::Content {
        file: project.name.clone(),
        message: format!("cannot write the archive: {e}"),
    };
    let mut add = |name: &str, bytes: &[u8]| -> Result<(), RefiError> {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))
    };
    add("project.qde", write_qde(project).as_bytes())?;
    for source in &project.sources {
        // Readers drop a byte order mark, so a text that starts with U+FEFF gets one
        // in front of it and keeps its own.
        let mark = if source.text.starts_with('\u{feff}') {
            "\u{feff}"
        } else {
            ""
        };
        add(
            &plain_text_entry(source).0,
            format!("{mark}{}", source.text).as_bytes(),
        )?;
        if let (Some((entry, _)), Some((_, bytes))) = (rich_text_entry(source), &source.rich) {
            add(&entry, bytes)?;
        }
    }
    for (name, bytes) in &project.extras {
        add(&format!("{VERBATIM_FOLDER}{name}"), bytes)?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}

/// Reads `.qdpx` bytes (`file` names the archive in errors). Codes whose GUID `known`
/// exports keep its ids and rules.
pub fn read_qdpx(
    bytes: &[u8],
    file: &str,
    known: Option<&Codebook>,
) -> Result<ProjectExchange, RefiError> {
    unpack_qdpx(bytes, file)?.read(known)
}

/// An archive unpacked in memory: its `project.qde` not yet read, so that a caller can
/// look at Verbatim's own files first (the codebook whose ids the codes keep).
#[derive(Debug)]
pub struct UnpackedArchive {
    /// How messages name `project.qde` (`archive:project.qde`).
    shown: String,
    xml: String,
    files: ArchiveFiles,
    extras: BTreeMap<String, Vec<u8>>,
}

impl UnpackedArchive {
    /// A file of Verbatim's own folder, by its name there.
    pub fn extra(&self, name: &str) -> Option<&[u8]> {
        self.extras.get(name).map(Vec::as_slice)
    }

    /// Reads `project.qde`; codes whose GUID `known` exports keep its ids and rules.
    pub fn read(self, known: Option<&Codebook>) -> Result<ProjectExchange, RefiError> {
        let xml = self.xml.trim_start_matches('\u{feff}');
        let mut project = read_qde(xml, &self.shown, &self.files, known)?;
        project.extras = self.extras;
        Ok(project)
    }
}

/// Unpacks `.qdpx` bytes (`file` names the archive in errors), refusing what could harm.
pub fn unpack_qdpx(bytes: &[u8], file: &str) -> Result<UnpackedArchive, RefiError> {
    let wrong = |message: String| RefiError::Content {
        file: file.to_string(),
        message,
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| wrong(format!("not a ZIP archive ({e})")))?;
    if archive.len() > MOST_ENTRIES {
        return Err(wrong(format!(
            "{} entries, more than the {MOST_ENTRIES} a project archive may hold",
            archive.len()
        )));
    }
    let mut files = ArchiveFiles::new();
    let mut extras = BTreeMap::new();
    let mut unpacked = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| wrong(format!("entry {index} cannot be read ({e})")))?;
        let name = entry
            .name()
            .map_err(|e| wrong(format!("entry {index} has no readable name ({e})")))?
            .into_owned();
        check_name(&name).map_err(|why| wrong(format!("entry \"{name}\": {why}")))?;
        if entry.is_symlink() {
            return Err(wrong(format!(
                "entry \"{name}\" is a link; an archive from elsewhere may not hold links"
            )));
        }
        if entry.encrypted() {
            return Err(wrong(format!("entry \"{name}\" is encrypted")));
        }
        if entry.is_dir() {
            continue;
        }
        let limit = MOST_UNPACKED - unpacked;
        let mut content = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut content)
            .map_err(|e| wrong(format!("entry \"{name}\" cannot be unpacked ({e})")))?;
        let size = content.len() as u64;
        unpacked += size;
        if unpacked > MOST_UNPACKED {
            return Err(wrong(format!(
                "unpacks to more than {MOST_UNPACKED} bytes: refused as a likely zip bomb"
            )));
        }
        let packed = entry.compressed_size().max(1);
        if size > RATIO_FLOOR && size / packed > MOST_RATIO {
            return Err(wrong(format!(
                "entry \"{name}\" inflates {}-fold ({packed} to {size} bytes): refused as a \
                 likely zip bomb",
                size / packed
            )));
        }
        let added = match name.strip_prefix(VERBATIM_FOLDER) {
            Some(extra) => extras.insert(extra.to_string(), content),
            None => files.insert(name.to_lowercase(), content),
        };
        if added.is_some() {
            return Err(wrong(format!(
                "two entries are named \"{name}\" (ignoring case)"
            )));
        }
    }
    let qde_name = files
        .keys()
        .find(|k| k.as_str() == "project.qde")
        .or_else(|| {
            let mut qdes = files
                .keys()
                .filter(|k| !k.contains('/') && k.ends_with(".qde"));
            let first = qdes.next();
            if qdes.next().is_some() { None } else { first }
        })
        .cloned()
        .ok_or_else(|| wrong("no project.qde in the archive".to_string()))?;
    let qde = files.remove(&qde_name).unwrap_or_default();
    let xml = String::from_utf8(qde).map_err(|e| {
        wrong(format!(
            "{qde_name} is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(UnpackedArchive {
        shown: format!("{file}:{qde_name}"),
        xml,
        files,
        extras,
    })
}

/// Why an entry name is refused, if it is: it must stay inside the archive's folder.
fn check_name(name: &str) -> Result<(), &'static str> {
    if name.contains('\0') {
        return Err("its name holds a NUL character");
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err("a path with a drive letter");
    }
    if name.split(['/', '\\']).any(|part| part == "..") {
        return Err("a path that climbs out of the archive (`..`)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            zip.start_file(*name, SimpleFileOptions::default())
                .expect("test archive");
            zip.write_all(bytes).expect("test archive");
        }
        zip.finish().expect("test archive").into_inner()
    }

    fn sample() -> ProjectExchange {
        use crate::exchange::{Case, Coding, Note, Selection, TextSource, User};
        let codebook = Codebook::from_toml_str(
            "[codebook]\nid = \"demo\"\nname = \"Demo\"\n\
             [[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\
             [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n\
             [[theme.rules]]\nany = [\"tired\"]\n",
            "demo.toml",
        )
        .expect("test archive");
        let note = |guid: &str, text: &str| Note {
            guid: guid.into(),
            text: text.into(),
            user: Some("00000000-0000-8000-8000-000000000001".into()),
            time: Some("2026-12-06T10:00:00Z".into()),
        };
        let mut theme_notes = std::collections::BTreeMap::new();
        theme_notes.insert(
            "challenge.fatigue".into(),
            vec![note(
                "00000000-0000-8000-8000-00000000000a",
                "About fatigue",
            )],
        );
        ProjectExchange {
            name: "Demo & <co>".into(),
            users: vec![User {
                guid: "00000000-0000-8000-8000-000000000001".into(),
                name: "Ann Lee".into(),
            }],
            codebook,
            theme_notes,
            cases: vec![Case {
                guid: "00000000-0000-8000-8000-000000000002".into(),
                name: "Jo Park".into(),
                values: vec![
                    ("area".into(), "Wigan".into()),
                    ("role".into(), "chief executive".into()),
                ],
                sources: vec!["00000000-0000-8000-8000-000000000003".into()],
            }],
            sources: vec![TextSource {
                guid: "00000000-0000-8000-8000-000000000003".into(),
                name: "corpus/jo.txt".into(),
                text: "Jo Park: Café staff are tired.\r\nAnn: Why?\n".into(),
                rich: None,
                values: vec![("round".into(), "2021".into())],
                selections: vec![Selection {
                    guid: "00000000-0000-8000-8000-000000000004".into(),
                    start: 9,
                    end: 30,
                    codings: vec![Coding {
                        guid: "00000000-0000-8000-8000-000000000005".into(),
                        theme: "challenge.fatigue".into(),
                        user: Some("00000000-0000-8000-8000-000000000001".into()),
                        time: Some("2026-12-06T10:00:00Z".into()),
                        notes: vec![note(
                            "00000000-0000-8000-8000-00000000000b",
                            "plainly tired",
                        )],
                    }],
                    notes: vec![note("00000000-0000-8000-8000-00000000000c", "a span memo")],
                }],
                notes: vec![note("00000000-0000-8000-8000-00000000000d", "whole source")],
            }],
            project_notes: Vec::new(),
            extras: [("codebook.toml".to_string(), b"id".to_vec())].into(),
            ..ProjectExchange::default()
        }
    }

    #[test]
    fn a_project_reads_back_as_written() {
        let project = sample();
        let bytes = write_qdpx(&project).expect("test archive");
        assert_eq!(
            bytes,
            write_qdpx(&project).expect("test archive"),
            "same project, same bytes"
        );
        let back = read_qdpx(&bytes, "demo.qdpx", Some(&project.codebook)).expect("test archive");
        let mut expected = project.clone();
        expected.origin = back.origin.clone();
        assert_eq!(back, expected);
        let span: String = back.sources[0].text.chars().skip(9).take(21).collect();
        assert_eq!(span, "Café staff are tired.");
    }

    #[test]
    fn a_project_without_a_name_reads_back() {
        let project = ProjectExchange::default();
        let bytes = write_qdpx(&project).expect("test archive");
        let back = read_qdpx(&bytes, "nameless.qdpx", None).expect("test archive");
        assert_eq!((back.name.as_str(), back.sources.len()), ("", 0));
    }

    const QDE: &[u8] = b"<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"/>";

    #[test]
    fn names_that_leave_the_archive_are_refused() {
        for bad in [
            "../evil.txt",
            "sources/../../evil.txt",
            "/etc/passwd",
            "C:/evil.txt",
            "\\\\host\\x",
        ] {
            let zip = zip_of(&[("project.qde", QDE), (bad, b"x")]);
            let error = read_qdpx(&zip, "bad.qdpx", None)
                .expect_err("refused")
                .to_string();
            assert!(
                error.contains("bad.qdpx") && error.contains("entry"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn links_are_refused() {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("project.qde", SimpleFileOptions::default())
            .expect("test archive");
        zip.write_all(QDE).expect("test archive");
        zip.add_symlink(
            "sources/link.txt",
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .expect("test archive");
        let bytes = zip.finish().expect("test archive").into_inner();
        let error = read_qdpx(&bytes, "link.qdpx", None)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("is a link"), "{error}");
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_ratio() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        zip.start_file("project.qde", options)
            .expect("test archive");
        zip.write_all(QDE).expect("test archive");
        zip.start_file("sources/zeros.txt", options)
            .expect("test archive");
        zip.write_all(&zeros).expect("test archive");
        let bytes = zip.finish().expect("test archive").into_inner();
        let error = read_qdpx(&bytes, "bomb.qdpx", None)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("zip bomb"), "{error}");
    }

    #[test]
    fn an_archive_without_a_project_is_clear() {
        let zip = zip_of(&[("sources/a.txt", b"text")]);
        let error = read_qdpx(&zip, "empty.qdpx", None)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("no project.qde"), "{error}");
        let error = read_qdpx(b"not a zip", "junk.qdpx", None)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("not a ZIP archive"), "{error}");
    }
}
