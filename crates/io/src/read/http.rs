//! The HTTP responses that WARC `response` records hold: the status line and header fields, and
//! the payload with its transfer encoding (chunked) and content encoding (gzip, deflate, zstd)
//! undone.

use std::io::{self, BufRead, BufReader, Read};

use super::compress::{Counted, ZstdFrames};

/// The head of an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub status: u16,
    /// Field names lowercased, values trimmed, in order.
    pub fields: Vec<(String, String)>,
}

impl Response {
    /// The value of the first field called `name` (lowercase).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the `Content-Type` names an HTML page: `None` when there is none.
    pub fn is_html(&self) -> Option<bool> {
        self.get("content-type").map(is_html_type)
    }

    /// The payload decoder that undoes the transfer and content encodings, reading the raw
    /// payload from `body`; an unsupported encoding is an error message.
    pub fn payload<'a, R: BufRead + 'a>(&self, body: R) -> Result<Box<dyn Read + 'a>, String> {
        let chunked = self
            .get("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let mut payload: Box<dyn Read + 'a> = match chunked {
            true => Box::new(Chunked::new(body)),
            false => Box::new(body),
        };
        let codings = self
            .get("content-encoding")
            .unwrap_or("")
            .to_ascii_lowercase();
        // The codings are listed in the order they were applied: undo the last first.
        for coding in codings.split(',').map(str::trim).rev() {
            payload = match coding {
                "" | "identity" => payload,
                "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(payload)),
                "deflate" => deflate(payload),
                "zstd" => Box::new(ZstdFrames::new(Counted::new(payload))),
                other => return Err(format!("unsupported content-encoding {other:?}")),
            };
        }
        Ok(payload)
    }
}

/// Whether a media type is an HTML page (`text/html`, `application/xhtml+xml`).
pub(crate) fn is_html_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.to_ascii_lowercase().contains("html")
}

/// The `deflate` content coding: a zlib stream as RFC 9110 says, or the raw deflate data that
/// some servers send instead, told apart by the zlib header.
fn deflate<'a>(payload: Box<dyn Read + 'a>) -> Box<dyn Read + 'a> {
    let mut payload = BufReader::new(payload);
    let zlib = match payload.fill_buf() {
        Ok([cmf, flg, ..]) => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => true,
    };
    match zlib {
        true => Box::new(flate2::bufread::ZlibDecoder::new(payload)),
        false => Box::new(flate2::bufread::DeflateDecoder::new(payload)),
    }
}

/// Parses the head of an HTTP response (the status line and the fields, up to the blank line).
/// Field lines without a colon are ignored: servers write all sorts of things.
pub(crate) fn parse_response(head: &[u8]) -> Result<Response, String> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.split_ascii_whitespace();
    let status = match (parts.next(), parts.next()) {
        (Some(version), Some(code))
            if version.starts_with("HTTP/")
                && code.len() == 3
                && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            code.parse()
                .map_err(|_| "invalid status code".to_string())?
        }
        _ => return Err(format!("invalid status line {:?}", clip(status_line))),
    };
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Ok(Response { status, fields })
}

/// At most 60 characters of `s`, for messages that quote input.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// The longest chunk-size or trailer line read.
const MAX_CHUNK_LINE: usize = 4096;

/// Where a [`Chunked`] decoder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChunkState {
    /// Before a chunk-size line.
    Size,
    /// Inside a chunk, with this many bytes left.
    Data(u64),
    /// After a chunk's data, before its line end.
    DataEnd,
    /// After the last chunk and the trailer.
    Done,
}

/// A decoder of the chunked transfer coding (RFC 9112 section 7.1): hexadecimal chunk sizes
/// (with extensions ignored), each chunk's data, a zero-size last chunk and a trailer.
pub(crate) struct Chunked<R> {
    input: R,
    state: ChunkState,
    line: Vec<u8>,
}

impl<R: BufRead> Chunked<R> {
    pub fn new(input: R) -> Chunked<R> {
        Chunked {
            input,
            state: ChunkState::Size,
            line: Vec::new(),
        }
    }

    /// Reads one line without its line end into `self.line`; false at the end of the input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let mut limited = (&mut self.input).take(MAX_CHUNK_LINE as u64 + 1);
        let read = limited.read_until(b'\n', &mut self.line)?;
        if read == 0 {
            return Ok(false);
        }
        if self.line.last() != Some(&b'\n') {
            if self.line.len() > MAX_CHUNK_LINE {
                return Err(invalid("a chunk line is too long"));
            }
            return Err(truncated());
        }
        self.line.pop();
        if self.line.last() == Some(&b'\r') {
            self.line.pop();
        }
        Ok(true)
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("invalid chunked encoding: {message}"),
    )
}

fn truncated() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the chunked payload is truncated",
    )
}

/// The size of a chunk-size line: hexadecimal digits, then optional extensions after `;`.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let end = line.iter().position(|&b| b == b';').unwrap_or(line.len());
    let digits = std::str::from_utf8(&line[..end]).ok()?.trim();
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.state {
                ChunkState::Done => return Ok(0),
                ChunkState::Size => {
                    if !self.read_line()? {
                        return Err(truncated());
                    }
                    let size = chunk_size(&self.line).ok_or_else(|| {
                        let line = String::from_utf8_lossy(&self.line);
                        invalid(&format!("invalid chunk size {:?}", clip(&line)))
                    })?;
                    if size > 0 {
                        self.state = ChunkState::Data(size);
                        continue;
                    }
                    // The trailer: fields up to a blank line, ignored; a missing one is
                    // forgiven, since the payload is complete.
                    while self.read_line()? && !self.line.is_empty() {}
                    self.state = ChunkState::Done;
                }
                ChunkState::Data(left) => {
                    if out.is_empty() {
                        return Ok(0);
                    }
                    let wanted = out.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = self.input.read(&mut out[..wanted])?;
                    if n == 0 {
                        return Err(truncated());
                    }
                    let left = left - n as u64;
                    self.state = match left {
                        0 => ChunkState::DataEnd,
                        _ => ChunkState::Data(left),
                    };
                    return Ok(n);
                }
                ChunkState::DataEnd => {
                    if !self.read_line()? {
                        return Err(truncated());
                    }
                    if !self.line.is_empty() {
                        return Err(invalid("a chunk is longer than its size"));
                    }
                    self.state = ChunkState::Size;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn dechunk(input: &str) -> String {
        let mut out = Vec::new();
        match Chunked::new(input.as_bytes()).read_to_end(&mut out) {
            Ok(_) => String::from_utf8_lossy(&out).into_owned(),
            Err(e) => format!("{}<error: {e}>", String::from_utf8_lossy(&out)),
        }
    }

    #[test]
    fn chunked_payloads() {
        assert_eq!(
            dechunk("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"),
            "hello, world"
        );
        assert_eq!(
            dechunk("A;ext=1\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n"),
            "0123456789"
        );
        assert_eq!(dechunk("3\nabc\n0\n\n"), "abc");
        // A last chunk without its trailer's blank line is forgiven.
        assert_eq!(dechunk("3\r\nabc\r\n0\r\n"), "abc");
    }

    #[test]
    fn broken_chunked_payloads() {
        assert_eq!(
            dechunk("zz\r\nabc"),
            "<error: invalid chunked encoding: invalid chunk size \"zz\">"
        );
        assert_eq!(
            dechunk("5\r\nabc"),
            "abc<error: the chunked payload is truncated>"
        );
        assert_eq!(
            dechunk("2\r\nabc\r\n0\r\n\r\n"),
            "ab<error: invalid chunked encoding: a chunk is longer than its size>"
        );
        assert_eq!(dechunk(""), "<error: the chunked payload is truncated>");
        assert_eq!(
            dechunk("ffffffffffffffffff\r\n"),
            "<error: invalid chunked encoding: invalid chunk size \"ffffffffffffffffff\">"
        );
    }

    #[test]
    fn response_head() {
        let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=utf-8\r\nbogus line\r\nX-Empty:\r\n\r\n";
        let response = parse_response(head).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(
            response.fields,
            [
                (
                    "content-type".to_string(),
                    "text/html; charset=utf-8".to_string()
                ),
                ("x-empty".to_string(), String::new())
            ]
        );
        assert_eq!(response.is_html(), Some(true));
        assert_eq!(parse_response(b"HTTP/1.0 404\r\n\r\n").unwrap().status, 404);
        assert_eq!(
            parse_response(b"GET / HTTP/1.1\r\n\r\n"),
            Err("invalid status line \"GET / HTTP/1.1\"".to_string())
        );
        assert_eq!(
            parse_response(b"HTTP/1.1 2000 OK\r\n"),
            Err("invalid status line \"HTTP/1.1 2000 OK\"".to_string())
        );
    }

    #[test]
    fn html_media_types() {
        assert!(is_html_type("text/html"));
        assert!(is_html_type("Application/XHTML+XML; charset=utf-8"));
        assert!(!is_html_type("application/pdf"));
        assert!(!is_html_type("text/plain; note=html"));
    }

    fn decode(fields: &[(&str, &str)], body: &[u8]) -> String {
        let response = Response {
            status: 200,
            fields: fields
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        };
        let mut out = Vec::new();
        match response.payload(body) {
            Ok(mut payload) => match payload.read_to_end(&mut out) {
                Ok(_) => String::from_utf8_lossy(&out).into_owned(),
                Err(e) => format!("<error: {e}>"),
            },
            Err(e) => format!("<unsupported: {e}>"),
        }
    }

    #[test]
    fn content_encodings() {
        let text = b"<p>Lavrov met Kuleba.</p>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text).unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            decode(&[("content-encoding", "gzip")], &gz),
            "<p>Lavrov met Kuleba.</p>"
        );
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(text).unwrap();
        let zlib = zlib.finish().unwrap();
        assert_eq!(
            decode(&[("content-encoding", "deflate")], &zlib),
            "<p>Lavrov met Kuleba.</p>"
        );
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(text).unwrap();
        let raw = raw.finish().unwrap();
        assert_eq!(
            decode(&[("content-encoding", "deflate")], &raw),
            "<p>Lavrov met Kuleba.</p>"
        );
        let zstd = ruzstd::encoding::compress_to_vec(
            &text[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        assert_eq!(
            decode(&[("content-encoding", "zstd")], &zstd),
            "<p>Lavrov met Kuleba.</p>"
        );
        // Chunks of a gzipped payload: the transfer coding is undone first.
        let mut chunked = format!("{:x}\r\n", gz.len()).into_bytes();
        chunked.extend(&gz);
        chunked.extend(b"\r\n0\r\n\r\n");
        assert_eq!(
            decode(
                &[
                    ("transfer-encoding", "chunked"),
                    ("content-encoding", "gzip")
                ],
                &chunked
            ),
            "<p>Lavrov met Kuleba.</p>"
        );
        assert_eq!(
            decode(&[("content-encoding", "br")], b""),
            "<unsupported: unsupported content-encoding \"br\">"
        );
        assert!(decode(&[("content-encoding", "gzip")], b"not gzip").starts_with("<error: "));
    }
}
