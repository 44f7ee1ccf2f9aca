//! What changed between two versions of a codebook: themes added, removed, renamed (by
//! `renamed_from`) and changed, so that a researcher moving to a new round's codebook
//! sees which codings move and which rules now code differently.

use serde::Serialize;

use crate::{Codebook, Theme};

/// The differences between an old and a new codebook, each list in the new (or, for
/// removals, the old) codebook's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CodebookDiff {
    /// Themes only the new codebook has (and that claim no old id).
    pub added: Vec<String>,
    /// Themes of the old codebook that the new one neither keeps nor took over.
    pub removed: Vec<String>,
    /// `(old id, new id)`: themes the new codebook took over with `renamed_from`.
    pub renamed: Vec<(String, String)>,
    /// `(old id, new id)`: themes the new codebook marks `merged_into` another.
    pub merged: Vec<(String, String)>,
    /// Themes kept (under their id or a new one) whose definition changed, with the
    /// fields that did.
    pub changed: Vec<(String, Vec<&'static str>)>,
}

impl CodebookDiff {
    /// Whether the two codebooks define the same themes alike.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.renamed.is_empty()
            && self.merged.is_empty()
            && self.changed.is_empty()
    }
}

/// Compares `old` with `new`.
pub fn diff_codebooks(old: &Codebook, new: &Codebook) -> CodebookDiff {
    let mut diff = CodebookDiff::default();
    for theme in &new.themes {
        let before = old.theme(&theme.id).or_else(|| {
            theme.renamed_from.iter().find_map(|earlier| {
                let found = old.theme(earlier)?;
                diff.renamed.push((earlier.clone(), theme.id.clone()));
                Some(found)
            })
        });
        match before {
            None => diff.added.push(theme.id.clone()),
            Some(before) => {
                let fields = changed_fields(before, theme);
                if !fields.is_empty() {
                    diff.changed.push((theme.id.clone(), fields));
                }
            }
        }
    }
    for theme in &old.themes {
        if new.current_id(&theme.id) == theme.id && new.theme(&theme.id).is_none() {
            diff.removed.push(theme.id.clone());
        }
    }
    for theme in &new.merged {
        if let (Some(_), Some(into)) = (old.theme(&theme.id), &theme.merged_into) {
            diff.merged.push((theme.id.clone(), into.clone()));
        }
    }
    diff
}

fn changed_fields(old: &Theme, new: &Theme) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if old.category != new.category {
        fields.push("category");
    }
    if old.name != new.name {
        fields.push("name");
    }
    if old.description != new.description
        || old.include != new.include
        || old.exclude != new.exclude
    {
        fields.push("notes");
    }
    if old.threshold != new.threshold {
        fields.push("threshold");
    }
    if old.rules != new.rules {
        fields.push("rules");
    }
    if old.examples != new.examples {
        fields.push("examples");
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn codebook(themes: &str) -> Codebook {
        let text = format!(
            "[codebook]\nid = \"c\"\nname = \"C\"\n[[category]]\nid = \"c\"\nname = \"C\"\n{themes}"
        );
        Codebook::from_toml_str(&text, Path::new("c.toml")).expect("codebook")
    }

    #[test]
    fn added_removed_renamed_and_changed() {
        let old = codebook(
            "[[theme]]\nid = \"c.keep\"\ncategory = \"c\"\nname = \"Keep\"\n\
             [[theme]]\nid = \"c.money\"\ncategory = \"c\"\nname = \"Money\"\n\
             [[theme]]\nid = \"c.gone\"\ncategory = \"c\"\nname = \"Gone\"\n",
        );
        let new = codebook(
            "[[theme]]\nid = \"c.keep\"\ncategory = \"c\"\nname = \"Kept\"\n\
             [[theme]]\nid = \"c.funding\"\ncategory = \"c\"\nname = \"Money\"\nrenamed_from = \"c.money\"\n\
             [[theme]]\nid = \"c.new\"\ncategory = \"c\"\nname = \"New\"\n",
        );
        let diff = diff_codebooks(&old, &new);
        assert_eq!(diff.added, ["c.new"]);
        assert_eq!(diff.removed, ["c.gone"]);
        assert_eq!(
            diff.renamed,
            [("c.money".to_string(), "c.funding".to_string())]
        );
        assert_eq!(diff.changed, [("c.keep".to_string(), vec!["name"])]);
        assert!(diff_codebooks(&new, &new).is_empty());
    }
}
