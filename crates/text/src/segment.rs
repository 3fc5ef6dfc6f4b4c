use dyad_core::{Sentences, Span, Tokens};

/// Splits English text into sentences and Penn-Treebank-style tokens.
#[derive(Debug, Clone, Default)]
pub struct Segmenter {}

impl Segmenter {
    /// A segmenter with the built-in rules and boundary model.
    pub fn new() -> Segmenter {
        Segmenter {}
    }

    /// Appends the tokens and sentences of `text` to the tables (placeholder: whitespace).
    pub fn segment(&self, text: &str, tokens: &mut Tokens, sentences: &mut Sentences) {
        let first = tokens.len();
        let mut start = None;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    tokens.push(Span::from_usize(s, i));
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            tokens.push(Span::from_usize(s, text.len()));
        }
        if tokens.len() > first {
            let span = Span::new(tokens.span(first).start, tokens.span(tokens.len() - 1).end);
            sentences.push(span, first..tokens.len());
        }
    }
}
