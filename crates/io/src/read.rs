//! Readers for every input format.
//!
//! [`open`] turns a list of inputs (files, directories, `-` for stdin) into a stream of records.
//! Each record is a [`Doc`] (an article with reader diagnostics, not yet annotated) or a
//! [`RecordError`] that names the file and line and the reason. One bad record never stops the
//! stream: the next call to `next` reads on.
//!
//! Every reader streams: JSONL is read line by line, PETRARCH XML element by element, feeds
//! item by item, WARC record by record, and a directory is walked one file at a time. Plain text
//! and HTML are one article per file and are read whole, up to
//! [`ReaderConfig::max_article_bytes`].
//!
//! | format | extensions | one record per | id | origin |
//! |---|---|---|---|---|
//! | text | any other | file | path (relative to a directory argument) | path |
//! | HTML | `.html` `.htm` `.xhtml` | file | path (relative to a directory argument) | path |
//! | JSONL | `.jsonl` `.ndjson` `.json` | non-blank line | `id` field, else `path:line` | `path:line` |
//! | PETRARCH XML | `.xml` | `<Sentence>` element | `id` attribute, else `path:line` | `path:line` |
//! | WARC | `.warc` | `response` record of an HTML page | `WARC-Target-URI` | `path@offset` |
//! | RSS/Atom feed | `.rss` `.atom`, `.xml` with a feed root | `<item>` or `<entry>` | link, else guid or id, else `path:line` | `path:line` |
//!
//! A `.xml` file is a feed when its root element is `<rss>`, `<feed>` or `<rdf:RDF>`, else
//! PETRARCH XML. A further `.gz` or `.zst` extension (`news.jsonl.gz`, `cc.warc.gz`) means the
//! file is gzip- or zstd-compressed: it is decompressed as a stream and its format is the one of
//! the extension before. Standard input is sniffed: gzip and zstd by their magic bytes, then
//! `WARC/` starts WARC, `{` JSONL, a feed's root element a feed, `<Sentence` PETRARCH XML, `<`
//! HTML, and anything else is text.
//!
//! WARC: a `response` record whose HTTP status is 2xx and whose payload is HTML (chunked
//! transfer encoding and gzip, deflate or zstd content encoding undone) is read as an HTML page;
//! its URL is `WARC-Target-URI`, its date the page's own, else `WARC-Date`. The other records
//! (`warcinfo`, `request`, `metadata`, `revisit`, other responses) are not articles: they are
//! skipped and counted by reason in a [`Skips`] (see [`open_with_skips`]), as are feed items
//! without text. The `path@offset` of a WARC article is where its record starts: the offset of
//! its gzip member in a `.warc.gz`, the byte offset in a `.warc` (in the decompressed data for
//! `.warc.zst`). A malformed WARC record is an error record that says its number and offset;
//! reading goes on at the next record (the next gzip member in a `.warc.gz`).
//!
//! Feeds: the text of an item is its `content:encoded`, `description`, `content` or `summary`,
//! HTML markup removed; the title and the link come from the item, the publication date from
//! `pubDate` (RFC 822), `dc:date`, `published` or `updated`, the source from the feed's title.
//!
//! Error records carry a [`RecordErrorKind`](dyad_core::RecordErrorKind): `io` (cannot open or
//! read, or corrupt compressed data), `binary` (NUL bytes or mostly control characters in the
//! first 8 KiB), `empty` (no text), `oversize` (over the size limit), `malformed-json` and
//! `malformed-markup` (also a malformed WARC record or HTTP header). Repairs that keep the
//! article become warning diagnostics: `invalid-utf8` (bytes replaced by U+FFFD),
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

mod compress;
mod feed;
mod html;
mod http;
mod jsonl;
mod petrarch;
mod rfc822;
mod skips;
mod source;
mod walk;
mod warc;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dyad_core::{Doc, RecordError};

use compress::Compression;
pub use skips::Skips;
use source::Source;

/// One record of input: an article ready for annotation, or the reason it could not be read.
pub type Record = Result<Doc, RecordError>;

/// The input formats dyad reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Decide from the file extension (`.jsonl`/`.ndjson`/`.json`, `.html`/`.htm`/`.xhtml`,
    /// `.xml`, `.warc`, `.rss`/`.atom`, under a `.gz` or `.zst` one), else text; `.xml` files
    /// and standard input are sniffed from their first bytes.
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
    /// WARC (web archive) records: the HTML pages of its `response` records.
    Warc,
    /// RSS 2.0, RSS 1.0 (RDF) or Atom feeds: one article per item or entry.
    Feed,
}

/// What is known of a stream's content before reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Kind {
    /// `None`: sniff the magic bytes.
    compression: Option<Compression>,
    format: Guess,
}

/// What a name says about the format of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guess {
    /// This format; `Auto` means that the content decides.
    Format(InputFormat),
    /// A `.xml` file: PETRARCH XML unless its root element is a feed's.
    Xml,
}

impl Kind {
    /// A file called `path` read with `format`: compression from the extension, and under
    /// `Auto` the format from the extension before it.
    fn of_file(path: &Path, format: InputFormat) -> Kind {
        let name = path.to_string_lossy();
        let (compression, inner) = Compression::from_name(&name);
        let format = match format {
            InputFormat::Auto => Self::from_extension(Path::new(inner)),
            f => Guess::Format(f),
        };
        Kind {
            compression: Some(compression),
            format,
        }
    }

    /// Standard input read with `format`: compression and (under `Auto`) format sniffed.
    fn of_stdin(format: InputFormat) -> Kind {
        Kind {
            compression: None,
            format: Guess::Format(format),
        }
    }

    /// The format a file with this name has under `Auto`: by extension, else text.
    fn from_extension(path: &Path) -> Guess {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        Guess::Format(match ext.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
            "html" | "htm" | "xhtml" => InputFormat::Html,
            "xml" => return Guess::Xml,
            "warc" => InputFormat::Warc,
            "rss" | "atom" => InputFormat::Feed,
            _ => InputFormat::Text,
        })
    }
}

/// How readers behave.
#[derive(Debug, Clone)]
pub struct ReaderConfig {
    /// Articles larger than this many bytes become `oversize` error records (default 2 MB). For
    /// text and HTML the limit applies to the file (decompressed), for JSONL to the line, for
    /// WARC to a record's HTML payload and for feeds to each field of an item.
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
///
/// The records that readers pass over on purpose (WARC records that are not HTML pages, feed
/// items without text) are not counted; [`open_with_skips`] counts them.
pub fn open(inputs: &[PathBuf], config: &ReaderConfig) -> Box<dyn Iterator<Item = Record> + Send> {
    open_with_skips(inputs, config, &Arc::new(Skips::new()))
}

/// [`open`], counting in `skips` the records that readers pass over on purpose, by reason.
///
/// The counts grow as the stream is read (on whatever thread reads it); read them with
/// [`Skips::summary`] once the stream is done.
///
/// ```
/// use std::sync::Arc;
/// use dyad_io::read::{open_with_skips, ReaderConfig, Skips};
///
/// let skips = Arc::new(Skips::new());
/// let records = open_with_skips(&[], &ReaderConfig::default(), &skips);
/// assert_eq!(records.count(), 0);
/// assert!(skips.summary().is_empty());
/// ```
pub fn open_with_skips(
    inputs: &[PathBuf],
    config: &ReaderConfig,
    skips: &Arc<Skips>,
) -> Box<dyn Iterator<Item = Record> + Send> {
    Box::new(walk::Inputs::new(
        inputs.to_vec(),
        config.clone(),
        Arc::clone(skips),
    ))
}

/// Reads the records of one in-memory input called `name`.
///
/// With [`InputFormat::Auto`] the format comes from the extension of `name`, or from the
/// content when `name` is `-`, as for [`open`]; so does the compression, whatever the format.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    config: &ReaderConfig,
) -> Vec<Record> {
    read_bytes_with_skips(name, bytes, format, config, &Arc::new(Skips::new()))
}

/// [`read_bytes`], counting in `skips` the records that readers pass over on purpose.
pub fn read_bytes_with_skips(
    name: &str,
    bytes: &[u8],
    format: InputFormat,
    config: &ReaderConfig,
    skips: &Arc<Skips>,
) -> Vec<Record> {
    let kind = match name {
        "-" => Kind::of_stdin(format),
        _ => Kind::of_file(Path::new(name), format),
    };
    let source = Source {
        file: name.to_string(),
        id: name.to_string(),
    };
    let size = Some(bytes.len() as u64);
    let input = Cursor::new(bytes.to_vec());
    source::records(source, input, size, kind, config, skips).collect()
}

/// One record as the readers' tests compare it: id, origin, text, metadata, extra fields and
/// diagnostics on one line, or the error.
#[cfg(test)]
pub(crate) fn render_record(record: &Record) -> String {
    match record {
        Ok(doc) => {
            let a = &doc.article;
            let mut s = format!("{} @{} {:?}", a.id, a.origin, a.text);
            for (field, value) in [("url", &a.url), ("source", &a.source), ("title", &a.title)] {
                if let Some(v) = value {
                    s += &format!(" {field}={v:?}");
                }
            }
            if let Some(p) = a.published {
                s += &format!(" date={p}");
            }
            for (k, v) in &a.extra {
                s += &format!(" +{k}={v}");
            }
            for d in &doc.diagnostics {
                s += &format!(" [{}: {}]", d.code, d.message);
            }
            s
        }
        Err(e) => format!("error {e}"),
    }
}
