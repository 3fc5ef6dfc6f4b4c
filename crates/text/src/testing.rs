//! Invariant checks shared by the tests of every stage that produces tokens and sentences.

use dyad_core::{Sentences, Tokens};

/// Panics with a clear message unless the tables are a valid segmentation of `text`: spans on
/// char boundaries, non-empty and without surrounding whitespace, tokens ordered and
/// non-overlapping, every non-whitespace char inside a token, and sentences contiguous runs of
/// tokens that cover every token once, with spans from their first token to their last.
pub fn check_spans(text: &str, tokens: &Tokens, sentences: &Sentences) {
    let mut prev_end = 0usize;
    for (i, sp) in tokens.iter().enumerate() {
        let r = sp.range();
        assert!(r.start < r.end, "token {i} is empty: {r:?}");
        assert!(
            r.start >= prev_end,
            "token {i} {r:?} overlaps or precedes the one before"
        );
        assert!(r.end <= text.len(), "token {i} {r:?} runs past the text");
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "token {i} {r:?} is not on char boundaries"
        );
        let gap = &text[prev_end..r.start];
        assert!(
            gap.chars().all(char::is_whitespace),
            "text {gap:?} before token {i} is not covered by a token"
        );
        let s = &text[r.clone()];
        assert!(
            !s.starts_with(char::is_whitespace) && !s.ends_with(char::is_whitespace),
            "token {i} {s:?} has surrounding whitespace"
        );
        assert!(
            !s.chars().all(char::is_whitespace),
            "token {i} is only whitespace"
        );
        prev_end = r.end;
    }
    let rest = &text[prev_end..];
    assert!(
        rest.chars().all(char::is_whitespace),
        "text {rest:?} after the last token is not covered"
    );
    let mut next = 0;
    for (k, sp) in sentences.iter().enumerate() {
        let t = sentences.tokens(k);
        assert_eq!(
            t.start, next,
            "sentence {k} does not start where the one before ended"
        );
        assert!(t.start < t.end, "sentence {k} has no token");
        assert_eq!(
            sp.start,
            tokens.span(t.start).start,
            "sentence {k} starts off its first token"
        );
        assert_eq!(
            sp.end,
            tokens.span(t.end - 1).end,
            "sentence {k} ends off its last token"
        );
        next = t.end;
    }
    assert_eq!(next, tokens.len(), "tokens after the last sentence");
}
