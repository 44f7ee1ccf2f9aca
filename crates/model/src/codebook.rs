use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::line_column;
use crate::{Coding, Error};

/// A codebook: categories of themes, each theme with the evidence that signals it.
///
/// Stored as TOML (`[codebook]`, `[[category]]`, `[[theme]]`). Unknown keys are refused,
/// so a misspelt key is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codebook {
    /// Identity of the codebook.
    pub codebook: CodebookInfo,
    /// Groups of themes.
    #[serde(default, rename = "category")]
    pub categories: Vec<Category>,
    /// The themes quotes are coded to.
    #[serde(default, rename = "theme")]
    pub themes: Vec<Theme>,
    /// Themes of earlier rounds kept in the file with `merged_into`: never coded or
    /// counted; codings made under them count under the theme they were merged into.
    #[serde(skip)]
    pub merged: Vec<Theme>,
}

/// The `[codebook]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodebookInfo {
    /// Stable id, e.g. `seizing-the-moment-2020`.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What the codebook is for.
    pub description: Option<String>,
    /// Version label of the codebook.
    pub version: Option<String>,
}

/// A group of themes (challenges, priorities...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable id, the prefix of its themes' ids.
    pub id: String,
    /// Human name.
    pub name: String,
    /// What belongs in the category.
    pub description: Option<String>,
    /// Cues: wording typical of the whole category (the tense of an achievement, the
    /// modality of a plan). They raise the score of the category's themes that already
    /// apply to a quote, and never apply a theme on their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<Rule>,
}

/// One theme of a codebook: id `category.slug`, stable across versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Stable id, `category.slug`.
    pub id: String,
    /// Id of the category the theme belongs to.
    pub category: String,
    /// Human name.
    pub name: String,
    /// What the theme means.
    pub description: Option<String>,
    /// When to apply it.
    pub include: Option<String>,
    /// When not to.
    pub exclude: Option<String>,
    /// Minimum calibrated score for the theme to be applied; the coder's default otherwise.
    pub threshold: Option<f64>,
    /// The matching evidence; any rule firing contributes to the theme's score.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Short example quotes, written by the codebook's authors.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Ids this theme had in earlier versions of the codebook (one for a rename, several
    /// for themes merged into it): codings made under them count under this theme.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "one_or_many"
    )]
    pub renamed_from: Vec<String>,
    /// The theme this one was merged into between rounds: it is no longer coded, and its
    /// codings count under that theme (the other side of `renamed_from`, written on the
    /// old theme, which stays in the file for the record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
}

/// `"old.id"` or `["old.a", "old.b"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(id) => vec![id],
        OneOrMany::Many(ids) => ids,
    })
}

/// One piece of matching evidence for a theme. The coder crate compiles rules to search
/// queries and documents their semantics; here they are plain data.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Fires when any of these terms or phrases occurs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<String>,
    /// Fires when all of these terms or phrases occur.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<String>,
    /// Fires when these words occur within `within` words of each other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub near: Vec<String>,
    /// Window for `near`, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<u32>,
    /// Words allowed between the words of a phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slop: Option<u32>,
    /// A raw search-engine query string, for what the other keys cannot say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Terms or phrases that block the rule when present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub veto: Vec<String>,
    /// Multiplier of the rule's contribution (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// When true, the rule's words match only as written (case and accents aside), not
    /// their other forms: `seconded` then never matches `second`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
}

impl Codebook {
    /// Reads a codebook TOML file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_toml_str(&text, path)
    }

    /// Parses codebook TOML; errors carry the line and column of the offending key. Themes
    /// with `merged_into` go to [`Codebook::merged`]; each must name a theme that is coded.
    pub fn from_toml_str(text: &str, path: impl AsRef<Path>) -> Result<Self, Error> {
        let mut codebook: Codebook = parse_toml(text, path.as_ref())?;
        let (merged, themes) = std::mem::take(&mut codebook.themes)
            .into_iter()
            .partition(|t| t.merged_into.is_some());
        codebook.themes = themes;
        codebook.merged = merged;
        for theme in &codebook.merged {
            let into = theme.merged_into.as_deref().unwrap_or_default();
            if codebook.theme(into).is_none() {
                let line = text
                    .find(&format!("\"{into}\""))
                    .map_or(1, |at| text[..at].lines().count().max(1));
                return Err(Error::parse(
                    path.as_ref(),
                    line,
                    format!(
                        "theme {} is merged_into {into:?}, which is not a theme of the codebook \
                         (a theme merged into must be coded itself)",
                        theme.id
                    ),
                ));
            }
        }
        Ok(codebook)
    }

    /// Renders the codebook as TOML that [`Codebook::from_toml_str`] reads back (merged
    /// themes after the others).
    pub fn to_toml_string(&self) -> Result<String, Error> {
        let mut whole = self.clone();
        whole.themes.append(&mut whole.merged);
        toml::to_string_pretty(&whole).map_err(|e| Error::Parse {
            path: "codebook".into(),
            line: 0,
            column: None,
            message: format!("cannot be written as TOML: {e}"),
        })
    }

    /// Writes the codebook as a TOML file, atomically.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let text = self.to_toml_string()?;
        crate::write_atomic(path, |w| w.write_all(text.as_bytes()))
    }

    /// The theme with this id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The id a theme has now: `id` itself, the theme it was merged into, or the theme
    /// that lists it in `renamed_from`.
    pub fn current_id<'a>(&'a self, id: &'a str) -> &'a str {
        if self.theme(id).is_some() {
            return id;
        }
        if let Some(into) = self
            .merged
            .iter()
            .find(|t| t.id == id)
            .and_then(|t| t.merged_into.as_deref())
        {
            return into;
        }
        self.themes
            .iter()
            .find(|t| t.renamed_from.iter().any(|old| old == id))
            .map_or(id, |t| t.id.as_str())
    }

    /// `codings` with the themes renamed or merged since they were made given their
    /// current ids; a quote coded under two ids that became one keeps one coding.
    pub fn migrate(&self, codings: Vec<Coding>) -> Vec<Coding> {
        let mut seen = std::collections::HashSet::new();
        codings
            .into_iter()
            .map(|mut coding| {
                let current = self.current_id(&coding.theme);
                if current != coding.theme {
                    coding.theme = current.to_string();
                }
                coding
            })
            .filter(|c| seen.insert((c.quote.clone(), c.theme.clone(), c.coder.clone(), c.origin)))
            .collect()
    }
}

/// Parses any TOML document into `T`; errors carry the file, line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T, Error> {
    toml::from_str(text).map_err(|e| toml_error(text, path, &e))
}

fn toml_error(text: &str, path: &Path, error: &toml::de::Error) -> Error {
    let (line, column) = error
        .span()
        .map_or((1, 1), |span| line_column(text, span.start));
    Error::Parse {
        path: path.to_path_buf(),
        line,
        column: Some(column),
        message: error.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODEBOOK: &str = r#"
[codebook]
id = "demo"
name = "Demo codebook"

[[category]]
id = "challenge"
name = "Challenges"

[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue"
description = "Tiredness after months of crisis work."
examples = ["We are all running on empty."]

[[theme.rules]]
any = ["tired", "exhausted", "running on empty"]
veto = ["tyre"]
weight = 1.5
"#;

    #[test]
    fn parses_categories_themes_and_rules() {
        let codebook = Codebook::from_toml_str(CODEBOOK, "demo.toml").expect("valid");
        assert_eq!(codebook.categories.len(), 1);
        let theme = codebook.theme("challenge.fatigue").expect("theme");
        assert_eq!(theme.rules[0].any.len(), 3);
        assert_eq!(theme.rules[0].weight, Some(1.5));
        assert_eq!(theme.examples, ["We are all running on empty."]);
    }

    #[test]
    fn toml_round_trips() {
        let codebook = Codebook::from_toml_str(CODEBOOK, "demo.toml").expect("valid");
        let text = codebook.to_toml_string().expect("write");
        assert_eq!(
            Codebook::from_toml_str(&text, "again.toml").expect("read back"),
            codebook
        );
    }

    #[test]
    fn unknown_keys_are_reported_with_line_and_column() {
        let text = CODEBOOK.replace("veto = [\"tyre\"]", "vetoes = [\"tyre\"]");
        let error = Codebook::from_toml_str(&text, "demo.toml").expect_err("unknown key");
        let message = error.to_string();
        assert!(message.starts_with("demo.toml:19:1:"), "{message}");
        assert!(message.contains("vetoes"), "{message}");
    }

    #[test]
    fn codings_under_earlier_ids_move_to_the_theme_that_took_them() {
        let text = r#"
[codebook]
id = "demo"
name = "Demo"
[[category]]
id = "challenge"
name = "Challenges"
[[theme]]
id = "challenge.funding"
category = "challenge"
name = "Funding"
renamed_from = ["challenge.money", "challenge.grants"]
[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue"
renamed_from = "challenge.tired"
"#;
        let codebook = Codebook::from_toml_str(text, Path::new("demo.toml")).expect("codebook");
        assert_eq!(codebook.current_id("challenge.tired"), "challenge.fatigue");
        assert_eq!(codebook.current_id("challenge.other"), "challenge.other");
        let coding = |quote: &str, theme: &str| Coding {
            quote: quote.into(),
            theme: theme.into(),
            score: None,
            origin: crate::Origin::Manual,
            coder: Some("jo".into()),
            evidence: Vec::new(),
        };
        let migrated = codebook.migrate(vec![
            coding("a:1", "challenge.money"),
            coding("a:1", "challenge.grants"),
            coding("a:2", "challenge.tired"),
            coding("a:3", "challenge.gone"),
        ]);
        let themes: Vec<(&str, &str)> = migrated
            .iter()
            .map(|c| (c.quote.as_str(), c.theme.as_str()))
            .collect();
        assert_eq!(
            themes,
            [
                ("a:1", "challenge.funding"),
                ("a:2", "challenge.fatigue"),
                ("a:3", "challenge.gone"),
            ]
        );
    }

    #[test]
    fn a_theme_merged_into_another_is_not_coded_and_its_codings_move() {
        let text = "[codebook]\nid = \"c\"\nname = \"C\"\n\
            [[theme]]\nid = \"c.money\"\ncategory = \"c\"\nname = \"Money\"\n\
            [[theme]]\nid = \"c.grants\"\ncategory = \"c\"\nname = \"Grants\"\nmerged_into = \"c.money\"\n";
        let codebook = Codebook::from_toml_str(text, "c.toml").expect("codebook");
        let ids: Vec<&str> = codebook.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["c.money"]);
        assert_eq!(codebook.current_id("c.grants"), "c.money");
        let again = Codebook::from_toml_str(&codebook.to_toml_string().expect("toml"), "c.toml")
            .expect("read back");
        assert_eq!(again, codebook, "merged themes written back");
        let wrong = text.replace("merged_into = \"c.money\"", "merged_into = \"c.mony\"");
        let error = Codebook::from_toml_str(&wrong, "c.toml").expect_err("unknown target");
        assert!(
            error
                .to_string()
                .starts_with("c.toml:12: theme c.grants is merged_into \"c.mony\""),
            "{error}"
        );
    }
}
