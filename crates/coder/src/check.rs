//! Codebook validation for `verbatim codebook check`: every problem, each with the line
//! and column where it sits, rather than the first one only.

use std::collections::HashMap;
use std::path::Path;

use verbatim_model::{Codebook, Error as ModelError};

use crate::compile::compile_theme;

/// A problem found in a codebook file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Checks codebook TOML text. A file that does not parse gives one problem (the parser
/// stops there); a file that parses is checked for id shapes, duplicates, unknown
/// categories, themes without rules and rules that cannot work.
pub fn check_codebook(text: &str, path: &Path) -> (Option<Codebook>, Vec<Problem>) {
    let codebook = match Codebook::from_toml_str(text, path) {
        Ok(codebook) => codebook,
        Err(ModelError::Parse {
            line,
            column,
            message,
            ..
        }) => {
            return (
                None,
                vec![Problem {
                    line,
                    column: column.unwrap_or(1),
                    message,
                }],
            );
        }
        Err(other) => {
            return (
                None,
                vec![Problem {
                    line: 1,
                    column: 1,
                    message: other.to_string(),
                }],
            );
        }
    };
    let mut places = IdPlaces::new(text);
    let mut problems = Vec::new();
    let mut categories: HashMap<&str, usize> = HashMap::new();
    for category in &codebook.categories {
        let (line, column) = places.next(&category.id);
        if !is_slug(&category.id) {
            problems.push(Problem {
                line,
                column,
                message: format!(
                    "category id `{}` must be lower-case letters, digits and hyphens",
                    category.id
                ),
            });
        }
        if categories.insert(&category.id, line).is_some() {
            problems.push(Problem {
                line,
                column,
                message: format!("category id `{}` is used twice", category.id),
            });
        }
    }
    let mut themes: HashMap<&str, usize> = HashMap::new();
    let mut renamed: HashMap<&str, &str> = HashMap::new();
    for theme in &codebook.themes {
        let (line, column) = places.next(&theme.id);
        let mut report = |message: String| {
            problems.push(Problem {
                line,
                column,
                message,
            })
        };
        match theme.id.split_once('.') {
            Some((prefix, slug)) if is_slug(prefix) && is_slug(slug) => {
                if prefix != theme.category {
                    report(format!(
                        "theme id `{}` should start with its category `{}.`",
                        theme.id, theme.category
                    ));
                }
            }
            _ => report(format!(
                "theme id `{}` must be `category.slug` (lower-case, digits, hyphens)",
                theme.id
            )),
        }
        if !categories.contains_key(theme.category.as_str()) {
            report(format!(
                "theme `{}` names unknown category `{}`",
                theme.id, theme.category
            ));
        }
        if let Some(first) = themes.insert(&theme.id, line) {
            report(format!(
                "theme id `{}` is used twice (first on line {first})",
                theme.id
            ));
        }
        if theme.rules.is_empty() {
            report(format!(
                "theme `{}` has no rules, so it can never be applied",
                theme.id
            ));
        }
        if let Some(threshold) = theme.threshold
            && !(threshold.is_finite() && threshold > 0.0)
        {
            report(format!(
                "theme `{}`: `threshold` must be a positive number, not {threshold}",
                theme.id
            ));
        }
        if let Err(error) = compile_theme(theme) {
            report(error.to_string());
        }
        for old in &theme.renamed_from {
            if codebook.theme(old).is_some() {
                report(format!(
                    "theme `{}`: renamed_from `{old}`, but `{old}` is still a theme: its codings cannot count under both",
                    theme.id
                ));
            }
            if let Some(earlier) = renamed.insert(old.as_str(), theme.id.as_str()) {
                report(format!(
                    "theme `{}`: renamed_from `{old}`, which theme `{earlier}` also claims",
                    theme.id
                ));
            }
        }
    }
    (Some(codebook), problems)
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Where each `id = "..."` is written, consumed in file order.
struct IdPlaces {
    places: HashMap<String, Vec<(usize, usize)>>,
}

impl IdPlaces {
    fn new(text: &str) -> Self {
        let mut places: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let Some(rest) = trimmed.strip_prefix("id") else {
                continue;
            };
            let Some(value) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            let column = line.len() - trimmed.len() + 1;
            places
                .entry(value.to_string())
                .or_default()
                .push((index + 1, column));
        }
        for list in places.values_mut() {
            list.reverse();
        }
        IdPlaces { places }
    }

    fn next(&mut self, id: &str) -> (usize, usize) {
        self.places.get_mut(id).and_then(Vec::pop).unwrap_or((1, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_problem_with_its_place() {
        let text = r#"[codebook]
id = "demo"
name = "Demo"

[[category]]
id = "challenge"
name = "Challenges"

[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue"
[[theme.rules]]
any = ["tired"]

[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue again"
[[theme.rules]]
any = ["exhausted"]

[[theme]]
id = "Priority.Money"
category = "priority"
name = "Money"

[[theme]]
id = "challenge.query"
category = "challenge"
name = "Bad query"
[[theme.rules]]
query = "(unclosed"
"#;
        let (codebook, problems) = check_codebook(text, Path::new("demo.toml"));
        assert!(codebook.is_some());
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 5, "{found:#?}");
        assert_eq!(
            found[0],
            (
                17,
                "theme id `challenge.fatigue` is used twice (first on line 10)"
            )
        );
        assert_eq!(found[1].0, 24);
        assert!(found[1].1.contains("must be `category.slug`"));
        assert!(found[2].1.contains("unknown category `priority`"));
        assert!(found[3].1.contains("has no rules"));
        assert_eq!(found[4].0, 29);
        assert!(found[4].1.contains("invalid query `(unclosed`"));
    }

    #[test]
    fn a_rename_must_not_leave_two_claims_on_one_id() {
        let text = "[codebook]\nid = \"c\"\nname = \"c\"\n[[category]]\nid = \"c\"\nname = \"C\"\n\
             [[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"X\"\nrenamed_from = [\"c.y\", \"c.old\"]\n[[theme.rules]]\nany = [\"tired\"]\n\
             [[theme]]\nid = \"c.y\"\ncategory = \"c\"\nname = \"Y\"\nrenamed_from = \"c.old\"\n[[theme.rules]]\nany = [\"money\"]\n";
        let (_, problems) = check_codebook(text, Path::new("t.toml"));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "theme `c.x`: renamed_from `c.y`, but `c.y` is still a theme: its codings cannot count under both",
                "theme `c.y`: renamed_from `c.old`, which theme `c.x` also claims",
            ]
        );
    }

    #[test]
    fn a_threshold_that_is_not_a_positive_number_names_the_theme() {
        let codebook = |threshold: &str| {
            format!(
                "[codebook]\nid = \"c\"\nname = \"c\"\n[[category]]\nid = \"c\"\nname = \"C\"\n\
                 [[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"X\"\nthreshold = {threshold}\n\
                 [[theme.rules]]\nany = [\"tired\"]\n"
            )
        };
        for (bad, shown) in [
            ("nan", "NaN"),
            ("inf", "inf"),
            ("-inf", "-inf"),
            ("-0.5", "-0.5"),
            ("0", "0"),
        ] {
            let (_, problems) = check_codebook(&codebook(bad), Path::new("t.toml"));
            assert_eq!(problems.len(), 1, "{bad}: {problems:?}");
            assert_eq!(problems[0].line, 8, "the theme's id line");
            assert_eq!(
                problems[0].message,
                format!("theme `c.x`: `threshold` must be a positive number, not {shown}")
            );
        }
        for good in ["0.25", "1", "2.5"] {
            let (_, problems) = check_codebook(&codebook(good), Path::new("t.toml"));
            assert!(problems.is_empty(), "{good}: {problems:?}");
        }
    }

    #[test]
    fn parse_errors_come_with_line_and_column() {
        let (codebook, problems) = check_codebook(
            "[codebook]\nid = \"x\"\nname = \"y\"\ncolour = 1\n",
            Path::new("x.toml"),
        );
        assert!(codebook.is_none());
        assert_eq!((problems[0].line, problems[0].column), (4, 1));
        assert!(problems[0].message.contains("colour"));
    }
}
