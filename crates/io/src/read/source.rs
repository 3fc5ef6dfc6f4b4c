//! What every reader shares: decompression, sniffing the first bytes of a stream (format,
//! binary data, empty input), enforcing the size limit, and lossy UTF-8 decoding.

use std::io::{self, BufReader, Cursor, Read};
use std::sync::Arc;

use dyad_core::{Article, Diagnostic, Doc, Published, RecordError, RecordErrorKind};

use super::compress::{self, Compression};
use super::{feed, html, jsonl, petrarch, warc};
use super::{Guess, InputFormat, Kind, ReaderConfig, Record, Skips};

/// How much of a stream is inspected to sniff its format and to tell binary data from text.
pub(crate) const HEAD_BYTES: usize = 8192;

/// How much of a compressed stream is decompressed to sniff the format of its content: enough
/// for a whole zstd block (128 KiB at most), whose bytes come out only once it is complete.
const COMPRESSED_HEAD_BYTES: usize = 256 * 1024;

/// The UTF-8 byte order mark, dropped from the start of a stream.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A stream's name as records report it.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    /// The path as given, or `-` for standard input: `RecordError::file` and `Article::origin`.
    pub file: String,
    /// The article id of a one-article-per-file format.
    pub id: String,
}

impl Source {
    /// An error record about this whole stream.
    pub fn error(&self, kind: RecordErrorKind, message: impl Into<String>) -> RecordError {
        RecordError::new(self.file.clone(), kind, message)
    }
}

/// The stream of records of one input. `size` is the length when known in advance (file
/// metadata), so that an oversize file is rejected without reading it.
pub(crate) fn records<R: Read + Send + 'static>(
    source: Source,
    input: R,
    size: Option<u64>,
    kind: Kind,
    config: &ReaderConfig,
    skips: &Arc<Skips>,
) -> Box<dyn Iterator<Item = Record> + Send> {
    let one = |record: Record| -> Box<dyn Iterator<Item = Record> + Send> {
        Box::new(std::iter::once(record))
    };
    let cannot_read = |e: io::Error| {
        one(Err(
            source.error(RecordErrorKind::Io, io_message("cannot read", &e))
        ))
    };
    let limit = config.max_article_bytes;
    // Standard input may be a live stream (a pipe from a message queue) that sends one JSONL
    // article and waits for its events: the head reads below stop at its first line instead of
    // waiting for a full head.
    let live = source.file == "-";
    let mut input: Box<dyn Read + Send> = Box::new(input);
    let compression = match kind.compression {
        Some(compression) => compression,
        None => {
            let raw = match read_head(&mut input, live) {
                Ok(raw) => raw,
                Err(e) => return cannot_read(e),
            };
            let compression = Compression::from_magic(&raw);
            input = Box::new(Cursor::new(raw).chain(input));
            compression
        }
    };
    let format = match kind.format {
        Guess::Format(f) if f != InputFormat::Auto => f,
        guess => {
            let head = match peek(&mut input, compression, live) {
                Ok(head) => head,
                Err(e) => return cannot_read(e),
            };
            let head = head.strip_prefix(BOM).unwrap_or(&head);
            match guess {
                Guess::Xml => sniff_xml(head),
                _ => sniff(head),
            }
        }
    };
    if format == InputFormat::Warc {
        // WARC records may hold binary payloads, and a `.warc.gz` is read member by member:
        // the reader takes the raw stream.
        let skips = Arc::clone(skips);
        return Box::new(warc::Records::new(
            input,
            compression,
            source.file,
            limit,
            skips,
        ));
    }
    let whole_file = matches!(format, InputFormat::Text | InputFormat::Html);
    let known_size = size.filter(|_| compression == Compression::None);
    if let Some(size) = known_size.filter(|&s| whole_file && s > limit as u64) {
        return one(Err(oversize(&source, size, limit)));
    }
    let mut input = compress::decoder(input, compression);
    // A read error inside the head (corrupt compressed data) waits until the records before it
    // are read.
    let (mut head, failed) = read_head_until_error(&mut input, live);
    let input: Box<dyn Read + Send> = match failed {
        None => input,
        Some(e) if head.is_empty() => return cannot_read(e),
        Some(e) => Box::new(FailOnce(Some(e))),
    };
    if head.starts_with(BOM) {
        head.drain(..BOM.len());
    }
    if let Some(why) = binary(&head) {
        return one(Err(source.error(RecordErrorKind::Binary, why)));
    }
    let at_end = head.len() < HEAD_BYTES;
    if at_end && head.iter().all(u8::is_ascii_whitespace) {
        return one(Err(empty(&source, &head)));
    }
    let rest = Cursor::new(head).chain(input);
    match format {
        InputFormat::Jsonl => Box::new(jsonl::Records::new(
            BufReader::new(rest),
            source.file,
            limit,
        )),
        InputFormat::Petrarch => Box::new(petrarch::Records::new(rest, source.file, limit)),
        InputFormat::Feed => Box::new(feed::Records::new(
            rest,
            source.file,
            limit,
            Arc::clone(skips),
        )),
        InputFormat::Warc => Box::new(warc::Records::new(
            Box::new(rest),
            Compression::None,
            source.file,
            limit,
            Arc::clone(skips),
        )),
        InputFormat::Html | InputFormat::Text | InputFormat::Auto => {
            one(whole(&source, rest, format == InputFormat::Html, config))
        }
    }
}

/// The first bytes of the decompressed stream, for sniffing; `input` is left to give all of
/// its bytes again.
fn peek(
    input: &mut Box<dyn Read + Send>,
    compression: Compression,
    live: bool,
) -> io::Result<Vec<u8>> {
    let raw_bytes = match compression {
        Compression::None => HEAD_BYTES,
        _ => COMPRESSED_HEAD_BYTES,
    };
    let plain_line = live && compression == Compression::None;
    let (raw, failed) = fill(&mut *input, raw_bytes, |h| plain_line && first_line_read(h));
    if let Some(e) = failed {
        return Err(e);
    }
    let head = match compression {
        Compression::None => raw.clone(),
        _ => compress::decoded_prefix(&raw, compression, HEAD_BYTES),
    };
    let rest = std::mem::replace(input, Box::new(io::empty()));
    *input = Box::new(Cursor::new(raw).chain(rest));
    Ok(head)
}

/// Reads a one-article-per-file input to its end (or just past the limit) and makes the article.
fn whole(source: &Source, input: impl Read, is_html: bool, config: &ReaderConfig) -> Record {
    let limit = config.max_article_bytes;
    let mut bytes = Vec::new();
    if let Err(e) = input.take(limit as u64 + 1).read_to_end(&mut bytes) {
        return Err(source.error(RecordErrorKind::Io, io_message("cannot read", &e)));
    }
    if bytes.len() > limit {
        return Err(source.error(
            RecordErrorKind::Oversize,
            format!("input is larger than the limit of {limit} bytes"),
        ));
    }
    let (text, replaced) = decode(&bytes);
    let mut doc = if is_html {
        html::read(source, &text)?
    } else {
        if text.trim().is_empty() {
            return Err(empty(source, &bytes));
        }
        let mut article = Article::new(source.id.clone(), text);
        article.origin = source.file.clone();
        Doc::new(article)
    };
    if replaced > 0 {
        doc.diagnostics.insert(0, invalid_utf8(replaced));
    }
    Ok(doc)
}

/// Reads up to [`HEAD_BYTES`] bytes like [`read_head`], keeping the bytes read before an error;
/// from a live stream, only up to the end of a first JSONL line.
fn read_head_until_error(input: &mut impl Read, live: bool) -> (Vec<u8>, Option<io::Error>) {
    fill(input, HEAD_BYTES, |h| live && first_line_read(h))
}

/// Reads up to `max` bytes, fewer at the end of the stream or as soon as `enough` says so;
/// keeps the bytes read before an error.
fn fill(
    input: &mut impl Read,
    max: usize,
    enough: impl Fn(&[u8]) -> bool,
) -> (Vec<u8>, Option<io::Error>) {
    let mut head = Vec::with_capacity(max.min(HEAD_BYTES));
    let mut chunk = [0; 1024];
    while head.len() < max && !enough(&head) {
        let wanted = chunk.len().min(max - head.len());
        match input.read(&mut chunk[..wanted]) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (head, Some(e)),
        }
    }
    (head, None)
}

/// Whether `head` starts (after whitespace) a JSON object whose line has ended: enough to
/// know a stream is JSONL and to read its first record.
fn first_line_read(head: &[u8]) -> bool {
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    head[start] == b'{' && memchr::memchr(b'\n', &head[start..]).is_some()
}

/// A reader that fails once with an error that happened earlier, then ends.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

/// Reads up to [`HEAD_BYTES`] bytes, fewer only at the end of the stream; from a live stream,
/// only as many as tell compressed data (its magic bytes) from a first JSONL line.
fn read_head(input: &mut impl Read, live: bool) -> io::Result<Vec<u8>> {
    let (head, failed) = fill(input, HEAD_BYTES, |h| {
        live && (first_line_read(h)
            || (h.len() >= 4 && Compression::from_magic(h) != Compression::None))
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(head),
    }
}

/// The format of a stream that has no file name: `WARC/` starts WARC, `{` JSONL, and `<` a feed
/// when the root element is a feed's, PETRARCH XML when a `<Sentence` element follows, else
/// HTML; anything else is text.
fn sniff(head: &[u8]) -> InputFormat {
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|at| &head[at..]) {
        Some(rest) if rest.starts_with(b"WARC/") => InputFormat::Warc,
        Some([b'{', ..]) => InputFormat::Jsonl,
        Some([b'<', ..]) if is_feed(head) => InputFormat::Feed,
        Some([b'<', ..]) if memchr::memmem::find(head, b"<Sentence").is_some() => {
            InputFormat::Petrarch
        }
        Some([b'<', ..]) => InputFormat::Html,
        _ => InputFormat::Text,
    }
}

/// The format of a `.xml` file: a feed when its root element is a feed's, else PETRARCH XML.
fn sniff_xml(head: &[u8]) -> InputFormat {
    if is_feed(head) {
        InputFormat::Feed
    } else {
        InputFormat::Petrarch
    }
}

/// Whether the root element is `<rss>`, `<feed>` (Atom, with or without a prefix) or
/// `<rdf:RDF>` (RSS 1.0).
fn is_feed(head: &[u8]) -> bool {
    let Some(root) = xml_root(head) else {
        return false;
    };
    let local = match memchr::memrchr(b':', root) {
        Some(at) => &root[at + 1..],
        None => root,
    };
    root == b"rss" || local == b"feed" || (local == b"RDF" && local.len() < root.len())
}

/// The name of the first element of an XML document, after the declaration, processing
/// instructions, comments and the document type; `None` when the head ends before it.
fn xml_root(head: &[u8]) -> Option<&[u8]> {
    let mut rest = head.strip_prefix(BOM).unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        let after = |rest: &[u8], end: &[u8]| -> Option<usize> {
            memchr::memmem::find(rest, end).map(|at| at + end.len())
        };
        let skip = if rest.starts_with(b"<?") {
            after(rest, b"?>")?
        } else if rest.starts_with(b"<!--") {
            after(rest, b"-->")?
        } else if rest.starts_with(b"<!") {
            // A document type may hold an internal subset in brackets, with `>` inside.
            let close = memchr::memchr(b'>', rest)?;
            match memchr::memchr(b'[', rest) {
                Some(open) if open < close => {
                    let subset_end = open + memchr::memchr(b']', &rest[open..])?;
                    subset_end + memchr::memchr(b'>', &rest[subset_end..])? + 1
                }
                _ => close + 1,
            }
        } else if let Some(name) = rest.strip_prefix(b"<") {
            let end = name
                .iter()
                .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                .unwrap_or(name.len());
            return Some(&name[..end]).filter(|n| !n.is_empty() && end < name.len());
        } else {
            return None;
        };
        rest = &rest[skip..];
    }
}

/// Why the first bytes of a stream look like binary data, if they do: a NUL byte, or more than
/// 10% control characters other than tab, newline, carriage return and form feed.
pub(crate) fn binary(head: &[u8]) -> Option<String> {
    let head = &head[..head.len().min(HEAD_BYTES)];
    if let Some(at) = memchr::memchr(0, head) {
        return Some(format!("nul byte at offset {at}"));
    }
    let controls = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    if controls * 10 > head.len() {
        return Some(format!(
            "{controls} of the first {} bytes are control characters",
            head.len()
        ));
    }
    None
}

/// Decodes UTF-8, replacing each invalid sequence with U+FFFD as `String::from_utf8_lossy`
/// does; also returns how many bytes were replaced.
pub(crate) fn decode(bytes: &[u8]) -> (String, usize) {
    let mut text = String::with_capacity(bytes.len());
    let mut replaced = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            replaced += chunk.invalid().len();
        }
    }
    (text, replaced)
}

/// The warning for `replaced` bytes of invalid UTF-8.
pub(crate) fn invalid_utf8(replaced: usize) -> Diagnostic {
    let s = if replaced == 1 { "" } else { "s" };
    Diagnostic::warning(
        "invalid-utf8",
        format!("{replaced} byte{s} of invalid utf-8 replaced with U+FFFD"),
    )
}

/// The error for an input that holds no text.
fn empty(source: &Source, bytes: &[u8]) -> RecordError {
    let message = if bytes.is_empty() {
        "input is empty"
    } else {
        "input holds only whitespace"
    };
    source.error(RecordErrorKind::Empty, message)
}

/// The error for an input whose size is known to be over the limit.
fn oversize(source: &Source, size: u64, limit: usize) -> RecordError {
    source.error(
        RecordErrorKind::Oversize,
        format!("input is {size} bytes, over the limit of {limit} bytes"),
    )
}

/// A publication date as `Published::parse` reads it. Every form it accepts is ASCII, and other
/// strings are rejected first because `Published::parse` slices them by byte offsets and panics
/// when an offset falls inside a multi-byte character (`"2022-\u{fffd}"`).
pub(crate) fn parse_date(s: &str) -> Option<Published> {
    if !s.is_ascii() {
        return None;
    }
    Published::parse(s)
}

/// `context: reason` with the reason lowercased, as error messages are written.
pub(crate) fn io_message(context: &str, e: &io::Error) -> String {
    format!("{context}: {}", lowercase_first(&e.to_string()))
}

/// `s` with its first letter lowercased, for messages of other libraries that start with a
/// capital letter.
pub(crate) fn lowercase_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_binary(input: &[u8], expect: Option<&str>) {
        assert_eq!(binary(input).as_deref(), expect);
    }

    fn check_sniff(input: &str, expect: InputFormat) {
        assert_eq!(sniff(input.as_bytes()), expect, "{input:?}");
    }

    fn check_decode(input: &[u8], expect: &str, replaced: usize) {
        assert_eq!(decode(input), (expect.to_string(), replaced));
    }

    #[test]
    fn nul_byte_is_binary() {
        check_binary(b"abc\0def", Some("nul byte at offset 3"));
    }

    #[test]
    fn control_characters_are_binary() {
        check_binary(
            b"\x01\x02ab",
            Some("2 of the first 4 bytes are control characters"),
        );
    }

    #[test]
    fn text_with_tabs_and_form_feeds_is_not_binary() {
        check_binary(b"a\tb\r\nc\x0cd", None);
    }

    #[test]
    fn sniff_formats() {
        check_sniff("WARC/1.0\r\nWARC-Type: warcinfo\r\n", InputFormat::Warc);
        check_sniff(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>",
            InputFormat::Feed,
        );
        check_sniff("  {\"text\":\"x\"}", InputFormat::Jsonl);
        check_sniff("\n<Sentences><Sentence id=\"1\">", InputFormat::Petrarch);
        check_sniff("<!doctype html><p>x", InputFormat::Html);
        check_sniff("Lavrov met Kuleba.", InputFormat::Text);
        check_sniff("", InputFormat::Text);
    }

    fn check_root(input: &str, expect: Option<&str>) {
        let root = xml_root(input.as_bytes()).map(|r| String::from_utf8_lossy(r).into_owned());
        assert_eq!(root.as_deref(), expect, "{input:?}");
    }

    #[test]
    fn root_element_after_prolog() {
        check_root("<rss version=\"2.0\">", Some("rss"));
        check_root(
            "\u{feff}<?xml version=\"1.0\"?>\n<!-- a <comment> -->\n<?xml-stylesheet href=\"s.xsl\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">",
            Some("feed"),
        );
        check_root(
            "<!DOCTYPE rss [<!ENTITY nbsp \"&#160;\">]><rss>",
            Some("rss"),
        );
        check_root("<!doctype html><html lang=\"en\">", Some("html"));
        check_root("<rdf:RDF\n xmlns:rdf=\"x\">", Some("rdf:RDF"));
        check_root("<Sentences><Sentence>", Some("Sentences"));
        // Cut before the name ends, or no element at all.
        check_root("<?xml version=\"1.0\"?><rs", None);
        check_root("<!-- never closed", None);
        check_root("text <rss>", None);
    }

    #[test]
    fn feeds_are_told_from_petrarch_xml() {
        assert_eq!(sniff_xml(b"<rss version=\"2.0\">"), InputFormat::Feed);
        assert_eq!(
            sniff_xml(b"<atom:feed xmlns:atom=\"x\">"),
            InputFormat::Feed
        );
        assert_eq!(sniff_xml(b"<rdf:RDF>"), InputFormat::Feed);
        assert_eq!(sniff_xml(b"<RDF>"), InputFormat::Petrarch);
        assert_eq!(sniff_xml(b"<Sentences>"), InputFormat::Petrarch);
        assert_eq!(sniff_xml(b"not xml"), InputFormat::Petrarch);
    }

    #[test]
    fn decode_replaces_each_invalid_sequence() {
        check_decode(b"caf\xc3\xa9", "café", 0);
        check_decode(b"a\xffb\xc3", "a\u{fffd}b\u{fffd}", 2);
    }

    #[test]
    fn io_messages_are_lowercase() {
        let e = io::Error::new(io::ErrorKind::NotFound, "No such file");
        assert_eq!(io_message("cannot open", &e), "cannot open: no such file");
    }
}
