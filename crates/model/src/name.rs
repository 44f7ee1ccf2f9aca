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
}
