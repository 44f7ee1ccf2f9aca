//! The optional `---` block of `key: value` lines that opens a transcript.

/// File-level facts from a front-matter block, keys lower-cased, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// `(key, value)` pairs.
    pub entries: Vec<(String, String)>,
    /// Why a block that began like front matter was not read as one (a line that is not
    /// `key: value`, no closing `---`), with its line: worth a warning, since its facts
    /// are lost and its lines read as the transcript's.
    pub problem: Option<String>,
}

impl FrontMatter {
    /// The value of a key, if present and non-empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The names a key lists, split on `;` and ` and `.
    pub fn names(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|value| {
                value
                    .split(';')
                    .flat_map(|part| part.split(" and "))
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Splits a front-matter block off the start of `text`. Returns the block and the byte
/// offset where the body begins; a text without a well-formed block returns an empty one
/// and offset 0. Every non-blank line between the fences must be `key: value`, so a
/// transcript that merely starts with a horizontal rule is left alone.
pub fn split_front_matter(text: &str) -> (FrontMatter, usize) {
    let mut lines = line_spans(text);
    let Some((0, first_end)) = lines.next() else {
        return (FrontMatter::default(), 0);
    };
    if text[..first_end].trim_end() != "---" {
        return (FrontMatter::default(), 0);
    }
    let mut entries = Vec::new();
    // Only a block that has begun to look like front matter (a `key: value` line) earns a
    // warning when it goes wrong; a transcript opening with a rule is left alone.
    let refused = |entries: &Vec<(String, String)>, why: String| {
        let problem = (!entries.is_empty()).then(|| {
            format!(
                "{why}; the block opened by `---` on line 1 is read as text, not as front matter"
            )
        });
        (
            FrontMatter {
                entries: Vec::new(),
                problem,
            },
            0,
        )
    };
    for (number, (start, end)) in lines.enumerate() {
        let line_number = number + 2;
        let line = text[start..end].trim();
        if line == "---" || line == "..." {
            let body = text[end..]
                .strip_prefix("\r\n")
                .or_else(|| text[end..].strip_prefix('\n'))
                .map_or(text.len(), |rest| text.len() - rest.len());
            return (
                FrontMatter {
                    entries,
                    problem: None,
                },
                body,
            );
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return refused(&entries, format!("line {line_number}: not `key: value`"));
        };
        let key = key.trim().to_lowercase();
        if key.is_empty() || key.split_whitespace().count() > 3 {
            return refused(
                &entries,
                format!(
                    "line {line_number}: `{}` is not a front-matter key",
                    key.trim()
                ),
            );
        }
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_string();
        entries.push((key, value));
    }
    refused(&entries, "no closing `---`".to_string())
}

/// Byte spans `(start, end)` of each line, without its line ending.
pub(crate) fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let (length, advance) = match rest.find(['\n', '\r']) {
            Some(i) if rest[i..].starts_with("\r\n") => (i, i + 2),
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let span = (start, start + length);
        start += advance;
        Some(span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_finds_the_body() {
        let text = "---\r\ninterviewee: Nasreen Iqbal\r\nRound: \"2021\"\r\n---\r\nQ: Hello?\r\n";
        let (front, body) = split_front_matter(text);
        assert_eq!(front.get("interviewee"), Some("Nasreen Iqbal"));
        assert_eq!(front.get("round"), Some("2021"));
        assert_eq!(&text[body..], "Q: Hello?\r\n");
    }

    #[test]
    fn a_rule_followed_by_prose_is_not_front_matter() {
        let text = "---\nJo said this was fine. Then it was not\n---\n";
        assert_eq!(split_front_matter(text), (FrontMatter::default(), 0));
        assert_eq!(split_front_matter(""), (FrontMatter::default(), 0));
    }

    #[test]
    fn a_block_that_began_as_front_matter_and_went_wrong_says_so() {
        let (front, body) = split_front_matter("---\nkey: value\n");
        assert_eq!((front.entries.len(), body), (0, 0));
        assert_eq!(
            front.problem.as_deref(),
            Some(
                "no closing `---`; the block opened by `---` on line 1 is read as text, not as front matter"
            )
        );
        let (front, _) = split_front_matter("---\nround: R1\nDana\nJo: hi there\n---\n");
        assert!(
            front
                .problem
                .as_deref()
                .is_some_and(|p| p.starts_with("line 3: not `key: value`")),
            "{front:?}"
        );
    }

    #[test]
    fn lists_several_names() {
        let (front, _) =
            split_front_matter("---\ninterviewee: A Person; B Person and C Person\n---\n");
        assert_eq!(
            front.names("interviewee"),
            ["A Person", "B Person", "C Person"]
        );
    }

    #[test]
    fn line_spans_handle_every_line_ending() {
        let spans: Vec<_> = line_spans("a\r\nbb\rc\n\nd").collect();
        assert_eq!(spans, [(0, 1), (3, 5), (6, 7), (8, 8), (9, 10)]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_the_body_offset_is_a_boundary(text in "(---\n|key: value\n|\r\n|\\PC){0,40}") {
            let (_, body) = split_front_matter(&text);
            proptest::prop_assert!(text.is_char_boundary(body));
        }
    }
}
