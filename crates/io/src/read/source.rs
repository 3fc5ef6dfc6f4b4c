//! What every reader shares: sniffing the first bytes of a stream (format, binary data, empty
//! input), enforcing the size limit, and lossy UTF-8 decoding.

use std::io::{self, BufReader, Cursor, Read};

use dyad_core::{Article, Diagnostic, Doc, Published, RecordError, RecordErrorKind};

use super::{html, jsonl, petrarch, InputFormat, ReaderConfig, Record};

/// How much of a stream is inspected to sniff its format and to tell binary data from text.
pub(crate) const HEAD_BYTES: usize = 8192;

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
    mut input: R,
    size: Option<u64>,
    format: InputFormat,
    config: &ReaderConfig,
) -> Box<dyn Iterator<Item = Record> + Send> {
    let one = |record: Record| -> Box<dyn Iterator<Item = Record> + Send> {
        Box::new(std::iter::once(record))
    };
    let limit = config.max_article_bytes;
    let whole_file = matches!(format, InputFormat::Text | InputFormat::Html);
    if let Some(size) = size.filter(|&s| whole_file && s > limit as u64) {
        return one(Err(oversize(&source, size, limit)));
    }
    let mut head = match read_head(&mut input) {
        Ok(head) => head,
        Err(e) => {
            return one(Err(
                source.error(RecordErrorKind::Io, io_message("cannot read", &e))
            ))
        }
    };
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    if let Some(why) = binary(&head) {
        return one(Err(source.error(RecordErrorKind::Binary, why)));
    }
    let at_end = head.len() < HEAD_BYTES;
    if at_end && head.iter().all(u8::is_ascii_whitespace) {
        return one(Err(empty(&source, &head)));
    }
    let format = match format {
        InputFormat::Auto => sniff(&head),
        f => f,
    };
    let rest = Cursor::new(head).chain(input);
    match format {
        InputFormat::Jsonl => Box::new(jsonl::Records::new(
            BufReader::new(rest),
            source.file,
            limit,
        )),
        InputFormat::Petrarch => Box::new(petrarch::Records::new(rest, source.file, limit)),
        InputFormat::Html | InputFormat::Text | InputFormat::Auto => {
            one(whole(&source, rest, format == InputFormat::Html, config))
        }
    }
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

/// Reads up to [`HEAD_BYTES`] bytes, fewer only at the end of the stream.
fn read_head(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    input.take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// The format of a stream that has no file name: `{` starts JSONL, `<` starts HTML or, when a
/// `<Sentence` element follows, PETRARCH XML; anything else is text.
fn sniff(head: &[u8]) -> InputFormat {
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => InputFormat::Jsonl,
        Some(b'<') if memchr::memmem::find(head, b"<Sentence").is_some() => InputFormat::Petrarch,
        Some(b'<') => InputFormat::Html,
        _ => InputFormat::Text,
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
        check_sniff("  {\"text\":\"x\"}", InputFormat::Jsonl);
        check_sniff("\n<Sentences><Sentence id=\"1\">", InputFormat::Petrarch);
        check_sniff("<!doctype html><p>x", InputFormat::Html);
        check_sniff("Lavrov met Kuleba.", InputFormat::Text);
        check_sniff("", InputFormat::Text);
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
