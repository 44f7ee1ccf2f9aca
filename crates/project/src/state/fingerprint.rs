//! Digests of what a project's quotes depend on: the shared inputs (Verbatim's version,
//! the coder's fusion weights, configuration, codebook), the roster file, and the roster's answers to the names one
//! source asked about.

use std::path::Path;

use verbatim_model::Roster;

use crate::config::{CONFIG_FILE, Project};
use crate::error::{IoContext, Result};

/// Everything every source's quotes and codes depend on besides the source itself.
pub(crate) fn inputs_fingerprint(project: &Project, codebook: &Path) -> Result<String> {
    let mut hash = Fnv::default();
    hash.feed(env!("CARGO_PKG_VERSION").as_bytes());
    // Refitted weights change every code without a new version number.
    let weights = serde_json::to_string(&verbatim_coder::FusionWeights::shipped())
        .map_err(|e| crate::error::Error::Internal(format!("fusion weights: {e}")))?;
    hash.feed(weights.as_bytes());
    for path in [project.root.join(CONFIG_FILE), codebook.to_path_buf()] {
        let bytes =
            std::fs::read(&path).io_context(|| format!("{}: cannot read", path.display()))?;
        hash.feed(path.to_string_lossy().as_bytes());
        hash.feed(&bytes);
    }
    Ok(format!("{:016x}", hash.0))
}

/// The project's roster, if it has one, and a digest of its file.
pub(crate) fn load_roster(project: &Project) -> Result<(Option<Roster>, String)> {
    let Some(relative) = &project.config.roster else {
        return Ok((None, "none".to_string()));
    };
    let path = project.resolve(relative);
    let bytes = std::fs::read(&path).io_context(|| format!("{}: cannot read", path.display()))?;
    let mut hash = Fnv::default();
    hash.feed(&bytes);
    Ok((Some(Roster::load(&path)?), format!("{:016x}", hash.0)))
}

/// A digest of what the roster answers to each of `names`: equal digests mean a source
/// that asked about these names reads the same with either roster.
pub(crate) fn roster_answers(roster: Option<&Roster>, names: &[String]) -> u64 {
    let mut hash = Fnv::default();
    for name in names {
        hash.feed(name.as_bytes());
        match roster {
            Some(roster) => hash.feed(format!("{:?}", roster.resolve(name)).as_bytes()),
            None => hash.feed(b"no roster"),
        }
    }
    hash.0
}

/// FNV-1a, each fed part ended by a byte no UTF-8 text holds: stable across builds and
/// machines, as a stored digest must be.
#[derive(Debug)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn feed(&mut self, bytes: &[u8]) {
        for byte in bytes.iter().chain(&[0xff]) {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roster_answers_differ_only_where_a_name_resolves_differently() {
        let old = Roster::from_csv_str(
            "name,aliases,role,organisation,area,sector\nAnn Lee,,chief executive,Wigan council,Wigan,council\n",
            "roster.csv",
        )
        .expect("roster");
        let grown = Roster::from_csv_str(
            "name,aliases,role,organisation,area,sector\nAnn Lee,,chief executive,Wigan council,Wigan,council\nRaj Patel,,director,Leeds Trust,Leeds,health\n",
            "roster.csv",
        )
        .expect("roster");
        let ann = ["Ann Lee".to_string()];
        let raj = ["Raj Patel".to_string()];
        assert_eq!(
            roster_answers(Some(&old), &ann),
            roster_answers(Some(&grown), &ann)
        );
        assert_ne!(
            roster_answers(Some(&old), &raj),
            roster_answers(Some(&grown), &raj)
        );
        assert_ne!(roster_answers(None, &ann), roster_answers(Some(&old), &ann));
    }
}
