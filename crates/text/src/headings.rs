//! Run-in headings: "Cooperation with Mexico: In December, the United States and Mexico
//! announced…", "THE PRESIDENT: We will…". Fact sheets and transcripts put a heading or a
//! speaker label before the sentence on the same line; parsed as one sentence, the heading
//! captures the clause after it. [`split`] makes the heading a sentence of its own.

use dyad_core::{Sentences, Span, Tokens};

/// Small words a title-case heading leaves in lower case.
const SMALL: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "with", "vs", "via", "–", "-", "&", "'s",
];

/// Longest heading, in tokens.
const MAX_HEADING: usize = 12;

/// Whether `words` (the tokens before the colon) read as a heading or a speaker label: every
/// word with letters capitalised (or in capitals) except small words, the first one
/// capitalised.
fn heading_like(words: &[&str]) -> bool {
    let mut letters = 0;
    for (i, w) in words.iter().enumerate() {
        let Some(first) = w.chars().next() else {
            return false;
        };
        if !w.chars().any(char::is_alphabetic) {
            continue;
        }
        letters += 1;
        let small = SMALL.contains(&w.to_lowercase().as_str());
        if first.is_lowercase() && !(small && i > 0) {
            return false;
        }
        if w.contains(['"', '\u{201c}', '\u{201d}']) {
            return false;
        }
    }
    letters > 0
}

/// Splits every sentence that opens with a heading-like run of at most twelve tokens ended by
/// a colon and followed by at least three tokens starting with a capital, a digit or a quote
/// mark. The colon stays with the heading. Spans and token ranges stay exact.
pub fn split(text: &str, tokens: &Tokens, sentences: &mut Sentences) {
    let mut out = Sentences::default();
    let mut changed = false;
    for s in 0..sentences.len() {
        let range = sentences.tokens(s);
        let span = sentences.span(s);
        let words: Vec<&str> = range
            .clone()
            .map(|t| &text[tokens.span(t).range()])
            .collect();
        let colon = words
            .iter()
            .take(MAX_HEADING + 1)
            .position(|w| *w == ":")
            .filter(|&c| c >= 1 && c + 3 < words.len());
        let after_ok = |c: usize| {
            words[c + 1].chars().next().is_some_and(|ch| {
                ch.is_uppercase() || ch.is_ascii_digit() || "\"\u{201c}'".contains(ch)
            })
        };
        match colon {
            Some(c) if after_ok(c) && heading_like(&words[..c]) => {
                let cut = range.start + c + 1;
                let head_end = tokens.span(cut - 1).end;
                out.push(Span::new(span.start, head_end), range.start..cut);
                out.push(Span::new(tokens.span(cut).start, span.end), cut..range.end);
                changed = true;
            }
            _ => out.push(span, range),
        }
    }
    if changed {
        *sentences = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Segmenter;

    fn check(text: &str, expect: &[&str]) {
        let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
        Segmenter::new().segment(text, &mut tokens, &mut sentences);
        split(text, &tokens, &mut sentences);
        let got: Vec<&str> = sentences.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(got, expect);
        // Token ranges still cover every token once, in order.
        let mut next = 0;
        for i in 0..sentences.len() {
            let r = sentences.tokens(i);
            assert_eq!(r.start, next);
            next = r.end;
        }
        assert_eq!(next, tokens.len());
    }

    #[test]
    fn title_case_heading_is_its_own_sentence() {
        check(
            "Cooperation with Mexico: In December, Mexico announced a framework.",
            &[
                "Cooperation with Mexico:",
                "In December, Mexico announced a framework.",
            ],
        );
    }

    #[test]
    fn speaker_label_is_its_own_sentence() {
        check(
            "THE PRESIDENT: We will stand with Ukraine.",
            &["THE PRESIDENT:", "We will stand with Ukraine."],
        );
    }

    #[test]
    fn a_clause_before_a_colon_stays() {
        check(
            "Russia warned: Ukraine will pay a price.",
            &["Russia warned: Ukraine will pay a price."],
        );
        check(
            "The reason is simple: prices rose.",
            &["The reason is simple: prices rose."],
        );
    }

    #[test]
    fn short_remainders_and_times_stay() {
        check("Update: None.", &["Update: None."]);
    }
}
