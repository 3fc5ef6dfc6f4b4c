//! Statistical annotation trained by dyad on open corpora: part-of-speech tags, lemmas,
//! dependency parses and named entities.
//!
//! Input: the words of one sentence (`&[&str]`, as the segmenter found them). Output: tags,
//! lemmas, heads and relations per word, and entity spans over word indices. Models are compact
//! binary files (see [`model_file`]) produced by this crate's training code; this crate does no
//! I/O: callers hand it bytes and training examples.
//!
//! ```
//! use dyad_nlp::tagger::{Tagger, Upos};
//!
//! let tagger = Tagger::from_bytes(include_bytes!("../../../models/tagger/tagger.bin")).unwrap();
//! let words = ["Lavrov", "met", "Kuleba", "in", "Antalya", "."];
//! let (mut upos, mut xpos) = (Vec::new(), Vec::new());
//! tagger.tag(&words, &mut upos, &mut xpos);
//! assert_eq!(upos.len(), words.len());
//! assert_eq!(upos[1], Upos::Verb);
//! assert_eq!(tagger.xpos_name(xpos[1]), "VBD");
//! ```
#![deny(missing_docs)]

pub mod clusters;
mod idhash;
pub mod lemma;
pub mod model_file;
pub mod ner;
pub mod parser;
pub mod punct;
pub mod revise;
pub mod tagger;
