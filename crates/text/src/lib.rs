//! Sentence segmentation and tokenization for English news, and language detection.
//!
//! Input: an article's text (`&str`). Output: [`dyad_core::Tokens`] and [`dyad_core::Sentences`],
//! every one a byte span into that text; the text is never rewritten.
#![deny(missing_docs)]

pub mod language;
mod segment;

pub use segment::Segmenter;
