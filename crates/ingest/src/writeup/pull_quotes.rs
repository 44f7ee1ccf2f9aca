//! Pull quotes without quotation marks: a paragraph of speech over an attribution line.

use super::attribution::Attribution;
use super::clause::{Who, attribution_line};
use super::layout::Layout;
use super::spans::Span;

/// An unmarked pull quote.
pub struct Pull {
    pub span: Span,
    pub text: String,
    pub attribution: Attribution,
}

fn has_bracketed_year(text: &str) -> bool {
    text.match_indices('(').any(|(i, _)| {
        let inside: String = text[i + 1..].chars().take_while(|&c| c != ')').collect();
        inside
            .split(|c: char| !c.is_ascii_digit())
            .any(|n| n.len() == 4 && (n.starts_with("19") || n.starts_with("20")))
    })
}

const FIRST_PERSON: &[&str] = &[
    "i", "we", "our", "us", "my", "me", "i'm", "we're", "we've", "i've", "we'll", "ours",
];

/// Finds paragraphs that are speech followed by an attribution line, outside the
/// quotations already found.
pub fn unmarked(text: &str, layout: &Layout, marked: &[Span], min_words: usize) -> Vec<Pull> {
    let mut pulls = Vec::new();
    for (index, paragraph) in layout.paragraphs.iter().enumerate() {
        let Some(next) = layout.paragraphs.get(index + 1) else {
            break;
        };
        let body = &text[paragraph.range.clone()];
        if body.contains(['“', '”', '"'])
            || marked
                .iter()
                .any(|s| s.open < paragraph.range.end && paragraph.range.start < s.close)
        {
            continue;
        }
        let words: Vec<&str> = body.split_whitespace().collect();
        let cites = body.contains("www.") || body.contains("http") || has_bracketed_year(body);
        if words.len() < min_words || words.len() > 150 || cites || attribution_line(body).is_some()
        {
            continue;
        }
        let line = &text[next.range.clone()];
        let Some(who) = attribution_line(line) else {
            continue;
        };
        let first_person = words.iter().any(|w| {
            let bare = w
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .to_lowercase()
                .replace('’', "'");
            FIRST_PERSON.contains(&bare.as_str())
        });
        let sentence = body.trim_end().ends_with(['.', '!', '?']);
        let structured_line = line.contains(',') || matches!(who, Who::Named { .. });
        if !(first_person || (sentence && structured_line)) {
            continue;
        }
        pulls.push(Pull {
            span: Span {
                open: paragraph.range.start,
                close: paragraph.range.end,
                segments: vec![paragraph.range.clone()],
                first_paragraph: index,
                last_paragraph: index,
            },
            text: super::words::collapse(body),
            attribution: Attribution {
                who,
                context: None,
                line: Some(index + 1),
            },
        });
    }
    pulls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_over_a_role_line_is_a_pull_quote() {
        let text = "With less money we had to work with everyone else in the borough.\n\nCouncil Leader\n\n\
                    Introduction\n\nThe study looked at six places and many partnerships over a year.\n\nKey findings\n";
        let layout = Layout::new(text);
        let pulls = unmarked(text, &layout, &[], 5);
        assert_eq!(pulls.len(), 1);
        assert_eq!(
            pulls[0].text,
            "With less money we had to work with everyone else in the borough."
        );
        assert!(
            matches!(&pulls[0].attribution.who, Who::Anonymous { role: Some(r), .. } if r == "Council Leader")
        );
    }
}
