//! GDELT's seven tone fields of an article (V1.5TONE / V2Tone): tone (positive minus
//! negative), positive and negative scores (the percentages of words with a positive or
//! negative valence in VADER's lexicon, MIT-licensed, embedded by the `vader_sentiment` crate),
//! polarity (their sum), activity reference density (the percentage of words that are verbs),
//! self/group reference density (the percentage that are first- and second-person pronouns)
//! and the word count.

use dyad_core::Doc;
use serde_json::{json, Value};
use unicase::UniCase;

/// The seven tone fields.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tone {
    /// Positive minus negative.
    pub tone: f64,
    /// Percentage of words with a positive valence.
    pub positive: f64,
    /// Percentage of words with a negative valence.
    pub negative: f64,
    /// Positive plus negative.
    pub polarity: f64,
    /// Percentage of words that are verbs.
    pub activity: f64,
    /// Percentage of words that are first- or second-person pronouns.
    pub self_group: f64,
    /// Words (tokens with a letter).
    pub words: usize,
}

const SELF_GROUP: &[&str] = &[
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

impl Tone {
    /// GDELT's comma-separated form.
    pub fn gdelt(&self) -> String {
        format!(
            "{:.4},{:.4},{:.4},{:.4},{:.4},{:.4},{}",
            self.tone,
            self.positive,
            self.negative,
            self.polarity,
            self.activity,
            self.self_group,
            self.words
        )
    }

    /// As JSON.
    pub fn json(&self) -> Value {
        let r = |x: f64| (x * 1e4).round() / 1e4;
        json!({
            "tone": r(self.tone), "positive": r(self.positive), "negative": r(self.negative),
            "polarity": r(self.polarity), "activity": r(self.activity),
            "self_group": r(self.self_group), "words": self.words,
        })
    }
}

/// The tone of an annotated article (tags used when the tagger has run).
pub fn tone(doc: &Doc) -> Tone {
    let text = doc.text();
    let (mut words, mut pos, mut neg, mut verbs, mut selves) = (0usize, 0, 0, 0, 0);
    for t in 0..doc.tokens.len() {
        let Some(w) = text.get(doc.tokens.span(t).range()) else {
            continue;
        };
        if !w.chars().any(char::is_alphabetic) {
            continue;
        }
        words += 1;
        let lower = w.to_lowercase();
        if let Some(&v) = vader_sentiment::LEXICON.get(&UniCase::new(lower.as_str())) {
            if v > 0.0 {
                pos += 1;
            } else if v < 0.0 {
                neg += 1;
            }
        }
        if SELF_GROUP.contains(&lower.as_str()) {
            selves += 1;
        }
        if doc.tags.xpos.get(t).is_some_and(|x| x.starts_with("VB")) {
            verbs += 1;
        }
    }
    let pct = |n: usize| 100.0 * n as f64 / words.max(1) as f64;
    Tone {
        tone: pct(pos) - pct(neg),
        positive: pct(pos),
        negative: pct(neg),
        polarity: pct(pos) + pct(neg),
        activity: pct(verbs),
        self_group: pct(selves),
        words,
    }
}
