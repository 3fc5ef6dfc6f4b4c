//! Sources and sinks: bytes in, [`dyad_core::Doc`] records out, and the output record shapes.
//!
//! Input: paths (files, directories, `-` for stdin) and their bytes. Output: a stream of
//! `Result<Doc, RecordError>`: one bad record becomes a [`dyad_core::RecordError`] naming the file
//! and line, and the stream goes on.
#![deny(missing_docs)]

pub mod conllu;
pub mod output;
pub mod read;
