//! WARC (ISO 28500, versions 1.0 and 1.1), the format of web crawls such as Common Crawl's
//! CC-NEWS: one article per `response` record that holds an HTML page.
//!
//! ```text
//! WARC/1.0
//! WARC-Type: response
//! WARC-Target-URI: https://news.test/antalya
//! WARC-Date: 2022-03-10T08:00:00Z
//! Content-Type: application/http; msgtype=response
//! Content-Length: 1234
//!
//! HTTP/1.1 200 OK
//! Content-Type: text/html; charset=utf-8
//!
//! <!doctype html>...
//! ```
//!
//! A record is framed by its `Content-Length`, so the reader never holds more of a record than
//! its header and an HTML payload up to the size limit; the rest is read past. Other records are
//! skipped and counted in [`Skips`]. A `.warc.gz` has one gzip member per record: records are
//! read member by member, and after a malformed record or a corrupt member the reader goes on at
//! the next member. In a plain `.warc`, it goes on at the next line that starts with `WARC/`.

use std::io::{self, BufRead, Read};
use std::sync::Arc;

use dyad_core::{Doc, RecordError, RecordErrorKind};

use super::compress::{Compression, Counted, GzMembers, ZstdFrames};
use super::http::{self, clip};
use super::source::{decode, invalid_utf8, lowercase_first, parse_date, Source};
use super::{html, Record, Skips};

/// The longest WARC header read; a longer one is malformed.
const MAX_HEADER: usize = 64 * 1024;
/// The longest HTTP response head read; a longer one is malformed.
const MAX_HTTP_HEAD: usize = 64 * 1024;

/// The decompressed bytes of a WARC file, and where its records start.
enum Input {
    /// A `.warc.gz`, one member at a time.
    Gzip(Box<GzMembers<Box<dyn Read + Send>>>),
    /// A `.warc`, or the decompressed bytes of a `.warc.zst`.
    Plain(Counted<Box<dyn Read + Send>>),
}

impl Input {
    /// The offset that names the record starting at the next byte: its gzip member's in a
    /// `.warc.gz`, its own otherwise (after `fill_buf`).
    fn offset(&self) -> u64 {
        match self {
            Input::Gzip(gz) => gz.member_start(),
            Input::Plain(input) => input.offset(),
        }
    }

    /// At the end of the current gzip member, moves to the next; false at the end of input.
    fn next_unit(&mut self) -> io::Result<bool> {
        match self {
            Input::Gzip(gz) => gz.next_member(),
            Input::Plain(_) => Ok(false),
        }
    }

    /// The message of the read error that stopped the input, if one did.
    fn failure(&self) -> Option<String> {
        match self {
            Input::Gzip(gz) => gz.failure().map(str::to_string),
            Input::Plain(input) => input.failure().map(str::to_string),
        }
    }

    /// After bad data (a corrupt gzip member), moves to where reading can go on: the next gzip
    /// member; false when it cannot.
    fn recover(&mut self) -> io::Result<bool> {
        match self {
            Input::Gzip(gz) => gz.resync(),
            Input::Plain(_) => Ok(false),
        }
    }

    /// After a malformed record, moves to where the next record may start: the next gzip
    /// member, or the next line that starts with `WARC/`; false at the end of input.
    fn skip_record(&mut self) -> io::Result<bool> {
        match self {
            Input::Gzip(gz) => match gz.next_member() {
                Ok(more) => Ok(more),
                Err(_) => gz.resync(),
            },
            Input::Plain(input) => {
                let found = input.skip_to(b"\nWARC/")?;
                input.consume(usize::from(found));
                Ok(found)
            }
        }
    }
}

impl Read for Input {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Input::Gzip(gz) => gz.read(out),
            Input::Plain(input) => input.read(out),
        }
    }
}

impl BufRead for Input {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Input::Gzip(gz) => gz.fill_buf(),
            Input::Plain(input) => input.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match self {
            Input::Gzip(gz) => gz.consume(amount),
            Input::Plain(input) => input.consume(amount),
        }
    }
}

/// The records of a WARC stream.
pub(crate) struct Records {
    input: Input,
    file: String,
    limit: usize,
    skips: Arc<Skips>,
    /// The 1-based number of the record last begun.
    number: u64,
    /// True after an error until a record header reads well: the errors of what follows a
    /// malformed record, before the reader finds its feet again, are not reported.
    resyncing: bool,
    /// Error records returned so far.
    errors: u64,
    done: bool,
}

/// What became of one record.
enum Outcome {
    Article(Box<Doc>),
    Skip(String),
    Error(RecordErrorKind, String),
}

impl Records {
    /// The records of `input`, compressed with `compression`.
    pub fn new(
        input: Box<dyn Read + Send>,
        compression: Compression,
        file: String,
        limit: usize,
        skips: Arc<Skips>,
    ) -> Records {
        let input = match compression {
            Compression::Gzip => Input::Gzip(Box::new(GzMembers::new(input, false))),
            Compression::None => Input::Plain(Counted::new(input)),
            Compression::Zstd => {
                let frames = ZstdFrames::new(Counted::new(input));
                Input::Plain(Counted::new(Box::new(frames)))
            }
        };
        Records {
            input,
            file,
            limit,
            skips,
            number: 0,
            resyncing: false,
            errors: 0,
            done: false,
        }
    }

    /// An error record about record `number` at `offset`.
    fn error(
        &self,
        at: (u64, u64),
        id: Option<&str>,
        kind: RecordErrorKind,
        message: &str,
    ) -> RecordError {
        let (number, offset) = at;
        let message = format!("record {number} at byte {offset}: {message}");
        let error = RecordError::new(self.file.clone(), kind, message);
        match id {
            Some(id) => error.with_id(id),
            None => error,
        }
    }

    /// Reports `error` unless the reader is finding its feet after an earlier one.
    fn report(&mut self, error: RecordError) -> Option<Record> {
        if self.resyncing {
            return None;
        }
        self.resyncing = true;
        self.errors += 1;
        Some(Err(error))
    }

    /// After a read error: reports it (as part of record `at`, if one was being read) and
    /// moves on to where reading can go on.
    fn bad_data(
        &mut self,
        at: Option<(u64, u64)>,
        id: Option<&str>,
        message: &str,
    ) -> Option<Record> {
        let message = format!("cannot read: {}", lowercase_first(message));
        let error = match at {
            Some(at) => self.error(at, id, RecordErrorKind::Io, &message),
            // Bad data between records (a gzip member that does not even start well) is taken
            // to be a record: the member it spoilt.
            None => {
                self.number += 1;
                let message = format!("record {}: {message}", self.number);
                RecordError::new(self.file.clone(), RecordErrorKind::Io, message)
            }
        };
        let record = self.report(error);
        match self.input.recover() {
            Ok(true) => {}
            Ok(false) | Err(_) => self.done = true,
        }
        record
    }

    /// After a malformed record: reports it and moves on to where the next record may start.
    fn bad_record(&mut self, at: (u64, u64), id: Option<&str>, message: &str) -> Option<Record> {
        let error = self.error(at, id, RecordErrorKind::MalformedMarkup, message);
        let record = self.report(error);
        match self.input.skip_record() {
            Ok(true) => {}
            Ok(false) => self.done = true,
            Err(e) => {
                let message = e.to_string();
                return record.or_else(|| self.bad_data(None, None, &message));
            }
        }
        record
    }

    /// Reads on until a record is done; `None` when it gave no record (skipped, or an error not
    /// reported).
    fn step(&mut self) -> Option<Record> {
        match skip_blank_lines(&mut self.input) {
            Ok(true) => {}
            Ok(false) => {
                match self.input.next_unit() {
                    Ok(true) => {}
                    Ok(false) => self.done = true,
                    Err(e) => return self.bad_data(None, None, &e.to_string()),
                }
                return None;
            }
            Err(e) => return self.bad_data(None, None, &e.to_string()),
        }
        self.number += 1;
        let at = (self.number, self.input.offset());
        let header = match read_head(&mut self.input, MAX_HEADER) {
            Ok(Head::Complete(bytes)) => parse_header(&bytes),
            Ok(Head::TooLong) => Err(format!("the warc header is longer than {MAX_HEADER} bytes")),
            Ok(Head::Truncated(bytes)) => {
                check_version(&bytes).and_then(|_| Err("the warc header is truncated".to_string()))
            }
            Err(e) => return self.bad_data(Some(at), None, &e.to_string()),
        };
        let header = match header {
            Ok(header) => header,
            Err(message) => return self.bad_record(at, None, &message),
        };
        self.resyncing = false;
        let id = header.id(&self.file, at.1);
        let length = header.length;
        let mut block = (&mut self.input).take(length);
        let outcome = match header.record_type().as_deref() {
            Some("response") => {
                let source = Source {
                    file: self.file.clone(),
                    id: id.clone(),
                };
                response(&header, &mut block, &source, self.limit)
            }
            Some(
                kind @ ("warcinfo" | "request" | "metadata" | "revisit" | "resource" | "conversion"
                | "continuation"),
            ) => Outcome::Skip(format!("warc {kind} record")),
            _ => Outcome::Skip("warc record of another type".to_string()),
        };
        let drained = io::copy(&mut block, &mut io::sink());
        let missing = block.limit();
        if let Some(failure) = self.input.failure() {
            return self.bad_data(Some(at), Some(&id), &failure);
        }
        if let Err(e) = drained {
            return self.bad_data(Some(at), Some(&id), &e.to_string());
        }
        if missing > 0 {
            let message = format!(
                "the record is truncated: it has {} of its {length} bytes",
                length - missing
            );
            return self.bad_record(at, Some(&id), &message);
        }
        match outcome {
            Outcome::Article(mut doc) => {
                doc.article.origin = format!("{}@{}", self.file, at.1);
                Some(Ok(*doc))
            }
            Outcome::Skip(reason) => {
                self.skips.add(&reason);
                None
            }
            Outcome::Error(kind, message) => {
                self.errors += 1;
                Some(Err(self.error(at, Some(&id), kind, &message)))
            }
        }
    }
}

impl Iterator for Records {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            if let Some(record) = self.step() {
                return Some(record);
            }
            if self.done && self.number == 0 && self.errors == 0 {
                let message = "no warc records in the input";
                let error = RecordError::new(self.file.clone(), RecordErrorKind::Empty, message);
                return Some(Err(error));
            }
        }
        None
    }
}

/// The article of a `response` record, or why there is none.
fn response(header: &Header, block: &mut impl BufRead, source: &Source, limit: usize) -> Outcome {
    let warc_type = header.get("content-type").unwrap_or("");
    let is_http = match warc_type {
        "" => matches!(block.fill_buf(), Ok(bytes) if bytes.starts_with(b"HTTP/")),
        t => t
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/http"),
    };
    if !is_http {
        return Outcome::Skip("warc response not http".to_string());
    }
    let head = match read_head(block, MAX_HTTP_HEAD) {
        Ok(Head::Complete(head)) => head,
        Ok(Head::TooLong) => {
            let message = format!("the http header is longer than {MAX_HTTP_HEAD} bytes");
            return Outcome::Error(RecordErrorKind::MalformedMarkup, message);
        }
        Ok(Head::Truncated(_)) => {
            let message = "the record ends inside the http header".to_string();
            return Outcome::Error(RecordErrorKind::MalformedMarkup, message);
        }
        Err(e) => return Outcome::Error(RecordErrorKind::Io, io_text(&e)),
    };
    let response = match http::parse_response(&head) {
        Ok(response) => response,
        Err(message) => {
            let message = format!("invalid http response: {message}");
            return Outcome::Error(RecordErrorKind::MalformedMarkup, message);
        }
    };
    if !(200..300).contains(&response.status) {
        return Outcome::Skip(format!("http status {}xx", response.status / 100));
    }
    let is_html = response.is_html();
    if is_html == Some(false) {
        return Outcome::Skip("http response not html".to_string());
    }
    let payload = match response.payload(block) {
        Ok(payload) => payload,
        Err(message) => {
            let message = format!("cannot read the http payload: {message}");
            return Outcome::Error(RecordErrorKind::Io, message);
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = payload.take(limit as u64 + 1).read_to_end(&mut bytes) {
        let message = format!("cannot read the http payload: {}", io_text(&e));
        return Outcome::Error(RecordErrorKind::Io, message);
    }
    if bytes.len() > limit {
        let message = format!("the html payload is over the limit of {limit} bytes");
        return Outcome::Error(RecordErrorKind::Oversize, message);
    }
    let (text, replaced) = decode(&bytes);
    if is_html.is_none() && !text.trim_start().starts_with('<') {
        return Outcome::Skip("http response not html".to_string());
    }
    let mut doc = match html::read(source, &text) {
        Ok(doc) => doc,
        Err(e) => return Outcome::Error(e.kind, e.message),
    };
    let article = &mut doc.article;
    if let Some(url) = header.target_uri() {
        article.url = Some(url);
    }
    if article.published.is_none() {
        article.published = header.get("warc-date").and_then(parse_date);
    }
    if replaced > 0 {
        doc.diagnostics.insert(0, invalid_utf8(replaced));
    }
    Outcome::Article(Box::new(doc))
}

/// An I/O error's message, lowercase.
fn io_text(e: &io::Error) -> String {
    lowercase_first(&e.to_string())
}

/// Consumes line ends and spaces between records; false at the end of the input.
fn skip_blank_lines(input: &mut impl BufRead) -> io::Result<bool> {
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(false);
        }
        let blank = available
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let more = blank < available.len();
        input.consume(blank);
        if more {
            return Ok(true);
        }
    }
}

/// A header block as read.
#[derive(Debug, PartialEq, Eq)]
enum Head {
    /// Every line up to and including the blank line that ends the block.
    Complete(Vec<u8>),
    /// The block is longer than allowed (what was read of it is consumed).
    TooLong,
    /// The input ended before the blank line; what was read.
    Truncated(Vec<u8>),
}

/// Reads lines up to and including the first blank one (`\r\n` or `\n`), at most `max` bytes.
fn read_head(input: &mut impl BufRead, max: usize) -> io::Result<Head> {
    let mut head = Vec::new();
    let mut line_start = 0;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(Head::Truncated(head));
        }
        let (chunk, found) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        let room = max.saturating_sub(head.len());
        if chunk.len() > room {
            let n = room;
            input.consume(n);
            return Ok(Head::TooLong);
        }
        head.extend_from_slice(chunk);
        let used = chunk.len();
        input.consume(used);
        if found {
            let line = &head[line_start..];
            if line == b"\n" || line == b"\r\n" {
                return Ok(Head::Complete(head));
            }
            line_start = head.len();
        }
    }
}

/// A WARC record header.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Header {
    /// `WARC/1.0`, `WARC/1.1`.
    version: String,
    /// Field names lowercased, values trimmed, in order.
    fields: Vec<(String, String)>,
    /// The length of the record block.
    length: u64,
}

impl Header {
    /// The value of the first field called `name` (lowercase).
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// `WARC-Type`, lowercased.
    fn record_type(&self) -> Option<String> {
        self.get("warc-type").map(str::to_ascii_lowercase)
    }

    /// `WARC-Target-URI`, without the angle brackets of WARC 1.0's examples.
    fn target_uri(&self) -> Option<String> {
        let uri = self.get("warc-target-uri")?;
        let uri = uri.strip_prefix('<').unwrap_or(uri);
        let uri = uri.strip_suffix('>').unwrap_or(uri).trim();
        (!uri.is_empty()).then(|| uri.to_string())
    }

    /// The id of the record's article: its URL, else its `WARC-Record-ID`, else `file@offset`.
    fn id(&self, file: &str, offset: u64) -> String {
        self.target_uri()
            .or_else(|| self.get("warc-record-id").map(str::to_string))
            .unwrap_or_else(|| format!("{file}@{offset}"))
    }
}

/// The version line at the start of `head` (`WARC/1.0`), or why it is not one.
fn check_version(head: &[u8]) -> Result<String, String> {
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let line = String::from_utf8_lossy(&head[..end]);
    let line = line.trim_end();
    let number = line.strip_prefix("WARC/").unwrap_or("");
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(format!(
            "expected a warc version line, found {:?}",
            clip(line)
        ));
    }
    Ok(line.to_string())
}

/// Parses a WARC header block: the version line, then `Name: value` fields (a line that starts
/// with a space or a tab continues the value before) up to a blank line. `Content-Length` is
/// required.
fn parse_header(head: &[u8]) -> Result<Header, String> {
    let version = check_version(head)?;
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    lines.next();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            let Some((_, value)) = fields.last_mut() else {
                return Err(format!(
                    "continuation line before any field: {:?}",
                    clip(line)
                ));
            };
            value.push(' ');
            value.push_str(line.trim());
            continue;
        }
        match line.split_once(':') {
            Some((name, value))
                if !name.is_empty() && !name.contains(|c: char| c.is_whitespace()) =>
            {
                fields.push((name.to_ascii_lowercase(), value.trim().to_string()));
            }
            _ => return Err(format!("invalid warc header line {:?}", clip(line))),
        }
    }
    let header = Header {
        version,
        fields,
        length: 0,
    };
    let length = match header.get("content-length") {
        None => return Err("the warc header has no content-length".to_string()),
        Some(value) => value
            .parse::<u64>()
            .map_err(|_| format!("content-length {:?} is not a number", clip(value)))?,
    };
    Ok(Header { length, ..header })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_header(input: &str, expect: Result<&str, &str>) {
        let got = parse_header(input.as_bytes()).map(|h| {
            let fields: Vec<String> = h.fields.iter().map(|(n, v)| format!("{n}={v}")).collect();
            format!("{} {} [{}]", h.version, h.length, fields.join("; "))
        });
        assert_eq!(got.as_deref(), expect.map_err(str::to_string).as_deref());
    }

    #[test]
    fn warc_headers() {
        check_header(
            "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12\r\n\r\n",
            Ok("WARC/1.0 12 [warc-type=response; content-length=12]"),
        );
        check_header(
            "WARC/1.1\nWARC-Target-URI:  https://x.test/a \nX-Long: one\n\ttwo\nContent-Length:0\n\n",
            Ok("WARC/1.1 0 [warc-target-uri=https://x.test/a; x-long=one two; content-length=0]"),
        );
    }

    #[test]
    fn malformed_warc_headers() {
        check_header(
            "HTTP/1.1 200 OK\r\n\r\n",
            Err("expected a warc version line, found \"HTTP/1.1 200 OK\""),
        );
        check_header(
            "WARC/\r\n\r\n",
            Err("expected a warc version line, found \"WARC/\""),
        );
        check_header(
            "WARC/1.0\r\nWARC-Type: response\r\n\r\n",
            Err("the warc header has no content-length"),
        );
        check_header(
            "WARC/1.0\r\nContent-Length: -1\r\n\r\n",
            Err("content-length \"-1\" is not a number"),
        );
        check_header(
            "WARC/1.0\r\nno colon here\r\n\r\n",
            Err("invalid warc header line \"no colon here\""),
        );
        check_header(
            "WARC/1.0\r\n continued\r\n\r\n",
            Err("continuation line before any field: \" continued\""),
        );
    }

    #[test]
    fn head_blocks() {
        let read = |input: &str, max| read_head(&mut input.as_bytes(), max).unwrap();
        assert_eq!(
            read("A: 1\r\n\r\nbody", 100),
            Head::Complete(b"A: 1\r\n\r\n".to_vec())
        );
        assert_eq!(
            read("A: 1\n\nbody", 100),
            Head::Complete(b"A: 1\n\n".to_vec())
        );
        assert_eq!(
            read("A: 1\r\nB", 100),
            Head::Truncated(b"A: 1\r\nB".to_vec())
        );
        assert_eq!(read("A: 1\r\nB: 2\r\n\r\n", 8), Head::TooLong);
    }

    #[test]
    fn target_uri_and_ids() {
        let header = |fields: &[(&str, &str)]| Header {
            version: "WARC/1.0".to_string(),
            fields: fields
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            length: 0,
        };
        let with_uri = header(&[("warc-target-uri", "<https://x.test/a>")]);
        assert_eq!(with_uri.id("f.warc", 0), "https://x.test/a");
        let with_id = header(&[("warc-record-id", "<urn:uuid:1>")]);
        assert_eq!(with_id.id("f.warc", 0), "<urn:uuid:1>");
        assert_eq!(header(&[]).id("f.warc", 17), "f.warc@17");
    }
}
