//! A limit on how deeply a query may nest: the query parser descends once per level, so a
//! search of ten thousand opening parentheses would overflow the stack and abort the
//! process (in `verbatim serve`, one request would take the service down). No real query
//! comes near the limit.

use tantivy::query::{BooleanQuery, Occur, Query};

/// Deepest nesting of parentheses and prefix operators a query may have.
pub const MAX_NESTING: usize = 32;
/// Most words a phrase may let stand between its own (`"a b"~N`): sloppy phrase matching
/// of a phrase with repeated words grows steeply with the slop (a fuzzed `"s a a ... a"~2224`
/// searched for over ten seconds), and real searches stay within a sentence.
pub const MAX_SLOP: u64 = 32;

/// Checks every `~N` of `query` (a phrase's slop) is at most [`MAX_SLOP`]; counting any
/// `~` and digits, inside phrases too, can only over-count.
pub(crate) fn check_slop(query: &str) -> Result<(), String> {
    for (at, _) in query.match_indices('~') {
        let digits: String = query[at + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.is_empty() {
            continue;
        }
        if digits.len() > 6 || digits.parse::<u64>().unwrap_or(u64::MAX) > MAX_SLOP {
            return Err(format!(
                "a phrase's slop ~{digits} is over {MAX_SLOP} (words allowed between the phrase's words)"
            ));
        }
    }
    Ok(())
}

/// Checks that `query` nests at most [`MAX_NESTING`] levels deep; the error says how deep
/// it goes.
///
/// Every parenthesis and prefix operator counts, inside `"phrases"` too: telling where a
/// phrase ends takes the parser's own rules for escapes (`\"` does not end one), and an
/// input that fooled a simpler reading once hid ten thousand levels behind `\"`. Counting
/// them all can only over-count, and only a phrase holding dozens of parentheses would
/// notice.
pub(crate) fn check_nesting(query: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut unary_run = 0usize;
    for word in query.split_whitespace() {
        let unary = matches!(word, "NOT" | "-" | "+");
        unary_run = if unary { unary_run + 1 } else { 0 };
        deepest = deepest.max(depth + unary_run);
        for c in word.chars() {
            match c {
                '(' => {
                    depth += 1;
                    deepest = deepest.max(depth + unary_run);
                }
                ')' => depth = depth.saturating_sub(1),
                '-' | '+' => {
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
) -> Result<Box<dyn Query>, String> {
    check_nesting(query)?;
    check_slop(query)?;
    let parsed = parser.parse_query(query).map_err(|e| e.to_string())?;
    Ok(fold_exclusions(parsed))
}

/// `a AND NOT b` as the parser builds it is "a, and a clause that only excludes b", which
/// matches nothing (a clause of exclusions alone has no documents to exclude from). What
/// the writer means is "a, excluding b": each required clause made only of exclusions
/// gives its exclusions to the clause around it, all the way down.
fn fold_exclusions(query: Box<dyn Query>) -> Box<dyn Query> {
    let Some(boolean) = query.downcast_ref::<BooleanQuery>() else {
        return query;
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (occur, clause) in boolean.clauses() {
        let clause = fold_exclusions(clause.box_clone());
        let only_exclusions = clause
            .downcast_ref::<BooleanQuery>()
            .filter(|inner| {
                !inner.clauses().is_empty()
                    && inner.clauses().iter().all(|(o, _)| *o == Occur::MustNot)
            })
            .map(|inner| {
                inner
                    .clauses()
                    .iter()
                    .map(|(o, q)| (*o, q.box_clone()))
                    .collect::<Vec<_>>()
            });
        match only_exclusions {
            Some(exclusions) if *occur == Occur::Must => clauses.extend(exclusions),
            _ => clauses.push((*occur, clause)),
        }
    }
    Box::new(BooleanQuery::new(clauses))
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
    fn a_phrase_slop_over_the_limit_is_refused() {
        assert_eq!(check_slop("\"second wave\"~3 OR tired"), Ok(()));
        assert_eq!(check_slop("~ and ~x"), Ok(()));
        let error = check_slop("\"s a a a a\"~2224").expect_err("too sloppy");
        assert!(error.contains("~2224 is over 32"), "{error}");
        assert!(check_slop("\"a b\"~99999999999999999999999").is_err());
    }

    #[test]
    fn ordinary_queries_pass_and_deep_ones_are_refused() {
        for ok in [
            "tired OR exhausted",
            "(money OR funding) AND NOT \"raised money\"",
            "\"a phrase (with a parenthesis)\" and \\\"escaped quotes\\\"",
            "-tyre +staff",
        ] {
            assert_eq!(check_nesting(ok), Ok(()), "{ok}");
        }
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let error = check_nesting(&deep).expect_err("too deep");
        assert!(error.contains("10000 levels"), "{error}");
        assert!(check_nesting(&"NOT ".repeat(5_000)).is_err());
        assert!(check_nesting(&"-".repeat(5_000)).is_err());
        // An escaped quote does not open a phrase that would hide the parentheses.
        let hidden = format!("a\\\" {}b{}", "(".repeat(20_000), ")".repeat(20_000));
        assert!(check_nesting(&hidden).is_err());
    }
}
