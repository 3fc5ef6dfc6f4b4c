//! The segmenter on arbitrary text: every token must be a non-empty, non-blank slice of the text
//! on character boundaries, and tokens must come in order without overlapping.
#![no_main]

use std::sync::OnceLock;

use dyad_core::{Sentences, Tokens};
use dyad_text::Segmenter;
use libfuzzer_sys::fuzz_target;

/// Built once: loading the boundary model for every input would dominate the run.
static SEGMENTER: OnceLock<Segmenter> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut tokens = Tokens::default();
    let mut sentences = Sentences::default();
    SEGMENTER.get_or_init(Segmenter::new).segment(&text, &mut tokens, &mut sentences);
    let mut previous_end = 0;
    for span in tokens.iter() {
        assert!(
            span.start >= previous_end,
            "token {span:?} overlaps or precedes the one before"
        );
        assert!(span.start < span.end, "empty token {span:?}");
        let Some(surface) = text.get(span.range()) else {
            panic!(
                "token {span:?} is not on character boundaries of a {}-byte text",
                text.len()
            );
        };
        assert!(
            !surface.trim().is_empty(),
            "blank token {span:?} {surface:?}"
        );
        previous_end = span.end;
    }
    // Every token belongs to exactly one sentence, and sentences tile the tokens in order.
    let mut next = 0;
    for i in 0..sentences.len() {
        let range = sentences.tokens(i);
        assert_eq!(range.start, next, "sentence {i} does not start where the last one ended");
        assert!(range.end > range.start, "empty sentence {i}");
        next = range.end;
    }
    assert_eq!(next, tokens.len(), "tokens outside every sentence");
});
