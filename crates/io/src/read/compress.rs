//! Compressed inputs: gzip (every member of a multi-member file) and zstd (every frame),
//! decompressed as a stream, never whole in memory.
//!
//! [`GzMembers`] is the gzip decoder of every format. It knows where each member starts in the
//! compressed file, and after an error it can look for the next member, which is what lets the
//! WARC reader go on after a corrupt record of a `.warc.gz` (one gzip member per record).

use std::io::{self, BufRead, Read};

use flate2::bufread::GzDecoder;
use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

use super::source::lowercase_first;

/// The first bytes of every gzip member: the magic number and the deflate method.
const GZIP_MAGIC: &[u8] = b"\x1f\x8b\x08";
/// The first bytes of a zstd frame (0xFD2FB528, little-endian).
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";
/// How much a [`Counted`] reader buffers.
const BUF_BYTES: usize = 64 * 1024;

/// How a stream is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// The compression that a file name's last extension names (`.gz`, `.zst`), and the name
    /// without that extension, whose own extension gives the format.
    pub fn from_name(name: &str) -> (Compression, &str) {
        let Some((stem, ext)) = name.rsplit_once('.') else {
            return (Compression::None, name);
        };
        // A hidden file's leading dot starts no extension (`.gz` is a name, not a suffix).
        if stem.is_empty() || stem.ends_with(['/', '\\']) {
            return (Compression::None, name);
        }
        match ext.to_ascii_lowercase().as_str() {
            "gz" => (Compression::Gzip, stem),
            "zst" => (Compression::Zstd, stem),
            _ => (Compression::None, name),
        }
    }

    /// The compression that the first bytes of a stream show by their magic number.
    pub fn from_magic(head: &[u8]) -> Compression {
        if head.starts_with(&GZIP_MAGIC[..2]) {
            Compression::Gzip
        } else if head.starts_with(ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// The decompressed stream of `input`.
pub(crate) fn decoder(
    input: Box<dyn Read + Send>,
    compression: Compression,
) -> Box<dyn Read + Send> {
    match compression {
        Compression::None => input,
        Compression::Gzip => Box::new(GzMembers::new(input, true)),
        Compression::Zstd => Box::new(ZstdFrames::new(Counted::new(input))),
    }
}

/// Up to `max` bytes of the start of the decompressed `raw` (the first bytes of a compressed
/// stream, not all of it): as much as decodes before the data runs out or turns bad.
pub(crate) fn decoded_prefix(raw: &[u8], compression: Compression, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let input: Box<dyn Read + Send> = Box::new(io::Cursor::new(raw.to_vec()));
    // A short read ends in an error here by design: `read_to_end` keeps what came before it.
    let _ = decoder(input, compression)
        .take(max as u64)
        .read_to_end(&mut out);
    out
}

/// A buffered reader that counts the bytes consumed from it and can look ahead a few bytes.
#[derive(Debug)]
pub(crate) struct Counted<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes consumed so far.
    offset: u64,
    /// The last error of the inner reader, kept for whoever reads through a layer that hides it.
    failure: Option<String>,
}

impl<R: Read> Counted<R> {
    pub fn new(inner: R) -> Counted<R> {
        Counted {
            inner,
            buf: vec![0; BUF_BYTES].into_boxed_slice(),
            pos: 0,
            len: 0,
            offset: 0,
            failure: None,
        }
    }

    /// The offset of the next byte to be read.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The message of the last read error, if one happened.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    fn fail(&mut self, e: io::Error) -> io::Error {
        self.failure = Some(e.to_string());
        e
    }

    /// Moves to the next occurrence of `pattern` (at most 64 bytes long), consuming the bytes
    /// before it; false, with everything consumed, when there is none.
    pub fn skip_to(&mut self, pattern: &[u8]) -> io::Result<bool> {
        loop {
            let window = self.peek(pattern.len())?.len();
            if window < pattern.len() {
                self.consume(window);
                return Ok(false);
            }
            let available = &self.buf[self.pos..self.len];
            match memchr::memmem::find(available, pattern) {
                Some(at) => {
                    self.consume(at);
                    return Ok(true);
                }
                // Keep the bytes that may start an occurrence cut by the end of the buffer.
                None => {
                    let skip = available.len() - (pattern.len() - 1);
                    self.consume(skip);
                }
            }
        }
    }

    /// The next `n` bytes (fewer only at the end of the input) without consuming them.
    pub fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        debug_assert!(n <= self.buf.len());
        if self.len - self.pos < n {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
            while self.len < n {
                match self.inner.read(&mut self.buf[self.len..]) {
                    Ok(0) => break,
                    Ok(read) => self.len += read,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.fail(e)),
                }
            }
        }
        Ok(&self.buf[self.pos..self.len.min(self.pos + n)])
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
            loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => {
                        self.len = n;
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.fail(e)),
                }
            }
        }
        Ok(&self.buf[self.pos..self.len])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.len - self.pos);
        self.pos += amount;
        self.offset += amount as u64;
    }
}

/// Where a gzip decoder is between the members of a file.
enum Gz<R: Read> {
    /// Before the next member (or at the end of the input).
    Between(Counted<R>),
    /// Inside the member that starts at `member_start`.
    Member(GzDecoder<Counted<R>>),
    /// Only while one state replaces another.
    Gone,
}

/// A gzip decoder of every member of a file, one after another, as `gzip -d` reads them.
///
/// The decompressed bytes of one `fill_buf` always come from one member, so
/// [`GzMembers::member_start`] says exactly which member the next byte belongs to. With
/// `auto_advance` off, the end of each member reads as an end of input until
/// [`GzMembers::next_member`] moves on, so that a reader can keep its records inside members.
pub(crate) struct GzMembers<R: Read> {
    state: Gz<R>,
    out: Box<[u8]>,
    pos: usize,
    len: usize,
    /// The compressed offset of the member that the buffered bytes come from.
    member_start: u64,
    auto_advance: bool,
    /// After an error, reading gives nothing until [`GzMembers::resync`].
    failed: bool,
    /// The message of the last error, until [`GzMembers::resync`].
    failure: Option<String>,
    /// The member ended and `auto_advance` is off: reading gives nothing until
    /// [`GzMembers::next_member`].
    at_member_end: bool,
}

impl<R: Read> GzMembers<R> {
    pub fn new(input: R, auto_advance: bool) -> GzMembers<R> {
        GzMembers {
            state: Gz::Between(Counted::new(input)),
            out: vec![0; 32 * 1024].into_boxed_slice(),
            pos: 0,
            len: 0,
            member_start: 0,
            auto_advance,
            failed: false,
            failure: None,
            at_member_end: false,
        }
    }

    /// The message of the error that stopped decoding, until [`GzMembers::resync`].
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    fn fail(&mut self, e: io::Error) -> io::Error {
        self.failed = true;
        self.failure = Some(e.to_string());
        e
    }

    /// The compressed offset at which the member of the next decompressed byte starts (once
    /// `fill_buf` has been called).
    pub fn member_start(&self) -> u64 {
        self.member_start
    }

    /// Moves past the end of the current member (the rest of it is decoded and dropped); false
    /// when no input is left. Errors are those of decoding the rest of the member.
    pub fn next_member(&mut self) -> io::Result<bool> {
        self.pos = self.len;
        self.at_member_end = false;
        if matches!(self.state, Gz::Member(_)) {
            let auto = std::mem::replace(&mut self.auto_advance, false);
            let drained = io::copy(self, &mut io::sink());
            self.auto_advance = auto;
            self.at_member_end = false;
            drained?;
        }
        match &mut self.state {
            Gz::Between(input) => Ok(!input.fill_buf()?.is_empty()),
            _ => Ok(false),
        }
    }

    /// After an error, skips to the next place where a gzip member may start (past the start of
    /// the member that failed); false when none is left.
    pub fn resync(&mut self) -> io::Result<bool> {
        self.pos = 0;
        self.len = 0;
        self.failed = false;
        self.failure = None;
        self.at_member_end = false;
        let mut input = match std::mem::replace(&mut self.state, Gz::Gone) {
            Gz::Member(decoder) => decoder.into_inner(),
            Gz::Between(input) => input,
            Gz::Gone => return Ok(false),
        };
        // The failed member's own magic number must not be found again.
        if input.offset() == self.member_start {
            let step = match input.peek(1) {
                Ok(next) => next.len(),
                Err(e) => {
                    self.state = Gz::Between(input);
                    return Err(e);
                }
            };
            input.consume(step);
        }
        let found = input.skip_to(GZIP_MAGIC);
        self.state = Gz::Between(input);
        found
    }

    /// The error for bad data in the current member.
    fn data_error(&self, e: &io::Error) -> io::Error {
        let what = match e.kind() {
            io::ErrorKind::UnexpectedEof => "the member is truncated".to_string(),
            _ => lowercase_first(&e.to_string()),
        };
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "invalid gzip data in the member at byte {}: {what}",
                self.member_start
            ),
        )
    }
}

impl<R: Read> Read for GzMembers<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for GzMembers<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos == self.len && !self.failed && !self.at_member_end {
            match std::mem::replace(&mut self.state, Gz::Gone) {
                Gz::Member(mut decoder) => match decoder.read(&mut self.out) {
                    Ok(0) => {
                        self.state = Gz::Between(decoder.into_inner());
                        self.at_member_end = !self.auto_advance;
                    }
                    Ok(n) => {
                        self.state = Gz::Member(decoder);
                        self.pos = 0;
                        self.len = n;
                    }
                    Err(e) => {
                        self.state = Gz::Member(decoder);
                        let e = self.data_error(&e);
                        return Err(self.fail(e));
                    }
                },
                Gz::Between(mut input) => {
                    let head = match input.peek(2) {
                        Ok(head) => head,
                        Err(e) => {
                            self.state = Gz::Between(input);
                            return Err(self.fail(e));
                        }
                    };
                    if head.is_empty() {
                        self.state = Gz::Between(input);
                        break;
                    }
                    let is_member = head == &GZIP_MAGIC[..2];
                    self.member_start = input.offset();
                    if !is_member {
                        self.state = Gz::Between(input);
                        let message = format!(
                            "invalid gzip data: the bytes at {} do not start a gzip member",
                            self.member_start
                        );
                        let e = io::Error::new(io::ErrorKind::InvalidData, message);
                        return Err(self.fail(e));
                    }
                    self.state = Gz::Member(GzDecoder::new(input));
                }
                Gz::Gone => break,
            }
        }
        if self.failed || self.at_member_end {
            return Ok(&[]);
        }
        Ok(&self.out[self.pos..self.len])
    }

    fn consume(&mut self, amount: usize) {
        self.pos = (self.pos + amount).min(self.len);
    }
}

/// A zstd decoder of every frame of a stream, one after another; skippable frames are skipped.
pub(crate) struct ZstdFrames<R: Read> {
    input: Counted<R>,
    frame: FrameDecoder,
    in_frame: bool,
    failed: bool,
}

impl<R: Read> ZstdFrames<R> {
    pub fn new(input: Counted<R>) -> ZstdFrames<R> {
        ZstdFrames {
            input,
            frame: FrameDecoder::new(),
            in_frame: false,
            failed: false,
        }
    }

    fn fail(&mut self, message: String) -> io::Error {
        self.failed = true;
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid zstd data: {message}"),
        )
    }

    /// Starts the next frame, skipping skippable ones; false at the end of the input.
    fn start_frame(&mut self) -> io::Result<bool> {
        loop {
            if self.input.fill_buf()?.is_empty() {
                return Ok(false);
            }
            match self.frame.reset(&mut self.input) {
                Ok(()) => return Ok(true),
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped = io::copy(
                        &mut (&mut self.input).take(u64::from(length)),
                        &mut io::sink(),
                    )?;
                    if skipped < u64::from(length) {
                        return Err(self.fail("a skippable frame is truncated".to_string()));
                    }
                }
                Err(e) => return Err(self.fail(lowercase_first(&e.to_string()))),
            }
        }
    }
}

impl<R: Read> Read for ZstdFrames<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.failed {
                return Ok(0);
            }
            if !self.in_frame {
                if !self.start_frame()? {
                    return Ok(0);
                }
                self.in_frame = true;
            }
            while self.frame.can_collect() < out.len() && !self.frame.is_finished() {
                let wanted = out.len() - self.frame.can_collect();
                let decoded = self
                    .frame
                    .decode_blocks(&mut self.input, BlockDecodingStrategy::UptoBytes(wanted));
                if let Err(e) = decoded {
                    let message = lowercase_first(&e.to_string());
                    return Err(self.fail(message));
                }
            }
            let n = self.frame.read(out)?;
            if n > 0 {
                return Ok(n);
            }
            if self.frame.is_finished() {
                let expected = self.frame.get_checksum_from_data();
                let computed = self.frame.get_calculated_checksum();
                if let (Some(expected), Some(computed)) = (expected, computed) {
                    if expected != computed {
                        return Err(self.fail("checksum mismatch".to_string()));
                    }
                }
                self.in_frame = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    /// Reads everything, rendering an error as `<error: message>` at the point it happened.
    fn read_all(mut input: impl Read) -> String {
        let mut out = Vec::new();
        let result = input.read_to_end(&mut out);
        let mut s = String::from_utf8_lossy(&out).into_owned();
        if let Err(e) = result {
            s += &format!("<error: {e}>");
        }
        s
    }

    #[test]
    fn compression_from_name() {
        assert_eq!(
            Compression::from_name("news.jsonl.gz"),
            (Compression::Gzip, "news.jsonl")
        );
        assert_eq!(
            Compression::from_name("dir/a.txt.ZST"),
            (Compression::Zstd, "dir/a.txt")
        );
        assert_eq!(
            Compression::from_name("a.warc"),
            (Compression::None, "a.warc")
        );
        assert_eq!(
            Compression::from_name("dir/.gz"),
            (Compression::None, "dir/.gz")
        );
        assert_eq!(Compression::from_name("gz"), (Compression::None, "gz"));
    }

    #[test]
    fn compression_from_magic() {
        assert_eq!(Compression::from_magic(&gzip(b"x")), Compression::Gzip);
        assert_eq!(
            Compression::from_magic(b"\x28\xb5\x2f\xfd\x00"),
            Compression::Zstd
        );
        assert_eq!(Compression::from_magic(b"\x1f"), Compression::None);
        assert_eq!(Compression::from_magic(b"{}"), Compression::None);
    }

    #[test]
    fn every_gzip_member_is_read() {
        let mut data = gzip(b"one\n");
        data.extend(gzip(b""));
        data.extend(gzip(b"two\n"));
        assert_eq!(read_all(GzMembers::new(&data[..], true)), "one\ntwo\n");
    }

    #[test]
    fn members_one_at_a_time_with_their_offsets() {
        let first = gzip(b"one");
        let mut data = first.clone();
        data.extend(gzip(b"two"));
        let mut gz = GzMembers::new(&data[..], false);
        assert_eq!(gz.fill_buf().unwrap(), b"one");
        assert_eq!(gz.member_start(), 0);
        gz.consume(3);
        assert_eq!(gz.fill_buf().unwrap(), b"");
        assert!(gz.next_member().unwrap());
        assert_eq!(gz.fill_buf().unwrap(), b"two");
        assert_eq!(gz.member_start(), first.len() as u64);
        assert!(!gz.next_member().unwrap());
    }

    #[test]
    fn next_member_skips_the_rest_of_a_member() {
        let mut data = gzip(b"one two three");
        data.extend(gzip(b"four"));
        let mut gz = GzMembers::new(&data[..], false);
        gz.fill_buf().unwrap();
        gz.consume(4);
        assert!(gz.next_member().unwrap());
        assert_eq!(read_all(&mut gz), "four");
    }

    #[test]
    fn corrupt_member_is_an_error_then_resync_finds_the_next() {
        let mut bad = gzip(&[b'x'; 64]);
        bad[12] ^= 0xff;
        let mut data = gzip(b"one");
        let bad_at = data.len();
        data.extend(&bad);
        data.extend(gzip(b"three"));
        let mut gz = GzMembers::new(&data[..], true);
        let got = read_all(&mut gz);
        assert!(
            got.starts_with(&format!(
                "one<error: invalid gzip data in the member at byte {bad_at}: "
            )),
            "{got}"
        );
        assert!(gz.resync().unwrap());
        assert_eq!(read_all(&mut gz), "three");
        assert!(!gz.resync().unwrap());
    }

    #[test]
    fn truncated_member() {
        let data = gzip(b"some text that is long enough");
        let got = read_all(GzMembers::new(&data[..data.len() - 6], true));
        assert!(
            got.ends_with(
                "<error: invalid gzip data in the member at byte 0: the member is truncated>"
            ),
            "{got}"
        );
    }

    #[test]
    fn trailing_bytes_are_not_a_member() {
        let mut data = gzip(b"one");
        data.extend(b"junk");
        let at = data.len() - 4;
        assert_eq!(
            read_all(GzMembers::new(&data[..], true)),
            format!("one<error: invalid gzip data: the bytes at {at} do not start a gzip member>")
        );
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    #[test]
    fn every_zstd_frame_is_read_and_skippable_frames_skipped() {
        let mut data = zstd(b"one\n");
        data.extend(b"\x50\x2a\x4d\x18\x03\x00\x00\x00abc");
        data.extend(zstd(b"two\n"));
        assert_eq!(
            read_all(ZstdFrames::new(Counted::new(&data[..]))),
            "one\ntwo\n"
        );
    }

    #[test]
    fn corrupt_zstd_is_an_error() {
        let data = zstd(&b"Lavrov met Kuleba. ".repeat(50));
        let got = read_all(ZstdFrames::new(Counted::new(&data[..data.len() / 2])));
        assert!(got.contains("<error: invalid zstd data: "), "{got}");
        let got = read_all(ZstdFrames::new(Counted::new(
            &b"\x28\xb5\x2f\xfd\xff\xff"[..],
        )));
        assert!(got.starts_with("<error: invalid zstd data: "), "{got}");
    }

    #[test]
    fn decoded_prefix_of_a_cut_stream() {
        let text: String = (0..2000)
            .map(|i| format!("Lavrov met Kuleba {i}. "))
            .collect();
        let data = gzip(text.as_bytes());
        let prefix = decoded_prefix(&data[..data.len() / 2], Compression::Gzip, 50);
        assert_eq!(prefix.len(), 50);
        assert!(prefix.starts_with(b"Lavrov met Kuleba 0. "));
    }

    #[test]
    fn skip_to_a_pattern_across_buffer_ends() {
        let mut data = vec![b'x'; BUF_BYTES - 3];
        data.extend(b"\nWARC/1.0");
        let mut input = Counted::new(&data[..]);
        assert!(input.skip_to(b"\nWARC/").unwrap());
        assert_eq!(input.offset(), BUF_BYTES as u64 - 3);
        input.consume(1);
        assert!(!input.skip_to(b"\nWARC/").unwrap());
        assert_eq!(input.offset(), data.len() as u64);
    }

    #[test]
    fn counted_peek_and_offsets() {
        let mut input = Counted::new(&b"abcdef"[..]);
        assert_eq!(input.peek(3).unwrap(), b"abc");
        input.consume(2);
        assert_eq!(input.offset(), 2);
        assert_eq!(input.peek(10).unwrap(), b"cdef");
        let mut rest = String::new();
        input.read_to_string(&mut rest).unwrap();
        assert_eq!((rest.as_str(), input.offset()), ("cdef", 6));
    }
}
