//! Readers for every input format.
//!
//! [`open`] turns a list of inputs (files, directories, `-` for stdin) into a stream of records.
//! Each record is a [`Doc`] (an article with reader diagnostics, not yet annotated) or a
//! [`RecordError`] that names the file and line and the reason. One bad record never stops the
//! stream: the next call to `next` reads on.
//!
//! Every reader streams: JSONL is read line by line, PETRARCH XML element by element, and a
//! directory is walked one file at a time. Plain text and HTML are one article per file and are
//! read whole, up to [`ReaderConfig::max_article_bytes`].
//!
//! | format | one record per | id | origin |
//! |---|---|---|---|
//! | text | file | path (relative to a directory argument) | path |
//! | HTML | file | path (relative to a directory argument) | path |
//! | JSONL | non-blank line | `id` field, else `path:line` | `path:line` |
//! | PETRARCH XML | `<Sentence>` element | `id` attribute, else `path:line` | `path:line` |
//!
//! Error records carry a [`RecordErrorKind`](dyad_core::RecordErrorKind): `io` (cannot open or
//! read), `binary` (NUL bytes or mostly control characters in the first 8 KiB), `empty` (no text),
//! `oversize` (over the size limit), `malformed-json` and `malformed-markup`. Repairs that keep
//! the article become warning diagnostics: `invalid-utf8` (bytes replaced by U+FFFD),
//! `invalid-date` (a date that does not parse) and `invalid-field` (a JSONL field of the wrong
//! type, ignored).
//!
//! ```
//! use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};
//!
//! let input = br#"{"id":"a1","date":"2022-03-10","text":"Lavrov met Kuleba."}"#;
//! let records = read_bytes("news.jsonl", input, InputFormat::Auto, &ReaderConfig::default());
//! let doc = records[0].as_ref().unwrap();
//! assert_eq!(doc.article.id, "a1");
//! assert_eq!(doc.article.published.unwrap().to_string(), "2022-03-10");
//! assert_eq!(doc.article.origin, "news.jsonl:1");
//! ```

mod html;
mod jsonl;
mod petrarch;
mod source;
mod walk;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use dyad_core::{Doc, RecordError};

use source::Source;

/// One record of input: an article ready for annotation, or the reason it could not be read.
pub type Record = Result<Doc, RecordError>;

/// The input formats dyad reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide from the file extension (`.jsonl`/`.ndjson`/`.json`, `.html`/`.htm`/`.xhtml`,
    /// `.xml`), else text; standard input is sniffed from its first non-whitespace byte.
    #[default]
    Auto,
    /// One article per file, plain text.
    Text,
    /// One JSON article per line.
    Jsonl,
    /// One HTML page per file.
    Html,
    /// PETRARCH/TABARI XML records.
    Petrarch,
}

impl InputFormat {
    /// The format a file with this name has under `Auto`: by extension, else text.
    fn from_extension(path: &Path) -> InputFormat {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "xml" => InputFormat::Petrarch,
            _ => InputFormat::Text,
        }
    }
}

/// How readers behave.
#[derive(Debug, Clone)]
pub struct ReaderConfig {
    /// Articles larger than this many bytes become `oversize` error records (default 2 MB). For
    /// text and HTML the limit applies to the file, for JSONL to the line.
    pub max_article_bytes: usize,
    /// The format to assume; `Auto` decides per file.
    pub format: InputFormat,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            max_article_bytes: 2_000_000,
            format: InputFormat::Auto,
        }
    }
}

/// Streams the records of every input, in order: files in the order given, directories
/// recursively in sorted path order (hidden files and directories skipped, symbolic links to
/// directories not followed), `-` as standard input.
pub fn open(inputs: &[PathBuf], config: &ReaderConfig) -> Box<dyn Iterator<Item = Record> + Send> {
    Box::new(walk::Inputs::new(inputs.to_vec(), config.clone()))
}

/// Reads the records of one in-memory input called `name`.
///
/// With [`InputFormat::Auto`] the format comes from the extension of `name`, or from the
/// content when `name` is `-`, as for [`open`].
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    config: &ReaderConfig,
) -> Vec<Record> {
    let format = match format {
        InputFormat::Auto if name != "-" => InputFormat::from_extension(Path::new(name)),
        f => f,
    };
    let source = Source {
        file: name.to_string(),
        id: name.to_string(),
    };
    let size = Some(bytes.len() as u64);
    source::records(source, Cursor::new(bytes.to_vec()), size, format, config).collect()
}
