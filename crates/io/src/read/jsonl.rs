//! JSONL: one article per line, `{"id","url","source","title","date","text"}`.
//!
//! Lines are read one at a time with a cap: a line over the size limit is skipped to its end
//! without being kept in memory or parsed. Fields other than the six above are kept in
//! [`Article::extra`] as their exact JSON text, in input order.

use std::fmt;
use std::io::{self, BufRead};

use dyad_core::{Article, Diagnostic, Doc, Published, RecordError, RecordErrorKind};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use super::source::{decode, invalid_utf8, io_message, parse_date};
use super::Record;

/// The records of a JSONL stream.
pub(crate) struct Records<R> {
    input: R,
    file: String,
    /// The 1-based number of the line last read.
    line: u64,
    limit: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R, file: String, limit: usize) -> Records<R> {
        Records {
            input,
            file,
            line: 0,
            limit,
            buf: Vec::new(),
            done: false,
        }
    }

    fn error(&self, kind: RecordErrorKind, message: impl Into<String>) -> RecordError {
        RecordError::new(self.file.clone(), kind, message).at_line(self.line)
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            self.buf.clear();
            let read = read_line(&mut self.input, &mut self.buf, self.limit);
            self.line += 1;
            match read {
                Err(e) => {
                    // A stream that failed once is not read again: the error would repeat.
                    self.done = true;
                    return Some(Err(
                        self.error(RecordErrorKind::Io, io_message("cannot read", &e))
                    ));
                }
                Ok(None) => self.done = true,
                Ok(Some(len)) if len > self.limit => {
                    let limit = self.limit;
                    let message = format!("line is {len} bytes, over the limit of {limit} bytes");
                    return Some(Err(self.error(RecordErrorKind::Oversize, message)));
                }
                Ok(Some(_)) if self.buf.iter().all(u8::is_ascii_whitespace) => {}
                Ok(Some(_)) => return Some(self.parse()),
            }
        }
        None
    }
}

impl<R: BufRead> Records<R> {
    /// Turns the line in `buf` into an article.
    fn parse(&self) -> Record {
        let (line, replaced) = decode(&self.buf);
        let fields = match serde_json::from_str::<Fields>(&line) {
            Ok(fields) => fields.0,
            Err(e) => {
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(&*message, |(m, _)| m);
                // The parser's input is one line, so its end of input is the end of the line.
                let message = message.replace("EOF", "end of line");
                let message = match e.column() {
                    0 => format!("invalid json: {message}"),
                    column => format!("invalid json at column {column}: {message}"),
                };
                return Err(self.error(RecordErrorKind::MalformedJson, message));
            }
        };
        let mut article = Article::default();
        let mut diagnostics = Vec::new();
        if replaced > 0 {
            diagnostics.push(invalid_utf8(replaced));
        }
        let mut text = None;
        let mut date = None;
        for (name, raw) in fields {
            let slot = match name.as_str() {
                "id" => &mut article.id,
                "text" => {
                    text = Some(raw);
                    continue;
                }
                "date" => {
                    date = Some(raw);
                    continue;
                }
                "url" | "source" | "title" => {
                    let value = optional_string(&name, raw, &mut diagnostics);
                    match name.as_str() {
                        "url" => article.url = value,
                        "source" => article.source = value,
                        _ => article.title = value,
                    }
                    continue;
                }
                _ => {
                    article.extra.push((name, raw.get().to_string()));
                    continue;
                }
            };
            match serde_json::from_str::<Value>(raw.get()) {
                Ok(Value::String(s)) => *slot = s,
                Ok(Value::Number(n)) => *slot = n.to_string(),
                Ok(Value::Null) => {}
                _ => diagnostics.push(Diagnostic::warning(
                    "invalid-field",
                    "field `id` is not a string or a number and is ignored",
                )),
            }
        }
        if article.id.is_empty() {
            article.id = format!("{}:{}", self.file, self.line);
        }
        let error =
            |kind, message: &str| Err(self.error(kind, message).with_id(article.id.clone()));
        match text.map(|raw| serde_json::from_str::<Value>(raw.get())) {
            None => return error(RecordErrorKind::MalformedJson, "missing field `text`"),
            Some(Ok(Value::String(s))) if s.trim().is_empty() => {
                return error(RecordErrorKind::Empty, "field `text` holds no text");
            }
            Some(Ok(Value::String(s))) => article.text = s,
            Some(_) => {
                return error(
                    RecordErrorKind::MalformedJson,
                    "field `text` is not a string",
                )
            }
        }
        if let Some(raw) = date {
            article.published = date_field(raw, &mut diagnostics);
        }
        article.origin = format!("{}:{}", self.file, self.line);
        let mut doc = Doc::new(article);
        doc.diagnostics = diagnostics;
        Ok(doc)
    }
}

/// A string field that may be absent or null; any other type is ignored with a warning.
fn optional_string(
    name: &str,
    raw: &RawValue,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::String(s)) if s.is_empty() => None,
        Ok(Value::String(s)) => Some(s),
        Ok(Value::Null) => None,
        _ => {
            let message = format!("field `{name}` is not a string and is ignored");
            diagnostics.push(Diagnostic::warning("invalid-field", message));
            None
        }
    }
}

/// A `date` field: an ISO 8601 date or date-time or `YYYYMMDD`, as a string or a number.
fn date_field(raw: &RawValue, diagnostics: &mut Vec<Diagnostic>) -> Option<Published> {
    let parsed = match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::Null) => return None,
        Ok(Value::String(s)) => parse_date(&s),
        Ok(Value::Number(n)) => parse_date(&n.to_string()),
        _ => None,
    };
    if parsed.is_none() {
        let message = format!("cannot parse date {} and left it out", raw.get());
        diagnostics.push(Diagnostic::warning("invalid-date", message));
    }
    parsed
}

/// Reads one line without its line ending into `buf`, keeping at most `limit + 1` bytes of it.
/// Returns the line's full length without the `\n` (`None` at the end of input), so that a
/// length over `limit` tells the caller the line was cut.
fn read_line(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<usize>> {
    let mut len = 0;
    let mut consumed = false;
    loop {
        let available = match input.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let (chunk, found) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..at], true),
            None => (available, false),
        };
        let room = (limit + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        len += chunk.len();
        let used = chunk.len() + usize::from(found);
        input.consume(used);
        consumed = true;
        if found {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(consumed.then_some(len))
}

/// The members of a JSON object in input order, values kept as raw JSON text.
struct Fields<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a json object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry::<String, &'de RawValue>()? {
                    fields.push(field);
                }
                Ok(Fields(fields))
            }
        }

        deserializer.deserialize_map(FieldsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` as `in.jsonl` and renders every record on one line.
    fn check(input: &str, expect: &[&str]) {
        let records = Records::new(input.as_bytes(), "in.jsonl".to_string(), 200);
        let got: Vec<String> = records.map(|r| crate::read::render_record(&r)).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn full_record() {
        check(
            r#"{"id":"a1","url":"https://x.test/1","source":"afp","title":"T","date":"2022-03-10T09:30:00Z","text":"Lavrov met Kuleba."}"#,
            &[
                r#"a1 @in.jsonl:1 "Lavrov met Kuleba." url="https://x.test/1" source="afp" title="T" date=2022-03-10T09:30:00Z"#,
            ],
        );
    }

    #[test]
    fn compact_and_numeric_dates() {
        check(
            "{\"id\":\"a\",\"date\":\"20220310\",\"text\":\"x\"}\n{\"id\":\"b\",\"date\":20220310,\"text\":\"y\"}",
            &[r#"a @in.jsonl:1 "x" date=2022-03-10"#, r#"b @in.jsonl:2 "y" date=2022-03-10"#],
        );
    }

    #[test]
    fn invalid_date_keeps_the_article() {
        check(
            r#"{"id":"a","date":"2022-13-45","text":"x"}"#,
            &[
                r#"a @in.jsonl:1 "x" [invalid-date: cannot parse date "2022-13-45" and left it out]"#,
            ],
        );
    }

    #[test]
    fn extra_fields_keep_raw_json_in_order() {
        check(
            r#"{"zeta":[1, 2],"id":"a","text":"x","alpha":{"k":"v"}}"#,
            &[r#"a @in.jsonl:1 "x" +zeta=[1, 2] +alpha={"k":"v"}"#],
        );
    }

    #[test]
    fn missing_id_is_file_and_line() {
        check("\n{\"text\":\"x\"}", &[r#"in.jsonl:2 @in.jsonl:2 "x""#]);
    }

    #[test]
    fn numeric_id() {
        check(r#"{"id":17,"text":"x"}"#, &[r#"17 @in.jsonl:1 "x""#]);
    }

    #[test]
    fn missing_text() {
        check(
            r#"{"id":"a"}"#,
            &["error in.jsonl:1 (record a): malformed-json: missing field `text`"],
        );
    }

    #[test]
    fn non_string_text() {
        check(
            r#"{"text":3}"#,
            &["error in.jsonl:1 (record in.jsonl:1): malformed-json: field `text` is not a string"],
        );
    }

    #[test]
    fn blank_text_is_empty() {
        check(
            r#"{"id":"a","text":"  "}"#,
            &["error in.jsonl:1 (record a): empty: field `text` holds no text"],
        );
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        check(
            "{\"text\":\"ok\"}\n{\"text\": nope}\n",
            &[
                r#"in.jsonl:1 @in.jsonl:1 "ok""#,
                "error in.jsonl:2: malformed-json: invalid json at column 11: expected ident",
            ],
        );
    }

    #[test]
    fn not_an_object() {
        check(
            "[1]",
            &["error in.jsonl:1: malformed-json: invalid json: invalid type: sequence, expected a json object"],
        );
    }

    #[test]
    fn blank_lines_and_crlf() {
        check(
            "\r\n  \n{\"text\":\"x\"}\r\n\n",
            &[r#"in.jsonl:3 @in.jsonl:3 "x""#],
        );
    }

    #[test]
    fn oversize_line_is_skipped_unparsed() {
        let long = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"after\"}}",
            "x".repeat(300)
        );
        check(
            &long,
            &[
                "error in.jsonl:1: oversize: line is 311 bytes, over the limit of 200 bytes",
                r#"in.jsonl:2 @in.jsonl:2 "after""#,
            ],
        );
    }

    #[test]
    fn wrong_types_are_ignored_with_a_warning() {
        check(
            r#"{"id":"a","url":5,"title":null,"text":"x"}"#,
            &[r#"a @in.jsonl:1 "x" [invalid-field: field `url` is not a string and is ignored]"#],
        );
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let records: Vec<_> =
            Records::new(&b"{\"text\":\"caf\xe9\"}"[..], "in.jsonl".to_string(), 200).collect();
        assert_eq!(
            crate::read::render_record(&records[0]),
            "in.jsonl:1 @in.jsonl:1 \"caf\u{fffd}\" [invalid-utf8: 1 byte of invalid utf-8 replaced with U+FFFD]"
        );
    }
}
