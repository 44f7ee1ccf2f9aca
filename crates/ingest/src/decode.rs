//! Bytes to text: byte-order marks, UTF-8, UTF-16, and Windows-1252 as a declared fallback.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Text decoded from a source file, with the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, byte-order mark removed. Quote offsets count chars of this string.
    pub text: String,
    /// Name of the encoding read (`UTF-8`, `UTF-16LE`, `windows-1252`...).
    pub encoding: &'static str,
    /// Set when the text was not valid in the encoding it seemed to be in.
    pub warning: Option<String>,
}

/// Why bytes were refused as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotText(pub String);

/// Decodes a text file.
///
/// A byte-order mark decides the encoding. Without one, UTF-8 is tried first; UTF-16
/// without a mark is recognised by its zero bytes; anything else is read as
/// Windows-1252 (what Word and Excel on Windows write) with a warning, never silently.
/// Bytes with NULs or many control characters are refused as binary.
///
/// Old Mac line ends (a carriage return alone) become line feeds, one char for one, so
/// offsets still count the same chars while every reader sees the lines.
pub fn decode(bytes: &[u8]) -> Result<Decoded, NotText> {
    let mut decoded = decode_bytes(bytes)?;
    if decoded.text.contains('\r') {
        decoded.text = lone_carriage_returns_as_line_feeds(&decoded.text);
    }
    Ok(decoded)
}

fn lone_carriage_returns_as_line_feeds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

fn decode_bytes(bytes: &[u8]) -> Result<Decoded, NotText> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_length..], None);
    }
    if bytes.contains(&0)
        && let Some(encoding) = unmarked_utf16(bytes)
    {
        return decode_with(encoding, bytes, None);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        check_text(text)?;
        return Ok(Decoded {
            text: text.to_string(),
            encoding: UTF_8.name(),
            warning: None,
        });
    }
    if bytes.contains(&0) {
        return Err(NotText("contains NUL bytes".into()));
    }
    let invalid_at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let line = 1 + bytes[..invalid_at].iter().filter(|b| **b == b'\n').count();
    if mostly_utf8(bytes) {
        return decode_with(
            UTF_8,
            bytes,
            Some(format!(
                "line {line}: bytes that are not UTF-8 (first at offset {invalid_at}) were replaced with U+FFFD; the rest is UTF-8"
            )),
        );
    }
    decode_with(
        WINDOWS_1252,
        bytes,
        Some(format!(
            "not valid UTF-8 (first bad byte at offset {invalid_at}); read as Windows-1252"
        )),
    )
}

fn decode_with(
    encoding: &'static Encoding,
    bytes: &[u8],
    warning: Option<String>,
) -> Result<Decoded, NotText> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let warning = match (warning, had_errors) {
        (Some(w), _) => Some(w),
        (None, true) => Some(format!(
            "invalid {} sequences were replaced with U+FFFD",
            encoding.name()
        )),
        (None, false) => None,
    };
    check_text(&text)?;
    Ok(Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        warning,
    })
}

/// A UTF-8 file with a stray bad byte or two, rather than a Windows-1252 file: it holds
/// well-formed multi-byte sequences, and more of them than malformed ones. Windows-1252
/// accents and quotes almost never happen to form valid UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    valid > 0 && valid >= invalid
}

/// UTF-16 without a byte-order mark: most ASCII-range characters leave one byte of each
/// pair zero.
fn unmarked_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let zero_high = bytes
        .chunks_exact(2)
        .filter(|p| p[1] == 0 && p[0] != 0)
        .count();
    let zero_low = bytes
        .chunks_exact(2)
        .filter(|p| p[0] == 0 && p[1] != 0)
        .count();
    if zero_high * 10 >= pairs * 7 {
        Some(UTF_16LE)
    } else if zero_low * 10 >= pairs * 7 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn check_text(text: &str) -> Result<(), NotText> {
    let mut controls = 0usize;
    let mut total = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' {
            return Err(NotText("contains NUL characters".into()));
        }
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    if total > 0 && controls * 20 > total {
        return Err(NotText(format!(
            "{controls} control characters in the first {total}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend(if big_endian {
                [0xFE, 0xFF]
            } else {
                [0xFF, 0xFE]
            });
        }
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend(pair);
        }
        bytes
    }

    #[test]
    fn reads_utf8_with_and_without_bom() {
        let plain = decode("Jo: héllo 🙂".as_bytes()).expect("utf-8");
        assert_eq!(
            (plain.text.as_str(), plain.encoding),
            ("Jo: héllo 🙂", "UTF-8")
        );
        let marked = decode(b"\xEF\xBB\xBFJo: hi").expect("utf-8 bom");
        assert_eq!(marked.text, "Jo: hi");
        assert!(marked.warning.is_none());
    }

    #[test]
    fn reads_utf16_both_orders_with_and_without_bom() {
        let text = "Jo: Wiśniewski\r\nsaid 🙂";
        for big_endian in [false, true] {
            let marked = decode(&utf16(text, big_endian, true)).expect("utf-16 bom");
            assert_eq!(marked.text, text);
            let unmarked = decode(&utf16(text, big_endian, false)).expect("utf-16");
            assert_eq!(unmarked.text, text);
            assert_eq!(
                unmarked.encoding,
                if big_endian { "UTF-16BE" } else { "UTF-16LE" }
            );
        }
    }

    #[test]
    fn falls_back_to_windows_1252_with_a_warning() {
        let decoded = decode(b"Caf\xe9 \x93quoted\x94").expect("cp1252");
        assert_eq!(decoded.text, "Café “quoted”");
        assert_eq!(decoded.encoding, "windows-1252");
        assert!(decoded.warning.expect("warning").contains("offset 3"));
    }

    #[test]
    fn a_stray_byte_in_utf8_text_stays_utf8() {
        let mut bytes = "Zoë said:\nthe café ".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.extend(" was open\nDaniël agreed".as_bytes());
        let decoded = decode(&bytes).expect("utf-8 with a bad byte");
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(
            decoded.text,
            "Zoë said:\nthe café \u{fffd} was open\nDaniël agreed"
        );
        assert!(decoded.warning.expect("warning").starts_with("line 2:"));
    }

    #[test]
    fn carriage_returns_alone_end_lines() {
        let decoded = decode(b"---\rround: R1\r---\rJo: hi\r\nAl: ok").expect("text");
        assert_eq!(decoded.text, "---\nround: R1\n---\nJo: hi\r\nAl: ok");
    }

    #[test]
    fn refuses_binary() {
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0").is_err());
        let controls: Vec<u8> = (0u8..32).cycle().take(400).filter(|b| *b != 0).collect();
        assert!(decode(&controls).is_err());
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_round_trips_utf8(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let decoded = decode(&bytes);
            if let (Ok(decoded), Ok(text)) = (&decoded, std::str::from_utf8(&bytes))
                && !text.starts_with('\u{feff}')
                && !text.contains('\0')
            {
                proptest::prop_assert_eq!(
                    decoded.text.as_str(),
                    lone_carriage_returns_as_line_feeds(text)
                );
                proptest::prop_assert_eq!(decoded.text.chars().count(), text.chars().count());
            }
        }
    }
}
