//! A limit on how deeply a query may nest: the query parser descends once per level, so a
//! search of ten thousand opening parentheses would overflow the stack and abort the
//! process (in `verbatim serve`, one request would take the service down). No real query
//! comes near the limit.

/// Deepest nesting of parentheses and prefix operators a query may have.
pub const MAX_NESTING: usize = 32;

/// Checks that `query` nests at most [`MAX_NESTING`] levels deep; the error says how deep
/// it goes. Parentheses inside `"phrases"` do not count.
pub(crate) fn check_nesting(query: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_phrase = false;
    let mut unary_run = 0usize;
    for word in query.split_whitespace() {
        let unary = !in_phrase && matches!(word, "NOT" | "-" | "+");
        unary_run = if unary { unary_run + 1 } else { 0 };
        deepest = deepest.max(depth + unary_run);
        for c in word.chars() {
            match c {
                '"' => in_phrase = !in_phrase,
                '(' if !in_phrase => {
                    depth += 1;
                    deepest = deepest.max(depth + unary_run);
                }
                ')' if !in_phrase => depth = depth.saturating_sub(1),
                '-' | '+' if !in_phrase => {
                    unary_run += 1;
                    deepest = deepest.max(depth + unary_run);
                }
                _ => {}
            }
        }
    }
    if deepest > MAX_NESTING {
        Err(format!(
            "the query nests {deepest} levels deep; at most {MAX_NESTING} are allowed"
        ))
    } else {
        Ok(())
    }
}

/// Parses `query` with `parser` once its nesting is within the limit: the one way every
/// query (a reader's search, a rule's raw query) is parsed. The error is in words.
pub(crate) fn parse_bounded(
    parser: &tantivy::query::QueryParser,
    query: &str,
) -> Result<Box<dyn tantivy::query::Query>, String> {
    check_nesting(query)?;
    parser.parse_query(query).map_err(|e| e.to_string())
}

/// A query that would not parse, as the coder's error.
pub(crate) fn query_error(query: &str, message: String) -> crate::CoderError {
    crate::CoderError::Query {
        theme: String::new(),
        rule: 0,
        query: query.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_queries_pass_and_deep_ones_are_refused() {
        for ok in [
            "tired OR exhausted",
            "(money OR funding) AND NOT \"raised money\"",
            "\"((((((((((((((((((((((((((((((((((((( in a phrase\"",
            "-tyre +staff",
        ] {
            assert_eq!(check_nesting(ok), Ok(()), "{ok}");
        }
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let error = check_nesting(&deep).expect_err("too deep");
        assert!(error.contains("10000 levels"), "{error}");
        assert!(check_nesting(&"NOT ".repeat(5_000)).is_err());
        assert!(check_nesting(&"-".repeat(5_000)).is_err());
    }
}
