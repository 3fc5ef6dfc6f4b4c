//! Training and evaluation of dyad's statistical models from gold corpora (the I/O side of
//! `dyad-nlp`).

pub mod ner;
pub mod parser;
pub mod tagger;
