//! Sources and sinks: bytes in, [`dyad_core::Doc`] records out, and the output record shapes.
//!
//! Input: paths (files, directories, `-` for stdin) and their bytes: text, JSONL, HTML, PETRARCH
//! XML, WARC web archives and RSS/Atom feeds, each also gzip- or zstd-compressed (see
//! [`read`]). Output: a stream of `Result<Doc, RecordError>`: one bad record becomes a
//! [`dyad_core::RecordError`] naming the file and line (or record), and the stream goes on.
//! Records passed over on purpose (a WARC `request`, a feed item without text) are counted in a
//! [`read::Skips`].
//!
//! ```
//! use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};
//!
//! let jsonl = b"{\"id\":\"a1\",\"date\":\"20220310\",\"text\":\"Lavrov met Kuleba.\"}\nnot json\n";
//! let records = read_bytes("in.jsonl", jsonl, InputFormat::Jsonl, &ReaderConfig::default());
//! let doc = records[0].as_ref().unwrap();
//! assert_eq!(doc.article.id, "a1");
//! assert_eq!(doc.article.published.unwrap().to_string(), "2022-03-10");
//! let error = records[1].as_ref().unwrap_err();
//! assert_eq!((error.file.as_str(), error.line), ("in.jsonl", Some(2)));
//! ```
#![deny(missing_docs)]

pub mod conllu;
pub mod output;
pub mod read;
