//! The dyad pipeline, evaluation and benchmarks, wired together for the CLI.
//!
//! Input: paths or bytes of news articles. Output: annotated documents handed to a sink in
//! input order ([`pipeline::run`]), scores against gold data ([`eval`]), and throughput
//! figures ([`bench`]).
//!
//! ```
//! use dyad::pipeline::{self, Annotator, RunConfig};
//! use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};
//!
//! let input = b"{\"id\":\"a1\",\"text\":\"Turkey hosted the talks in Antalya. Nothing was agreed.\"}\n";
//! let records = read_bytes("in.jsonl", input, InputFormat::Jsonl, &ReaderConfig::default());
//! let mut sentences = Vec::new();
//! pipeline::run(&Annotator::new(), Box::new(records.into_iter()), RunConfig { threads: 1 }, |_| (), |r| {
//!     let (doc, ()) = r.unwrap();
//!     for s in 0..doc.sentences.len() {
//!         sentences.push(doc.text_of(doc.sentences.span(s)).to_string());
//!     }
//!     Ok::<(), ()>(())
//! })
//! .unwrap();
//! assert_eq!(sentences, ["Turkey hosted the talks in Antalya.", "Nothing was agreed."]);
//! ```
#![deny(missing_docs)]

pub mod batch;
pub mod bench;
pub mod coding;
pub mod counts;
pub mod eval;
pub mod eval_events;
pub mod gdelt;
pub mod geo;
pub mod gkg;
pub mod mine;
pub mod models;
pub mod nlp;
pub mod pipeline;
pub mod quotes;
pub mod sample;
pub mod tables;
pub mod themes;
pub mod time;
pub mod tone;
pub mod validate;
