//! Small talk: the greetings, thanks and call logistics that open and close an interview
//! ("Hi Ben, no problem. Happy to help.", "Can you hear me now?"). They are turns like
//! any other, but they say nothing a codebook could be about, and counted as quotes they
//! would swell every denominator.
//!
//! A turn is small talk when it is short, holds at least one social or logistics word,
//! and every other word is a function word, a filler or a name. One content word
//! ("funding", "volunteers") makes it an answer.

/// Longest small-talk turn, in words.
const MAX_WORDS: usize = 25;

/// Words that mark a turn as social or about the call itself.
const SOCIAL: &[&str] = &[
    "afternoon",
    "apologies",
    "audio",
    "bye",
    "camera",
    "cheers",
    "connection",
    "evening",
    "froze",
    "frozen",
    "glad",
    "goodbye",
    "happy",
    "hear",
    "hello",
    "hey",
    "hi",
    "hiya",
    "internet",
    "join",
    "joined",
    "joining",
    "lovely",
    "meet",
    "meeting",
    "morning",
    "mute",
    "muted",
    "nice",
    "pleasure",
    "record",
    "recorded",
    "recording",
    "screen",
    "share",
    "sharing",
    "signal",
    "sorry",
    "thank",
    "thanks",
    "unmute",
    "unmuted",
    "video",
    "welcome",
    "wifi",
];

/// Words that carry no content of their own in such a turn.
const FILLER: &[&str] = &[
    "a",
    "about",
    "absolutely",
    "again",
    "ah",
    "all",
    "alright",
    "am",
    "an",
    "and",
    "any",
    "anytime",
    "are",
    "as",
    "at",
    "back",
    "be",
    "been",
    "bit",
    "brilliant",
    "but",
    "by",
    "can",
    "cant",
    "could",
    "course",
    "day",
    "definitely",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "dont",
    "each",
    "er",
    "erm",
    "everybody",
    "everyone",
    "fine",
    "for",
    "from",
    "get",
    "go",
    "going",
    "good",
    "got",
    "great",
    "had",
    "has",
    "have",
    "having",
    "he",
    "help",
    "her",
    "here",
    "him",
    "hmm",
    "hope",
    "how",
    "i",
    "if",
    "im",
    "in",
    "is",
    "it",
    "its",
    "ive",
    "just",
    "know",
    "let",
    "lets",
    "little",
    "me",
    "mhm",
    "moment",
    "much",
    "my",
    "myself",
    "no",
    "nope",
    "not",
    "now",
    "of",
    "oh",
    "ok",
    "okay",
    "on",
    "one",
    "oops",
    "or",
    "our",
    "out",
    "perfect",
    "please",
    "problem",
    "ready",
    "really",
    "right",
    "second",
    "see",
    "shall",
    "she",
    "should",
    "so",
    "soon",
    "speak",
    "start",
    "started",
    "sure",
    "talk",
    "that",
    "thats",
    "the",
    "them",
    "then",
    "there",
    "they",
    "theyre",
    "this",
    "time",
    "to",
    "today",
    "too",
    "uh",
    "um",
    "up",
    "us",
    "very",
    "wait",
    "was",
    "we",
    "well",
    "were",
    "what",
    "whats",
    "when",
    "will",
    "with",
    "worries",
    "would",
    "ya",
    "yeah",
    "yep",
    "yes",
    "you",
    "your",
    "youre",
    "yourself",
];

/// Whether `text` is small talk rather than an answer.
pub fn is_smalltalk(text: &str) -> bool {
    let mut social = false;
    let mut count = 0;
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        count += 1;
        if count > MAX_WORDS {
            return false;
        }
        let ends_sentence = raw.ends_with(['.', '!', '?', ':', ';']);
        let vocative = raw.ends_with(',');
        let word: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        let at_start = std::mem::replace(&mut sentence_start, ends_sentence);
        if word.is_empty() {
            continue;
        }
        if SOCIAL.binary_search(&word.as_str()).is_ok() {
            social = true;
        } else if FILLER.binary_search(&word.as_str()).is_err()
            && !is_name(raw, at_start && !vocative)
        {
            return false;
        }
    }
    social
}

/// A name as greetings use one ("Hi Ben", "Thanks, Dr Okafor", "Ana, hello"): capitalised,
/// not all capitals (an acronym is content), and not merely capitalised because it opens
/// a sentence.
fn is_name(raw: &str, opens_sentence: bool) -> bool {
    let letters: Vec<char> = raw.chars().filter(|c| c.is_alphabetic()).collect();
    let capitalised = letters.first().is_some_and(|c| c.is_uppercase());
    let acronym = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    capitalised && !acronym && !opens_sentence && !raw.chars().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        assert!(SOCIAL.windows(2).all(|w| w[0] < w[1]));
        assert!(FILLER.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn greetings_thanks_and_logistics_are_small_talk() {
        for text in [
            "Hi Ben, no problem. Happy to help.",
            "Hello! Can you hear me okay?",
            "Sorry, I was on mute.",
            "Thanks so much for having me, it's a pleasure.",
            "Ana, hello, nice to see you again.",
            "Yes, I can hear you fine now. Sorry about that, my wifi froze.",
            "Thank you. Bye!",
            "Of course, happy for you to record.",
        ] {
            assert!(is_smalltalk(text), "{text}");
        }
    }

    #[test]
    fn answers_are_not_small_talk() {
        for text in [
            "Thanks. The funding came late and we lost two volunteers.",
            "Yes, definitely.",
            "No.",
            "Sorry, the NHS trust never called back.",
            "Happy with how the food bank coped, honestly.",
            "Hi. We opened the hub in four days and it has not closed since, not once, even at Christmas when every other service in the county shut its doors for a week.",
            "Leeds was brilliant.",
        ] {
            assert!(!is_smalltalk(text), "{text}");
        }
    }
}
