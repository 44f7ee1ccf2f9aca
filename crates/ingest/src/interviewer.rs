//! Who asks the questions, when nothing says so: a transcript exported from a video call
//! or a transcription service names its speakers (`Sarah Jones`, `Speaker 1`) but not
//! their sides. The interviewer is then the speaker most of whose turns are questions,
//! when one clearly is; otherwise nobody is guessed.

use std::collections::BTreeMap;

use crate::marker::{GenericRole, LabelShape, label_shape};
use crate::transcript::Transcript;

/// Least share of a speaker's turns that must be questions.
const MIN_SHARE: f64 = 0.5;
/// Least lead of that share over every other speaker's.
const MIN_LEAD: f64 = 0.3;

/// The label guessed to be the interviewer's, with how many of its turns are questions and
/// how many turns it has; `None` when a label already says who asks (`Q`, `Interviewer`),
/// fewer than two speakers talk, or no speaker clearly asks.
pub(crate) fn guess_interviewer(transcript: &Transcript) -> Option<(String, usize, usize)> {
    let mut turns: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for turn in &transcript.turns {
        let Some(label) = turn.label.as_deref() else {
            continue;
        };
        if label_shape(label) == Some(LabelShape::Generic(GenericRole::Interviewer)) {
            return None;
        }
        let asks = turn
            .paragraphs
            .last()
            .and_then(|r| transcript.text.get(r.clone()))
            .is_some_and(is_question);
        let entry = turns.entry(label).or_default();
        entry.0 += usize::from(asks);
        entry.1 += 1;
    }
    if turns.len() < 2 {
        return None;
    }
    let share = |(asks, all): (usize, usize)| asks as f64 / all.max(1) as f64;
    let mut ranked: Vec<(&str, (usize, usize))> = turns.into_iter().collect();
    ranked.sort_by(|a, b| share(b.1).total_cmp(&share(a.1)).then(a.0.cmp(b.0)));
    let (label, counts) = ranked[0];
    let lead = share(counts) - share(ranked[1].1);
    (share(counts) >= MIN_SHARE && counts.0 >= 2 && lead >= MIN_LEAD)
        .then(|| (label.to_string(), counts.0, counts.1))
}

/// Whether a turn's last words end in a question mark (closing quotes and brackets aside).
fn is_question(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', ')', '\u{201d}', '\u{2019}'])
        .ends_with('?')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::turns::parse_turns;

    fn guess(text: &str) -> Option<(String, usize, usize)> {
        guess_interviewer(&parse_turns(text.to_string(), &|_| false))
    }

    #[test]
    fn the_speaker_who_asks_is_the_interviewer() {
        let text = "Sarah Jones: How was the year?\n\nTom Brennan: Hard. Staff are tired.\n\nSarah Jones: And partners?\n\nTom Brennan: Better than ever. Why do you ask?\n\nSarah Jones: Thank you.\n\nTom Brennan: Bye.\n";
        assert_eq!(guess(text), Some(("Sarah Jones".to_string(), 2, 3)));
    }

    #[test]
    fn nobody_is_guessed_without_a_clear_asker_or_with_role_labels() {
        let even = "Ann Lee: Why?\n\nBo Chan: Why not?\n\nAnn Lee: Fine?\n\nBo Chan: Yes?\n";
        assert_eq!(guess(even), None);
        let labelled = "Q: How?\n\nA: Well.\n\nQ: And?\n\nA: Done.\n";
        assert_eq!(guess(labelled), None);
        let alone = "Ann Lee: Why? Who knows?\n\nAnn Lee: Anyone?\n";
        assert_eq!(guess(alone), None);
    }
}
