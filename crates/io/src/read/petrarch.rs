//! PETRARCH/TABARI XML: one article per `<Sentence>` element, wherever it is in the document.
//!
//! ```xml
//! <Sentences>
//! <Sentence date="20080801" id="AFP0808-01" sentence="True" source="afp">
//! <Text>...</Text>
//! <Parse>(ROOT (S ...))</Parse>
//! </Sentence>
//! </Sentences>
//! ```
//!
//! Everything outside `<Sentence>` elements (`<Environment>`, `<Config>`, comments) and every
//! element inside one other than `<Text>` and `<Parse>` (`<EventCoding>`) is ignored. The file is
//! read as a stream; after a syntax error the reader starts again after the bad markup and looks
//! for the next `<Sentence>`.

use std::collections::VecDeque;
use std::io::{self, BufReader, Read};

use dyad_core::{Article, Diagnostic, Doc, RecordError, RecordErrorKind};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use quick_xml::XmlVersion;

use super::source::{invalid_utf8, io_message, lowercase_first, parse_date};
use super::Record;

pub(crate) type XmlReader<R> = Reader<BufReader<LossyUtf8<R>>>;

/// The records of a PETRARCH XML stream.
pub(crate) struct Records<R> {
    /// `None` only while a new reader replaces one that failed.
    reader: Option<XmlReader<R>>,
    /// Bytes consumed by the readers that failed before the current one.
    base: u64,
    file: String,
    limit: usize,
    buf: Vec<u8>,
    /// The `<Sentence>` being read.
    open: Option<Pending>,
    out: VecDeque<Record>,
    /// True after a syntax error until the next `<Sentence>`: the errors of the junk in between
    /// are not reported again.
    resyncing: bool,
    seen_sentence: bool,
    done: bool,
}

/// Where the text of the current event goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Text,
    Parse,
}

/// A `<Sentence>` whose end tag has not been read yet.
#[derive(Debug)]
struct Pending {
    line: u64,
    id: Option<String>,
    date: Option<String>,
    source: Option<String>,
    extra: Vec<(String, String)>,
    text: Option<String>,
    parse: Option<String>,
    field: Field,
    /// Why the record cannot become an article, found while reading it.
    error: Option<(RecordErrorKind, String)>,
    /// Invalid UTF-8 bytes replaced in the stream before the element started.
    replaced_before: u64,
}

impl<R: Read> Records<R> {
    pub fn new(input: R, file: String, limit: usize) -> Records<R> {
        let reader = new_reader(BufReader::new(LossyUtf8::new(input)));
        Records {
            reader: Some(reader),
            base: 0,
            file,
            limit,
            buf: Vec::new(),
            open: None,
            out: VecDeque::new(),
            resyncing: false,
            seen_sentence: false,
            done: false,
        }
    }

    fn reader(&mut self) -> &mut XmlReader<R> {
        self.reader
            .as_mut()
            .expect("a reader is always in place between events")
    }

    fn lossy(&mut self) -> &mut LossyUtf8<R> {
        self.reader().get_mut().get_mut()
    }

    /// The 1-based line of byte `pos` of the current reader.
    fn line_at(&mut self, pos: u64) -> u64 {
        let pos = self.base + pos;
        self.lossy().line_at(pos)
    }

    /// Reports the record still open as malformed (it never closed) and forgets it.
    fn fail_open(&mut self, message: &str) {
        if let Some(pending) = self.open.take() {
            let error = self.error(
                pending.line,
                pending.id.as_deref(),
                RecordErrorKind::MalformedMarkup,
                message.to_string(),
            );
            self.out.push_back(Err(error));
        }
    }

    fn error(
        &self,
        line: u64,
        id: Option<&str>,
        kind: RecordErrorKind,
        message: String,
    ) -> RecordError {
        let error = RecordError::new(self.file.clone(), kind, message).at_line(line);
        match id {
            Some(id) => error.with_id(id),
            None => error,
        }
    }

    /// Reads one event and acts on it, queueing any finished record.
    fn step(&mut self) {
        let start = self.reader().buffer_position();
        let line = self.line_at(start);
        let collecting = self.open.as_ref().is_some_and(|p| p.field != Field::None);
        let reader = self
            .reader
            .as_mut()
            .expect("a reader is always in place between events");
        let event = match reader.read_event_into(&mut self.buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "Sentence" => {
                Ev::Sentence(attributes(&e), false)
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "Sentence" => {
                Ev::Sentence(attributes(&e), true)
            }
            Ok(Event::Start(e)) => Ev::Start(e.name().as_ref().to_string()),
            Ok(Event::Empty(_)) => Ev::Other,
            Ok(Event::End(e)) => Ev::End(e.name().as_ref().to_string()),
            Ok(Event::Text(t)) if collecting => Ev::Text(t.xml10_content().into_owned()),
            Ok(Event::CData(t)) if collecting => Ev::Text(t.xml10_content().into_owned()),
            Ok(Event::GeneralRef(r)) if collecting => Ev::Text(resolve(&r)),
            Ok(Event::Eof) => Ev::Eof,
            Ok(_) => Ev::Other,
            Err(quick_xml::Error::Io(e)) => Ev::Io(io_message("cannot read", &e)),
            Err(e) => Ev::Error(
                e.to_string(),
                reader.error_position(),
                reader.buffer_position(),
            ),
        };
        let end = reader.buffer_position();
        self.buf.clear();
        match event {
            Ev::Sentence(attrs, empty) => {
                self.resyncing = false;
                self.seen_sentence = true;
                self.fail_open("`<Sentence>` starts before the previous one ends");
                let replaced_before = self.lossy().replaced_passed;
                let pending = Pending::new(line, attrs, replaced_before);
                if empty {
                    self.line_at(end);
                    let record = self.finish(pending);
                    self.out.push_back(record);
                } else {
                    self.open = Some(pending);
                }
            }
            Ev::Start(name) => {
                if let Some(p) = &mut self.open {
                    match name.as_str() {
                        "Text" => {
                            p.field = Field::Text;
                            p.text.get_or_insert_with(String::new);
                        }
                        "Parse" => {
                            p.field = Field::Parse;
                            p.parse.get_or_insert_with(String::new);
                        }
                        _ => {}
                    }
                }
            }
            Ev::End(name) => match name.as_str() {
                "Sentence" => {
                    if let Some(pending) = self.open.take() {
                        self.line_at(end);
                        let record = self.finish(pending);
                        self.out.push_back(record);
                    }
                }
                "Text" | "Parse" => {
                    if let Some(p) = &mut self.open {
                        p.field = Field::None;
                    }
                }
                _ => {}
            },
            Ev::Text(text) => {
                let limit = self.limit;
                if let Some(p) = &mut self.open {
                    p.push(&text, limit);
                }
            }
            Ev::Other => {}
            Ev::Io(message) => {
                // A stream that failed once is not read again: the error would repeat.
                self.done = true;
                self.out
                    .push_back(Err(self.error(line, None, RecordErrorKind::Io, message)));
            }
            Ev::Eof => {
                self.done = true;
                if self.open.is_some() {
                    self.fail_open("unexpected end of input inside `<Sentence>`");
                } else if !self.seen_sentence && !self.resyncing {
                    let message = "no `<Sentence>` records in the input".to_string();
                    self.out.push_back(Err(RecordError::new(
                        self.file.clone(),
                        RecordErrorKind::Empty,
                        message,
                    )));
                }
            }
            Ev::Error(message, error_pos, consumed) => {
                let error_line = self.line_at(error_pos);
                let message = format!("invalid xml: {}", lowercase_first(&message));
                if let Some(pending) = self.open.take() {
                    let id = pending.id.clone();
                    let message = format!("{message} (at line {error_line})");
                    self.out.push_back(Err(self.error(
                        pending.line,
                        id.as_deref(),
                        RecordErrorKind::MalformedMarkup,
                        message,
                    )));
                } else if !self.resyncing {
                    self.out.push_back(Err(self.error(
                        error_line,
                        None,
                        RecordErrorKind::MalformedMarkup,
                        message,
                    )));
                }
                self.resyncing = true;
                self.restart(consumed);
            }
        }
    }

    /// Replaces the failed reader with a new one that reads on from where it stopped; a reader
    /// that failed without consuming anything ends the stream, since a new one would fail alike.
    fn restart(&mut self, consumed: u64) {
        let failed = self
            .reader
            .take()
            .expect("a reader is always in place between events");
        if consumed == 0 {
            self.done = true;
            return;
        }
        self.base += consumed;
        self.reader = Some(new_reader(failed.into_inner()));
    }

    /// Turns a complete `<Sentence>` into a record.
    fn finish(&mut self, p: Pending) -> Record {
        let replaced = self.lossy().replaced_passed - p.replaced_before;
        let id = p.id.unwrap_or_else(|| format!("{}:{}", self.file, p.line));
        let error =
            |kind, message: &str| Err(self.error(p.line, Some(&id), kind, message.to_string()));
        if let Some((kind, message)) = &p.error {
            return error(*kind, message);
        }
        let parse = p
            .parse
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let mut diagnostics = Vec::new();
        let words = parse.as_deref().map(parse_words).unwrap_or_default();
        let text = match p.text.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => text.to_string(),
            // Some PETRARCH test records carry only a parse; its words are the sentence.
            _ if !words.is_empty() => {
                let message = "`<Text>` is empty or missing; the text is the words of `<Parse>`";
                diagnostics.push(Diagnostic::info("text-from-parse", message));
                words
            }
            None => {
                let message = "`<Sentence>` has no `<Text>` element";
                return error(RecordErrorKind::MalformedMarkup, message);
            }
            Some(_) => return error(RecordErrorKind::Empty, "`<Text>` holds no text"),
        };
        if replaced > 0 {
            diagnostics.push(invalid_utf8(replaced as usize));
        }
        let published = p.date.as_deref().and_then(|date| {
            let published = parse_date(date);
            if published.is_none() {
                let message = format!("cannot parse date {date:?} and left it out");
                diagnostics.push(Diagnostic::warning("invalid-date", message));
            }
            published
        });
        let article = Article {
            origin: format!("{}:{}", self.file, p.line),
            id,
            source: p.source,
            published,
            text,
            parse,
            extra: p.extra,
            ..Article::default()
        };
        let mut doc = Doc::new(article);
        doc.diagnostics = diagnostics;
        Ok(doc)
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.out.pop_front() {
                return Some(record);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }
}

/// One event, owned, so that the reader's buffer is free again when it is acted on.
enum Ev {
    Sentence(Result<Vec<(String, String)>, String>, bool),
    Start(String),
    End(String),
    Text(String),
    Eof,
    Other,
    /// A read failed.
    Io(String),
    /// The message, where the bad markup starts and how far the reader got.
    Error(String, u64, u64),
}

impl Pending {
    fn new(
        line: u64,
        attrs: Result<Vec<(String, String)>, String>,
        replaced_before: u64,
    ) -> Pending {
        let mut p = Pending {
            line,
            id: None,
            date: None,
            source: None,
            extra: Vec::new(),
            text: None,
            parse: None,
            field: Field::None,
            error: None,
            replaced_before,
        };
        match attrs {
            Ok(attrs) => {
                for (name, value) in attrs {
                    match name.as_str() {
                        "id" => p.id = Some(value).filter(|v| !v.trim().is_empty()),
                        "date" => p.date = Some(value),
                        "source" => p.source = Some(value).filter(|v| !v.trim().is_empty()),
                        _ => {
                            let json = serde_json::Value::String(value).to_string();
                            p.extra.push((name, json));
                        }
                    }
                }
            }
            Err(message) => p.error = Some((RecordErrorKind::MalformedMarkup, message)),
        }
        p
    }

    /// Appends text to the field being read, up to `limit` bytes a field.
    fn push(&mut self, text: &str, limit: usize) {
        let field = match self.field {
            Field::Text => self.text.get_or_insert_with(String::new),
            Field::Parse => self.parse.get_or_insert_with(String::new),
            Field::None => return,
        };
        if field.len() + text.len() > limit {
            if self.error.is_none() {
                let name = if self.field == Field::Text {
                    "Text"
                } else {
                    "Parse"
                };
                let message = format!("`<{name}>` is over the limit of {limit} bytes");
                self.error = Some((RecordErrorKind::Oversize, message));
            }
            return;
        }
        field.push_str(text);
    }
}

/// The words of a Penn Treebank parse, `(S (NP (NNP Arnor)) (VP (VBZ is)))` → `Arnor is`, with
/// the bracket escapes `-LRB-`/`-RRB-` (and their curly and square kin) undone.
fn parse_words(parse: &str) -> String {
    let mut words = Vec::new();
    for node in parse.split('(').skip(1) {
        // A leaf reads `TAG word)`; an inner node reads `TAG ` and then the next `(`.
        let Some((_, rest)) = node.split_once(char::is_whitespace) else {
            continue;
        };
        let Some(end) = rest.find(')') else { continue };
        let word = rest[..end].trim();
        if word.is_empty() {
            continue;
        }
        words.push(match word {
            "-LRB-" => "(",
            "-RRB-" => ")",
            "-LCB-" => "{",
            "-RCB-" => "}",
            "-LSB-" => "[",
            "-RSB-" => "]",
            w => w,
        });
    }
    words.join(" ")
}

/// The attributes of a `<Sentence>` with their values unescaped, or why they cannot be read.
fn attributes(e: &BytesStart) -> Result<Vec<(String, String)>, String> {
    let mut attrs = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|e| {
            format!(
                "invalid `<Sentence>` attribute: {}",
                lowercase_first(&e.to_string())
            )
        })?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| {
                format!(
                    "invalid `<Sentence>` attribute value: {}",
                    lowercase_first(&e.to_string())
                )
            })?;
        attrs.push((attr.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(attrs)
}

/// The text of an entity or character reference; an unknown entity is kept as written.
pub(crate) fn resolve(r: &BytesRef) -> String {
    let name: &str = r;
    match name {
        "amp" => return "&".to_string(),
        "lt" => return "<".to_string(),
        "gt" => return ">".to_string(),
        "quot" => return "\"".to_string(),
        "apos" => return "'".to_string(),
        _ => {}
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => format!("&{name};"),
    }
}

pub(crate) fn new_reader<R: Read>(input: BufReader<LossyUtf8<R>>) -> XmlReader<R> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    config.trim_text(false);
    // After a restart the new reader sees the end tags of elements the old one opened.
    config.allow_unmatched_ends = true;
    reader
}

/// Decodes a byte stream as UTF-8 on the fly, replacing each invalid sequence with U+FFFD as
/// `String::from_utf8_lossy` does, and keeps count of lines so that a byte position in the
/// decoded stream can be given a line number.
pub(crate) struct LossyUtf8<R> {
    inner: R,
    /// Input bytes not decoded yet: the start of a sequence cut by a read.
    raw: Vec<u8>,
    /// Decoded bytes not handed out yet, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    /// Invalid input bytes replaced so far.
    pub replaced: u64,
    /// Where replacements were handed out and how many input bytes each replaced, not yet
    /// passed by [`LossyUtf8::line_at`].
    replacements: VecDeque<(u64, u64)>,
    /// Input bytes replaced before the position last given to [`LossyUtf8::line_at`].
    pub replaced_passed: u64,
    /// Decoded bytes handed out so far.
    emitted: u64,
    /// Positions of the newlines handed out and not yet passed by [`LossyUtf8::line_at`].
    newlines: VecDeque<u64>,
    lines_passed: u64,
}

impl<R: Read> LossyUtf8<R> {
    pub fn new(inner: R) -> LossyUtf8<R> {
        LossyUtf8 {
            inner,
            raw: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            replaced: 0,
            replacements: VecDeque::new(),
            replaced_passed: 0,
            emitted: 0,
            newlines: VecDeque::new(),
            lines_passed: 0,
        }
    }

    /// The 1-based line of decoded byte `pos`, also moving [`LossyUtf8::replaced_passed`] up to
    /// `pos`. Positions must not decrease from call to call: the newlines and replacements
    /// before `pos` are forgotten, which keeps memory bounded by the read-ahead.
    pub fn line_at(&mut self, pos: u64) -> u64 {
        while let Some(&(at, bytes)) = self.replacements.front() {
            if at >= pos {
                break;
            }
            self.replacements.pop_front();
            self.replaced_passed += bytes;
        }
        while self.newlines.front().is_some_and(|&at| at < pos) {
            self.newlines.pop_front();
            self.lines_passed += 1;
        }
        self.lines_passed + 1
    }

    /// Decoded bytes handed out so far.
    pub fn emitted(&self) -> u64 {
        self.emitted
    }

    /// Reads and decodes the next chunk of input into `out`.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        if !self.eof {
            let mut chunk = [0; 8192];
            let n = loop {
                match self.inner.read(&mut chunk) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.raw.extend_from_slice(&chunk[..n]);
            self.eof = n == 0;
        }
        let mut rest = &self.raw[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    self.out.extend_from_slice(valid.as_bytes());
                    rest = &[];
                    break;
                }
                Err(e) => {
                    let (valid, after) = rest.split_at(e.valid_up_to());
                    self.out.extend_from_slice(valid);
                    let bad = match e.error_len() {
                        Some(len) => len,
                        // A sequence cut by the end of this chunk: wait for the rest of it.
                        None if !self.eof => {
                            rest = after;
                            break;
                        }
                        None => after.len(),
                    };
                    let at = self.emitted + (self.out.len() - self.out_pos) as u64;
                    self.replacements.push_back((at, bad as u64));
                    self.out.extend_from_slice("\u{fffd}".as_bytes());
                    self.replaced += bad as u64;
                    rest = &after[bad..];
                }
            }
        }
        let keep = rest.len();
        self.raw.drain(..self.raw.len() - keep);
        Ok(())
    }
}

impl<R: Read> Read for LossyUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.out_pos == self.out.len() {
            if self.eof && self.raw.is_empty() {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        for at in memchr::memchr_iter(b'\n', &buf[..n]) {
            self.newlines.push_back(self.emitted + at as u64);
        }
        self.out_pos += n;
        self.emitted += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` as `in.xml` and renders every record on one line.
    fn check(input: &str, expect: &[&str]) {
        check_bytes(input.as_bytes(), expect);
    }

    fn check_bytes(input: &[u8], expect: &[&str]) {
        let records = Records::new(input, "in.xml".to_string(), 100);
        let got: Vec<String> = records.map(|r| render(&r)).collect();
        assert_eq!(got, expect);
    }

    fn render(record: &Record) -> String {
        match record {
            Ok(doc) => {
                let a = &doc.article;
                let mut s = format!("{} @{} {:?}", a.id, a.origin, a.text);
                if let Some(p) = a.published {
                    s += &format!(" date={p}");
                }
                if let Some(source) = &a.source {
                    s += &format!(" source={source}");
                }
                if let Some(parse) = &a.parse {
                    s += &format!(" parse={parse:?}");
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

    #[test]
    fn two_records() {
        check(
            "<Sentences>\n<Sentence date = \"20080801\" id =\"AFP1\" sentence=\"True\" source=\"afp\">\n<Text>\n  Arnor met\n Gondor.  \n</Text>\n<Parse> (ROOT (S)) \n</Parse>\n</Sentence>\n<Sentence date=\"19950101\" id=\"DEMO-01\"><Text>B &amp; C&#33;</Text></Sentence>\n</Sentences>",
            &[
                r#"AFP1 @in.xml:2 "Arnor met\n Gondor." date=2008-08-01 source=afp parse="(ROOT (S))" +sentence="True""#,
                r#"DEMO-01 @in.xml:10 "B & C!" date=1995-01-01"#,
            ],
        );
    }

    #[test]
    fn sentences_anywhere_other_elements_ignored() {
        check(
            "<Validation><!-- note --><Environment><Config option=\"x\" value=\"y\"></Config></Environment>\
             <Sentences><Sentence id=\"D\"><EventCoding sourcecode=\"ARN\"></EventCoding><Text>x</Text></Sentence></Sentences></Validation>",
            &[r#"D @in.xml:1 "x""#],
        );
    }

    #[test]
    fn missing_id_and_bad_date() {
        check(
            "<Sentence date=\"2008\"><Text>x</Text></Sentence>",
            &[r#"in.xml:1 @in.xml:1 "x" [invalid-date: cannot parse date "2008" and left it out]"#],
        );
    }

    #[test]
    fn empty_and_textless_records() {
        check(
            "<Sentence id=\"a\"><Text> </Text></Sentence>\n<Sentence id=\"b\"/>\n<Sentence id=\"c\"><Parse>()</Parse></Sentence>",
            &[
                "error in.xml:1 (record a): empty: `<Text>` holds no text",
                "error in.xml:2 (record b): malformed-markup: `<Sentence>` has no `<Text>` element",
                "error in.xml:3 (record c): malformed-markup: `<Sentence>` has no `<Text>` element",
            ],
        );
    }

    #[test]
    fn text_from_parse_when_text_is_empty() {
        check(
            "<Sentence id=\"a\"><Text>\n</Text><Parse>(ROOT (S (NP (NNP Arnor)) (VP (VBD left) (NP (-LRB- -LRB-) (NNP Gondor) (-RRB- -RRB-))) (. .)))</Parse></Sentence>",
            &[r#"a @in.xml:1 "Arnor left ( Gondor ) ." parse="(ROOT (S (NP (NNP Arnor)) (VP (VBD left) (NP (-LRB- -LRB-) (NNP Gondor) (-RRB- -RRB-))) (. .)))" [text-from-parse: `<Text>` is empty or missing; the text is the words of `<Parse>`]"#],
        );
    }

    #[test]
    fn oversize_text() {
        let input = format!(
            "<Sentence id=\"a\"><Text>{}</Text></Sentence>",
            "x".repeat(101)
        );
        check(
            &input,
            &["error in.xml:1 (record a): oversize: `<Text>` is over the limit of 100 bytes"],
        );
    }

    #[test]
    fn malformed_record_then_reading_goes_on() {
        check(
            "<Sentences>\n<Sentence id=\"a\"><Text>x</Parse></Sentence>\n<Sentence id=\"b\"><Text>y</Text></Sentence>\n</Sentences>",
            &[
                "error in.xml:2 (record a): malformed-markup: invalid xml: ill-formed document: expected `</Text>`, but `</Parse>` was found (at line 2)",
                r#"b @in.xml:3 "y""#,
            ],
        );
    }

    #[test]
    fn bad_attribute() {
        check(
            "<Sentence id=\"a\" id=\"b\"><Text>x</Text></Sentence><Sentence id=\"c\"><Text>y</Text></Sentence>",
            &[
                "error in.xml:1 (record in.xml:1): malformed-markup: invalid `<Sentence>` attribute: position 16: duplicated attribute, previous declaration at position 9",
                r#"c @in.xml:1 "y""#,
            ],
        );
    }

    #[test]
    fn unclosed_sentence_at_end() {
        check("<Sentence id=\"a\"><Text>x</Text>", &["error in.xml:1 (record a): malformed-markup: unexpected end of input inside `<Sentence>`"]);
    }

    #[test]
    fn no_sentences() {
        check(
            "<html><p>x</p></html>",
            &["error in.xml: empty: no `<Sentence>` records in the input"],
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted_per_record() {
        check_bytes(
            b"<Sentence id=\"a\"><Text>caf\xe9</Text></Sentence><Sentence id=\"b\"><Text>ok</Text></Sentence>",
            &[
                "a @in.xml:1 \"caf\u{fffd}\" [invalid-utf8: 1 byte of invalid utf-8 replaced with U+FFFD]",
                r#"b @in.xml:1 "ok""#,
            ],
        );
    }

    #[test]
    fn lossy_utf8_across_chunk_boundaries() {
        // A two-byte sequence cut by the 8 KiB read, then an invalid byte at the very end.
        let mut input = vec![b'a'; 8191];
        input.extend_from_slice("é".as_bytes());
        input.push(0xff);
        let mut decoded = String::new();
        let mut lossy = LossyUtf8::new(&input[..]);
        lossy.read_to_string(&mut decoded).unwrap();
        assert_eq!(&decoded[8191..], "é\u{fffd}");
        assert_eq!(lossy.replaced, 1);
    }
}
