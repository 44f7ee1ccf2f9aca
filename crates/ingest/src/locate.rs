//! Byte offsets to the char offsets and line numbers quotes carry.

/// Converts increasing byte offsets to char offsets and line numbers in one pass.
pub(crate) struct Locator<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
    line: usize,
}

impl<'t> Locator<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Locator {
            text,
            byte: 0,
            chars: 0,
            line: 1,
        }
    }

    fn advance(&mut self, to: usize) {
        let stretch = &self.text[self.byte..to];
        self.chars += stretch.chars().count();
        let bytes = stretch.as_bytes();
        self.line += bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .count();
        self.byte = to;
    }

    /// `(start char, end char, line)` of a byte range at or after the last one located.
    pub(crate) fn locate(&mut self, start: usize, end: usize) -> (usize, usize, usize) {
        self.advance(start);
        let (start_char, line) = (self.chars, self.line);
        self.advance(end);
        (start_char, self.chars, line)
    }
}
