//! Person-name normalisation shared by roster matching everywhere.

/// Honorifics and titles that do not distinguish people ("Professor Mathieson" is Mathieson).
const TITLES: &[&str] = &[
    "professor",
    "prof",
    "dr",
    "doctor",
    "cllr",
    "councillor",
    "sir",
    "dame",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "lord",
    "lady",
    "baroness",
    "baron",
    "rev",
    "revd",
    "reverend",
];

/// Lower-cases a name, unifies apostrophes and dashes, drops full stops and collapses
/// white space: `"  Dr. Sam  O’Neill "` becomes `"dr sam o'neill"`. Titles are kept;
/// see [`strip_titles`].
pub fn normalise_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '`' | '\u{b4}' => out.push('\''),
            '\u{2010}'..='\u{2013}' => out.push('-'),
            '.' | '*' | '_' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Drops leading titles from a normalised name (`"cllr jane doe"` -> `"jane doe"`). A name
/// made only of titles is returned unchanged, since it is then the only handle there is.
pub fn strip_titles(normalised: &str) -> &str {
    let mut rest = normalised;
    loop {
        let (first, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        if tail.is_empty() || !TITLES.contains(&first) {
            return rest;
        }
        rest = tail;
    }
}

/// Common English short forms whose spelling is not a prefix of the full name.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("bill", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("rob", "robert"),
    ("bobby", "robert"),
    ("dick", "richard"),
    ("rick", "richard"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("jamie", "james"),
    ("jack", "john"),
    ("johnny", "john"),
    ("mike", "michael"),
    ("mick", "michael"),
    ("peggy", "margaret"),
    ("maggie", "margaret"),
    ("meg", "margaret"),
    ("liz", "elizabeth"),
    ("beth", "elizabeth"),
    ("betty", "elizabeth"),
    ("kate", "katherine"),
    ("kate", "catherine"),
    ("katie", "katherine"),
    ("cathy", "catherine"),
    ("sandy", "alexander"),
    ("sandy", "alexandra"),
    ("alex", "alexander"),
    ("sasha", "alexandra"),
    ("ted", "edward"),
    ("ned", "edward"),
    ("harry", "henry"),
    ("hal", "henry"),
    ("tony", "anthony"),
    ("chuck", "charles"),
    ("charlie", "charles"),
    ("jenny", "jennifer"),
    ("sue", "susan"),
    ("suzy", "susan"),
    ("di", "diana"),
    ("nick", "nicholas"),
    ("andy", "andrew"),
    ("drew", "andrew"),
    ("steve", "stephen"),
    ("steve", "steven"),
    ("tom", "thomas"),
    ("tommy", "thomas"),
    ("dave", "david"),
    ("pat", "patricia"),
    ("pat", "patrick"),
    ("paddy", "patrick"),
    ("chris", "christopher"),
    ("chris", "christine"),
    ("fred", "frederick"),
    ("ben", "benjamin"),
    ("matt", "matthew"),
    ("jo", "joanna"),
    ("jo", "joanne"),
    ("jo", "josephine"),
    ("joe", "joseph"),
    ("sam", "samuel"),
    ("sam", "samantha"),
    ("tomek", "tomasz"),
    ("toby", "tobias"),
    ("gordie", "gordon"),
    ("immy", "imogen"),
];

pub(crate) fn same_first_name(short: &str, full: &str) -> bool {
    short == full
        || (short.chars().count() >= 3 && full.starts_with(short))
        || (full.chars().count() >= 3 && short.starts_with(full))
        || SHORT_FORMS
            .iter()
            .any(|&(s, f)| (s == short && f == full) || (s == full && f == short))
}

/// Folds characters that text extraction confuses: `l`, `1`, `!` and `|` read as `i`,
/// except that `|` opening a name stands for `j`.
pub(crate) fn ocr_fold(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for (i, c) in key.chars().enumerate() {
        out.push(match c {
            '|' if i == 0 => 'j',
            'l' | '1' | '!' | '|' => 'i',
            '0' => 'o',
            c => c,
        });
    }
    out
}

/// Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`.
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_punctuation_and_space() {
        assert_eq!(normalise_name("  Dr. Sam  O’Neill "), "dr sam o'neill");
        assert_eq!(normalise_name("TOMASZ WIŚNIEWSKI"), "tomasz wiśniewski");
        assert_eq!(normalise_name("Okonkwo–Reid"), "okonkwo-reid");
    }

    #[test]
    fn strips_any_number_of_leading_titles() {
        assert_eq!(strip_titles("professor sir john smith"), "john smith");
        assert_eq!(strip_titles("cllr achterberg"), "achterberg");
        assert_eq!(strip_titles("dr"), "dr");
        assert_eq!(strip_titles("drew barry"), "drew barry");
    }

    #[test]
    fn edit_distance_is_bounded_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting", 5), 3);
        assert_eq!(edit_distance("abc", "abc", 1), 0);
        assert_eq!(edit_distance("abcdef", "a", 2), 3);
    }
}
