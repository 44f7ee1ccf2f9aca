//! End-to-end tests of hostile source files: Word archives that are cut, bombs or carry
//! entities, text in other encodings or with NUL bytes, and one enormous line; each a
//! clear message naming the file, exit code 1 for errors, and never a panic.

mod common;

use std::fs;

use common::*;

/// A zip archive of `entries` (name, deflate method?, declared size, data, crc).
fn zip_archive(entries: &[(&str, bool, u64, Vec<u8>, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, deflated, size, data, crc) in entries {
        let offset = out.len() as u32;
        let method: u16 = if *deflated { 8 } else { 0 };
        let header = |signature: u32, central_entry: bool| {
            let mut h = Vec::new();
            h.extend(signature.to_le_bytes());
            if central_entry {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes());
            h.extend(0u16.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend([0u8; 4]);
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((*size as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes());
            if central_entry {
                // Comment length, disk, internal and external attributes.
                h.extend([0u8; 10]);
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(data);
        central.extend(header(0x0201_4b50, true));
    }
    let start = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(start.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A raw deflate stream of `a` repeated `1 + 258 * matches` times (fixed Huffman codes).
fn deflated_run(matches: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    let (mut bits, mut count) = (0u32, 0u32);
    let mut put = |value: u32, width: u32, bytes: &mut Vec<u8>| {
        bits |= value << count;
        count += width;
        while count >= 8 {
            bytes.push(bits as u8);
            bits >>= 8;
            count -= 8;
        }
    };
    // Huffman codes go most significant bit first.
    let code = |value: u32, width: u32| {
        (0..width).fold(0, |r, i| r | ((value >> i) & 1) << (width - 1 - i))
    };
    put(1, 1, &mut bytes); // last block
    put(1, 2, &mut bytes); // fixed Huffman
    put(code(0x30 + u32::from(b'a'), 8), 8, &mut bytes);
    for _ in 0..matches {
        put(code(0b1100_0101, 8), 8, &mut bytes); // length 258
        put(0, 5, &mut bytes); // distance 1
    }
    put(0, 7, &mut bytes); // end of block
    put(0, 7, &mut bytes); // flush
    bytes
}

#[test]
fn docx_without_its_document_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let archive = zip_archive(&[("word/styles.xml", false, 4, b"<x/>".to_vec(), 0x95e8_c6d4)]);
    fs::write(dir.path().join("nodoc.docx"), archive).expect("docx");
    fails_with(
        dir.path(),
        &["ingest", "nodoc.docx"],
        &["nodoc.docx: unreadable .docx: no word/document.xml inside"],
    );
}

#[test]
fn docx_zip_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    // 300 MB of `a` in about 1.9 MB: over 100 times its size (and the 256 MB cap).
    let matches = 300 * 1024 * 1024 / 258;
    let archive = zip_archive(&[(
        "word/document.xml",
        true,
        1 + 258 * matches as u64,
        deflated_run(matches),
        0,
    )]);
    fs::write(dir.path().join("bomb.docx"), archive).expect("docx");
    fails_with(
        dir.path(),
        &["ingest", "bomb.docx"],
        &[
            "bomb.docx: unreadable .docx: word/document.xml expands to",
            "zip bomb",
        ],
    );
}

#[test]
fn docx_with_a_doctype_is_refused_and_its_entities_never_expanded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let document = "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Jo: &c;&c;</w:t></w:r></w:p></w:body></w:document>";
    let archive = zip_archive(&[(
        "word/document.xml",
        false,
        document.len() as u64,
        document.as_bytes().to_vec(),
        crc32(document.as_bytes()),
    )]);
    fs::write(dir.path().join("entities.docx"), archive).expect("docx");
    let output = verbatim(dir.path(), &["text", "entities.docx"]);
    assert!(
        !stdout(&output).contains("aaaaaaaaaa"),
        "an entity was expanded: {}",
        stdout(&output)
    );
    fails_with(
        dir.path(),
        &["ingest", "entities.docx"],
        &["entities.docx: unreadable .docx: word/document.xml declares a DOCTYPE"],
    );
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn utf16_text_with_a_byte_order_mark_is_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = vec![0xfe, 0xff];
    for unit in "Q: How?\r\n\r\nA: Everyone is tired out.\r\n".encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    fs::write(dir.path().join("wide.txt"), bytes).expect("utf-16");
    let quotes = json_lines(&verbatim(dir.path(), &["ingest", "--json", "wide.txt"]));
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0]["text"], "Everyone is tired out.");
}

#[test]
fn text_with_nul_bytes_is_refused_as_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("nul.txt"),
        b"Q: How?\n\nA: Everyone\0 is tired out.\n",
    )
    .expect("write");
    fails_with(
        dir.path(),
        &["ingest", "nul.txt"],
        &["nul.txt: binary file, not a text transcript (contains NUL characters)"],
    );
}

#[test]
fn a_ten_megabyte_line_is_one_quote() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = "word ".repeat(2_000_000);
    fs::write(
        dir.path().join("long.txt"),
        format!("Q: How?\n\nA: {line}\n"),
    )
    .expect("write");
    let output = verbatim(dir.path(), &["ingest", "--json", "long.txt"]);
    let quotes = json_lines(&output);
    assert_eq!(quotes.len(), 1);
    assert_eq!(
        quotes[0]["text"].as_str().map(str::len),
        Some(line.len() - 1)
    );
}
