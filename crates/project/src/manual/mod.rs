//! A researcher's decisions as project data: the tracked codings file (`codings.jsonl`
//! beside `verbatim.toml`, or the `codings` key of `[project]`) with manual codes,
//! rejections of automatic codes and memos, each anchored to its text ([`anchor`]), and
//! the verbs that change it ([`verbs`]).
//!
//! The file is the truth; `.verbatim/` holds only what is derived from it (the manual
//! codes placed on quotes). It is written whole, atomically, under the project's lock.

pub mod anchor;
mod import;
pub mod memos;
pub mod place;
pub mod review;
pub mod verbs;

use std::path::{Path, PathBuf};

use verbatim_model::{Decision, ManualCoding, read_manual_codings, write_atomic_file};

use crate::config::Project;
use crate::error::{IoContext, Result};

/// The codings file when `verbatim.toml` does not name one.
pub const DEFAULT_CODINGS_FILE: &str = "codings.jsonl";

/// Where `project` keeps its researcher's decisions.
pub fn codings_file_path(project: &Project) -> PathBuf {
    project.resolve(
        project
            .config
            .codings
            .as_deref()
            .unwrap_or(Path::new(DEFAULT_CODINGS_FILE)),
    )
}

/// The project's codings file as read, to change and write back.
#[derive(Debug, Clone)]
pub struct ManualFile {
    /// Where it is.
    pub path: PathBuf,
    /// Where it is, as messages name it (relative to the project).
    pub shown: PathBuf,
    /// Every decision, in file order.
    pub codings: Vec<ManualCoding>,
    /// The text it had when read (`None`: there was no file), so that writing an
    /// unchanged file is skipped.
    read_as: Option<String>,
}

impl ManualFile {
    /// Reads `project`'s codings file; no file is no decisions yet.
    pub fn load(project: &Project) -> Result<Self> {
        let path = codings_file_path(project);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => {
                return Err(error).io_context(|| format!("{}: cannot read", path.display()));
            }
        };
        let codings = match &text {
            Some(text) => read_manual_codings(text, &path)?,
            None => Vec::new(),
        };
        Ok(ManualFile {
            shown: project.shown(&path),
            path,
            codings,
            read_as: text,
        })
    }

    /// Whether the file exists on disk.
    pub fn exists(&self) -> bool {
        self.read_as.is_some()
    }

    /// Writes the decisions back (atomically), unless nothing changed (no decisions and
    /// no file is nothing to write).
    pub fn save(&mut self) -> Result<bool> {
        let text = verbatim_model::manual_codings_text(&self.codings);
        let unchanged = match &self.read_as {
            Some(before) => *before == text,
            None => text.is_empty(),
        };
        if unchanged {
            return Ok(false);
        }
        if let Some(folder) = self.path.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .io_context(|| format!("{}: cannot create", folder.display()))?;
        }
        write_atomic_file(&self.path, |mut file| {
            std::io::Write::write_all(&mut file, text.as_bytes())
        })?;
        self.read_as = Some(text);
        Ok(true)
    }

    /// A digest of what the decisions do to coding (targets, themes, anchors; not who,
    /// when or memos), for the project's inputs fingerprint: a change to it recodes.
    pub fn digest(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &byte in bytes.iter().chain(&[0xff]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for coding in self.codings.iter().filter(|c| c.kind != Decision::Memo) {
            feed(&[coding.kind as u8, u8::from(coding.orphaned)]);
            for part in [
                &coding.theme,
                &coding.source,
                &coding.text,
                &coding.quote,
                &coding.start.map(|s| s.to_string()),
                &coding.end.map(|e| e.to_string()),
            ] {
                feed(part.as_deref().unwrap_or("\u{0}").as_bytes());
            }
        }
        format!("{hash:016x}")
    }
}

/// Who is deciding when no `--coder` is given: `VERBATIM_CODER`, else the login name.
pub fn default_coder() -> String {
    ["VERBATIM_CODER", "USER", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "researcher".to_string())
}

/// Now, as RFC 3339 UTC to the second (`2026-12-06T14:05:09Z`).
pub fn now_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(seconds)
}

/// Seconds since 1970 as an RFC 3339 UTC time.
fn rfc3339(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let in_day = seconds % 86_400;
    // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras
    // that start on 1 March (so the leap day ends a year).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        in_day / 3_600,
        in_day % 3_600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_565_909), "2026-12-06T14:05:09Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn the_digest_ignores_who_when_and_memos_but_not_anchors() {
        let mut coding = ManualCoding::on_span(Decision::Code, "a.txt", 0, 5, "tired");
        coding.theme = Some("t".into());
        let file = |codings: Vec<ManualCoding>| ManualFile {
            path: PathBuf::from("codings.jsonl"),
            shown: PathBuf::from("codings.jsonl"),
            codings,
            read_as: None,
        };
        let base = file(vec![coding.clone()]).digest();
        let mut signed = coding.clone();
        signed.coder = Some("jo".into());
        signed.memo = Some("why".into());
        assert_eq!(file(vec![signed]).digest(), base);
        let mut moved = coding;
        moved.start = Some(1);
        moved.end = Some(6);
        assert_ne!(file(vec![moved]).digest(), base);
    }
}
