//! The dyad pipeline, evaluation and benchmarks, wired together for the CLI.
//!
//! Input: paths or bytes of news articles. Output: annotated documents handed to a sink in
//! input order ([`pipeline::run`]), scores against gold data ([`eval`]), and throughput
//! figures ([`bench`]).
#![deny(missing_docs)]

pub mod bench;
pub mod eval;
pub mod models;
pub mod nlp;
pub mod pipeline;
pub mod sample;
