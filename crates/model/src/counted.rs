/// `n` and the noun, singular for one: `1 quote`, `2 quotes`, `0 quotes`. For the regular
/// English plurals our messages use (quote, code, speaker, source, theme).
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(1, "quote"), "1 quote");
        assert_eq!(counted(0, "quote"), "0 quotes");
        assert_eq!(counted(12, "speaker"), "12 speakers");
    }
}
