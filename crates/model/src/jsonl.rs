use std::io::Write;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, write_atomic};

/// Reads a JSON Lines file: one value per non-blank line.
pub fn read_jsonl<T: DeserializeOwned + Send>(path: &Path) -> Result<Vec<T>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    read_jsonl_str(&text, path)
}

/// Parses JSON Lines from memory; `path` only names the source in errors.
pub fn read_jsonl_str<T: DeserializeOwned + Send>(
    text: &str,
    path: &Path,
) -> Result<Vec<T>, Error> {
    // Large files are parsed on every core, in blocks of lines; the first bad line (by
    // number) is the one reported, as in a sequential read.
    if text.len() < PARALLEL_BYTES {
        return parse_lines(text.lines().enumerate(), path);
    }
    let lines: Vec<(usize, &str)> = text.lines().enumerate().collect();
    let blocks: Vec<Result<Vec<T>, Error>> = lines
        .par_chunks(4096)
        .map(|block| parse_lines(block.iter().copied(), path))
        .collect();
    let mut values = Vec::with_capacity(lines.len());
    for block in blocks {
        values.extend(block?);
    }
    Ok(values)
}

/// Files smaller than this are parsed on one thread.
const PARALLEL_BYTES: usize = 4 << 20;

fn parse_lines<'t, T: DeserializeOwned>(
    lines: impl Iterator<Item = (usize, &'t str)>,
    path: &Path,
) -> Result<Vec<T>, Error> {
    let mut values = Vec::new();
    for (index, line) in lines {
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
    fn large_files_parse_in_parallel_in_order_and_name_the_first_bad_line() {
        let mut text = String::new();
        for id in 0..150_000 {
            text.push_str(&format!(
                "{{\"id\":{id},\"text\":\"row {id} of a long file\"}}\n"
            ));
        }
        assert!(text.len() > PARALLEL_BYTES);
        let rows: Vec<Row> = read_jsonl_str(&text, Path::new("big.jsonl")).expect("parse");
        assert!(rows.iter().enumerate().all(|(i, r)| r.id == i as u32));
        let broken = text
            .replace("{\"id\":140000,", "{\"id\":\"x\",")
            .replace("{\"id\":90000,", "{\"id\":-1,");
        let error = read_jsonl_str::<Row>(&broken, Path::new("big.jsonl")).expect_err("bad rows");
        assert!(error.to_string().starts_with("big.jsonl:90001:"), "{error}");
    }

    #[test]
    fn errors_name_the_line() {
        let text = "{\"id\":1,\"text\":\"ok\"}\n{\"id\":\"two\",\"text\":\"bad\"}\n";
        let error = read_jsonl_str::<Row>(text, Path::new("q.jsonl")).expect_err("bad row");
        let message = error.to_string();
        assert!(message.starts_with("q.jsonl:2:"), "{message}");
    }
}
