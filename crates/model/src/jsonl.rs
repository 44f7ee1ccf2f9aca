use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, write_atomic};

/// Reads a JSON Lines file: one value per non-blank line.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    read_jsonl_str(&text, path)
}

/// Parses JSON Lines from memory; `path` only names the source in errors.
pub fn read_jsonl_str<T: DeserializeOwned>(text: &str, path: &Path) -> Result<Vec<T>, Error> {
    let mut values = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(line).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: index + 1,
            column: Some(e.column()),
            message: e.to_string(),
        })?;
        values.push(value);
    }
    Ok(values)
}

/// Writes values as JSON Lines to any writer (stdout, a buffer).
pub fn write_jsonl_to<T: Serialize>(
    writer: &mut dyn Write,
    values: impl IntoIterator<Item = T>,
) -> std::io::Result<()> {
    for value in values {
        serde_json::to_writer(&mut *writer, &value)?;
        writer.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes values as a JSON Lines file, atomically.
pub fn write_jsonl<T: Serialize>(
    path: &Path,
    values: impl IntoIterator<Item = T>,
) -> Result<(), Error> {
    write_atomic(path, |w| write_jsonl_to(w, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        id: u32,
        text: String,
    }

    #[test]
    fn round_trips_and_skips_blank_lines() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("rows.jsonl");
        let rows = vec![
            Row {
                id: 1,
                text: "a \"quoted\" line\nwith a break".into(),
            },
            Row {
                id: 2,
                text: "ü 🙂".into(),
            },
        ];
        write_jsonl(&path, &rows).expect("write");
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str("\n   \n");
        let back: Vec<Row> = read_jsonl_str(&text, &path).expect("parse");
        assert_eq!(back, rows);
    }

    #[test]
    fn errors_name_the_line() {
        let text = "{\"id\":1,\"text\":\"ok\"}\n{\"id\":\"two\",\"text\":\"bad\"}\n";
        let error = read_jsonl_str::<Row>(text, Path::new("q.jsonl")).expect_err("bad row");
        let message = error.to_string();
        assert!(message.starts_with("q.jsonl:2:"), "{message}");
    }
}
