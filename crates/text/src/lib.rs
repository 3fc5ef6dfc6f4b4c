//! Sentence segmentation and tokenization for English news, and language detection.
//!
//! Input: an article's text (`&str`). Output: [`dyad_core::Tokens`] and [`dyad_core::Sentences`],
//! every one a byte span into that text; the text is never rewritten. The principal type is
//! [`Segmenter`]: rule-based Penn-Treebank tokenization as UD English EWT and GUM do it, hard
//! rules for paragraphs, headlines, datelines and captions, and a small learned model (an
//! averaged perceptron over hashed features, [`train`]) for the remaining sentence boundaries.
//!
//! ```
//! use dyad_core::{Sentences, Tokens};
//! use dyad_text::Segmenter;
//!
//! let text = "Russia's army didn't advance. The U.S. said so.";
//! let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
//! Segmenter::new().segment(text, &mut tokens, &mut sentences);
//! let words: Vec<&str> = tokens.iter().map(|s| &text[s.range()]).collect();
//! assert_eq!(words, ["Russia", "'s", "army", "did", "n't", "advance", ".", "The", "U.S.", "said", "so", "."]);
//! assert_eq!(sentences.len(), 2);
//! ```
#![deny(missing_docs)]

pub mod headings;
pub mod language;
mod lexicon;
mod model;
mod segment;
pub mod testing;
mod tokenize;
pub mod train;

pub use model::ModelError;
pub use segment::Segmenter;
