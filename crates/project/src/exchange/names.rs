//! File names made unique among those taken (ignoring case, as some file systems do):
//! shared by the export, which names sources by file name, and the import, which writes
//! them beside the project's own files.

use std::collections::BTreeSet;

/// `path`, or `path` with `-2`, `-3`... before its extension when another file has it.
pub(super) fn unique(path: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(path.to_lowercase()) {
        return path;
    }
    let (stem, extension) = match path.rsplit_once('.') {
        Some((stem, extension)) if !stem.ends_with('/') => {
            (stem.to_string(), format!(".{extension}"))
        }
        _ => (path.clone(), String::new()),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{extension}"))
        .find(|candidate| taken.insert(candidate.to_lowercase()))
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clashing_names_are_told_apart() {
        let mut taken = BTreeSet::from(["roster.csv".to_string()]);
        assert_eq!(unique("a.txt".into(), &mut taken), "a.txt");
        assert_eq!(unique("A.txt".into(), &mut taken), "A-2.txt");
        assert_eq!(unique("roster.csv".into(), &mut taken), "roster-2.csv");
    }
}
