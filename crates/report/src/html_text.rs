//! Text as HTML: escaped, and with Markdown emphasis shown as emphasis.
//!
//! Quotes taken from Markdown sources keep their emphasis marks (`*really*`, `**never**`,
//! `_again_`), since a quote is the source's exact words. HTML shows those as emphasis
//! rather than as stray asterisks; anything that is not a balanced pair around words (a
//! footnote star, `snake_case`, `2 * 3`) stays as written.

/// Longest emphasis looked for, in chars: emphasis marks a few words, and a bound keeps
/// a long quote full of lone stars linear.
const LONGEST_SPAN: usize = 300;

/// `text` escaped for HTML, with Markdown emphasis pairs as `<em>` and `<strong>`.
pub fn emphasised(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut plain = String::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((mark, end)) = pair_at(&chars, i) {
            out.push_str(&escape(&plain));
            plain.clear();
            let inner: String = chars[i + mark.len()..end].iter().collect();
            let tag = if mark.len() == 2 { "strong" } else { "em" };
            out.push_str(&format!("<{tag}>{}</{tag}>", emphasised(&inner)));
            i = end + mark.len();
        } else {
            plain.push(chars[i]);
            i += 1;
        }
    }
    out.push_str(&escape(&plain));
    out
}

/// The emphasis mark opening at `i` and where its closing mark starts, when `i` opens a
/// balanced pair on the same line: the mark is followed by a non-space, the closing one
/// preceded by a non-space, and an underscore pair is not inside a word.
fn pair_at(chars: &[char], i: usize) -> Option<(&'static str, usize)> {
    let c = chars[i];
    if c != '*' && c != '_' {
        return None;
    }
    let double = chars.get(i + 1) == Some(&c);
    let mark: &'static str = match (c, double) {
        ('*', true) => "**",
        ('*', false) => "*",
        ('_', true) => "__",
        _ => "_",
    };
    let width = mark.len();
    let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
    if c == '_' && i > 0 && word(chars.get(i - 1)) {
        return None;
    }
    let first = chars.get(i + width)?;
    if first.is_whitespace() || *first == c {
        return None;
    }
    let mut j = i + width + 1;
    let last = chars.len().min(i + width + LONGEST_SPAN);
    while j + width <= last {
        if chars[j] == '\n' {
            return None;
        }
        let closes = chars[j..j + width].iter().all(|&m| m == c)
            && chars.get(j + width) != Some(&c)
            && !chars[j - 1].is_whitespace()
            && !(c == '_' && word(chars.get(j + width)));
        if closes {
            return Some((mark, j));
        }
        j += 1;
    }
    None
}

/// Escapes text for HTML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_marks_around_words_become_emphasis() {
        assert_eq!(
            emphasised("it was *really* hard"),
            "it was <em>really</em> hard"
        );
        assert_eq!(
            emphasised("we **never** stopped"),
            "we <strong>never</strong> stopped"
        );
        assert_eq!(emphasised("_all_ of us"), "<em>all</em> of us");
        assert_eq!(
            emphasised("**the *whole* team**"),
            "<strong>the <em>whole</em> team</strong>"
        );
    }

    #[test]
    fn other_stars_and_underscores_stay_as_written() {
        for text in [
            "2 * 3 is 6",
            "a footnote*",
            "snake_case_name here",
            "* a list mark",
            "open *but never closed",
            "across *two\nlines*",
            "****",
            "*",
            "_",
        ] {
            assert_eq!(emphasised(text), escape(text), "{text:?}");
        }
    }

    #[test]
    fn text_inside_emphasis_is_escaped() {
        assert_eq!(
            emphasised("*<b> & \"q\"*"),
            "<em>&lt;b&gt; &amp; &quot;q&quot;</em>"
        );
    }
}
