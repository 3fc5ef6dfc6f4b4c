//! The segmenter on arbitrary text: every token must be a non-empty, non-blank slice of the text
//! on character boundaries, and tokens must come in order without overlapping.
#![no_main]

use dyad_core::{Sentences, Tokens};
use dyad_text::Segmenter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut tokens = Tokens::default();
    let mut sentences = Sentences::default();
    Segmenter::new().segment(&text, &mut tokens, &mut sentences);
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
});
