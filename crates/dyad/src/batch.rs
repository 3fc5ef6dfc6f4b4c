//! Coding Apache Arrow record batches: articles as columns in, one row per event out. This is
//! the engine of the Python package's `dyad.code_arrow` and of its Spark integration
//! (`crates/python`); it reads, annotates and codes each article as `dyad code` does, so that a
//! batch gives the events the command gives for the same articles.
//!
//! **Input** columns, by name (any other column is ignored):
//!
//! | column | type | |
//! |---|---|---|
//! | `text` | string | required; null or blank is an `empty` error, longer than the size limit an `oversize` one |
//! | `id` | string or integer | null or empty: `batch:N`, N the 1-based row, as the JSONL reader names a line without id |
//! | `date` | string (ISO 8601 date or date-time, `YYYYMMDD`), date32, date64 or integer `YYYYMMDD` | else the fallback date; a value that does not parse is left out with an `invalid-date` warning |
//! | `url`, `source`, `title` | string | optional; the title and source help resolve actors |
//!
//! Strings may be Arrow's `utf8`, `large_utf8` or `utf8_view`.
//!
//! **Output** ([`events_schema`]): GDELT 2.0's 61 Events columns, named and typed as
//! [`crate::tables::EVENTS`] (an empty field is null), with the values `dyad code --out` writes
//! for an event reported once: `NumMentions`, `NumSources` and `NumArticles` are 1, `AvgTone`
//! is the article's tone, and `GLOBALEVENTID` is null (it numbers the events of a whole run;
//! `(article_id, event)` is the row's key). Then the event's spans and provenance: [`PROVENANCE`]
//! lists the columns. Spans are byte offsets into the article text, as in `dyad code`'s JSONL.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{ArrayRef, RecordBatch, StringArray};
//! use dyad::batch::{code_batch, BatchOptions};
//!
//! let column = |v: &str| Arc::new(StringArray::from(vec![v])) as ArrayRef;
//! let input = RecordBatch::try_from_iter([
//!     ("id", column("a1")),
//!     ("date", column("2022-03-10")),
//!     ("text", column("Turkish Foreign Minister Mevlut Cavusoglu met Russian Foreign Minister Sergei Lavrov in Antalya.")),
//! ])
//! .unwrap();
//! let events = code_batch(&input, &BatchOptions::default(), None).unwrap();
//! let code = |name: &str| {
//!     let column = events.column_by_name(name).unwrap();
//!     column.as_any().downcast_ref::<StringArray>().unwrap().value(0).to_string()
//! };
//! assert_eq!(events.num_rows(), 1);
//! assert_eq!((code("Actor1Code"), code("EventCode"), code("Actor2Code")), ("TURGOV".into(), "040".into(), "RUSGOV".into()));
//! ```

use std::fmt;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray as _;
use arrow_array::types::{Date32Type, Date64Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use dyad_coder::{Config, Lexicon};
use dyad_core::{Article, Date, Diagnostic, Doc, Published, RecordError, RecordErrorKind};
use dyad_io::output::{ActorOut, CodeLine, EventRecord};
use rayon::prelude::*;

use crate::coding::{self, Parses};
use crate::gdelt::{self, ArticleFacts};
use crate::pipeline::Annotator;
use crate::tables::{self, EVENTS};

/// The file name error records and fallback ids give a batch (`batch:N`, N the 1-based row).
pub const BATCH_NAME: &str = "batch";

/// The columns after GDELT's 61, in order: name, type, whether it may be null, and what it
/// holds.
pub const PROVENANCE: &[(&str, &str, bool, &str)] = &[
    ("article_id", "string", false, "the article's id"),
    (
        "sentence",
        "int64",
        false,
        "0-based sentence index in the article",
    ),
    (
        "event",
        "int64",
        false,
        "0-based index of the event among its article's events",
    ),
    (
        "source_text",
        "string",
        true,
        "the source actor's phrase (null without a source)",
    ),
    ("source_start", "int64", true, "its byte span: start"),
    ("source_end", "int64", true, "its byte span: end"),
    (
        "source_entries",
        "list<string>",
        true,
        "the dictionary entries that gave its code, `file:line`",
    ),
    (
        "source_resolved",
        "string",
        true,
        "the rule that resolved it, when the sentence left it open",
    ),
    (
        "target_text",
        "string",
        true,
        "the target actor's phrase (null without a target)",
    ),
    ("target_start", "int64", true, "its byte span: start"),
    ("target_end", "int64", true, "its byte span: end"),
    (
        "target_entries",
        "list<string>",
        true,
        "the dictionary entries that gave its code, `file:line`",
    ),
    (
        "target_resolved",
        "string",
        true,
        "the rule that resolved it, when the sentence left it open",
    ),
    (
        "verb_text",
        "string",
        false,
        "the word that triggered the event",
    ),
    ("verb_start", "int64", false, "its byte span: start"),
    ("verb_end", "int64", false, "its byte span: end"),
    (
        "sentence_start",
        "int64",
        false,
        "the sentence's byte span: start",
    ),
    (
        "sentence_end",
        "int64",
        false,
        "the sentence's byte span: end",
    ),
    (
        "pattern",
        "string",
        true,
        "the verb pattern that matched, as written",
    ),
    (
        "pattern_entry",
        "string",
        true,
        "where it is written, `file:line`",
    ),
    (
        "rule",
        "string",
        true,
        "the built-in rule that decided, when one did",
    ),
    ("negated", "bool", false, "the act is negated"),
    (
        "historical",
        "bool",
        false,
        "the clause dates the act more than a week before the story",
    ),
    (
        "when",
        "string",
        true,
        "the date the clause states (TIMEX3 value)",
    ),
    ("plover_type", "string", true, "the PLOVER event type"),
    ("plover_mode", "string", true, "the PLOVER mode"),
];

/// How a batch is coded.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions<'a> {
    /// The dictionaries (the built-in ones by default).
    pub lexicon: &'a Lexicon,
    /// The coder's settings.
    pub config: Config,
    /// The date of articles without one (`dyad code --date`).
    pub date: Option<Date>,
    /// Articles longer than this many bytes are `oversize` errors (`--max-article-bytes`).
    pub max_article_bytes: usize,
    /// Leave rows that cannot be read or coded out instead of failing the batch.
    pub skip_errors: bool,
}

impl Default for BatchOptions<'static> {
    fn default() -> Self {
        BatchOptions {
            lexicon: coding::builtin_lexicon(),
            config: Config::default(),
            date: None,
            max_article_bytes: 2_000_000,
            skip_errors: false,
        }
    }
}

/// Why a batch could not be coded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// A column is missing or of a type dyad does not read.
    Column(String),
    /// A row could not be read or coded: its 0-based index, its id when known, the error
    /// kind (a reader's, `empty`, `oversize`, or the coder's, `no-date`) and the reason.
    Row {
        /// 0-based row index in the batch.
        row: usize,
        /// The row's id, when it has one.
        id: Option<String>,
        /// Stable error kind.
        kind: String,
        /// Human-readable reason.
        message: String,
    },
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Column(m) => f.write_str(m),
            BatchError::Row {
                row, id, message, ..
            } => match id {
                Some(id) => write!(f, "record {row} (id {id}): {message}"),
                None => write!(f, "record {row}: {message}"),
            },
        }
    }
}

impl std::error::Error for BatchError {}

/// The annotator every batch uses: built once per process.
fn annotator() -> &'static Annotator {
    static ANNOTATOR: OnceLock<Annotator> = OnceLock::new();
    ANNOTATOR.get_or_init(Annotator::new)
}

/// The schema of [`code_batch`]'s output: GDELT's 61 Events columns, then [`PROVENANCE`].
pub fn events_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let mut fields: Vec<Field> = EVENTS
                .schema()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone())
                .collect();
            for &(name, kind, nullable, _) in PROVENANCE {
                let t = match kind {
                    "int64" => DataType::Int64,
                    "bool" => DataType::Boolean,
                    "list<string>" => {
                        DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
                    }
                    _ => DataType::Utf8,
                };
                fields.push(Field::new(name, t, nullable));
            }
            Arc::new(Schema::new(fields))
        })
        .clone()
}

/// A column of the input batch, of one of the types dyad reads.
enum Column<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Int64(&'a arrow_array::Int64Array),
    Int32(&'a arrow_array::Int32Array),
    Date32(&'a arrow_array::Date32Array),
    Date64(&'a arrow_array::Date64Array),
}

/// A cell's value.
enum Cell<'a> {
    Str(&'a str),
    Int(i64),
    Day(Option<Date>),
}

impl<'a> Column<'a> {
    /// The column `name` when the batch has it; an error when it has a type not in `allowed`.
    fn of(
        batch: &'a RecordBatch,
        name: &str,
        numbers: bool,
        dates: bool,
    ) -> Result<Option<Column<'a>>, BatchError> {
        let Some(array) = batch.column_by_name(name) else {
            return Ok(None);
        };
        let column = match array.data_type() {
            DataType::Utf8 => Column::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Column::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => Column::Utf8View(array.as_string_view()),
            DataType::Int64 if numbers => Column::Int64(array.as_primitive::<Int64Type>()),
            DataType::Int32 if numbers => Column::Int32(array.as_primitive::<Int32Type>()),
            DataType::Date32 if dates => Column::Date32(array.as_primitive::<Date32Type>()),
            DataType::Date64 if dates => Column::Date64(array.as_primitive::<Date64Type>()),
            other => {
                let expected = match (numbers, dates) {
                    (_, true) => "a string, date32, date64 or integer (YYYYMMDD) column",
                    (true, false) => "a string or integer column",
                    (false, false) => "a string column",
                };
                return Err(BatchError::Column(format!(
                    "column `{name}` is {other}: expected {expected}"
                )));
            }
        };
        Ok(Some(column))
    }

    fn get(&self, row: usize) -> Option<Cell<'a>> {
        let cell = match *self {
            Column::Utf8(a) if a.is_valid(row) => Cell::Str(a.value(row)),
            Column::LargeUtf8(a) if a.is_valid(row) => Cell::Str(a.value(row)),
            Column::Utf8View(a) if a.is_valid(row) => Cell::Str(a.value(row)),
            Column::Int64(a) if a.is_valid(row) => Cell::Int(a.value(row)),
            Column::Int32(a) if a.is_valid(row) => Cell::Int(i64::from(a.value(row))),
            Column::Date32(a) if a.is_valid(row) => {
                Cell::Day(Date::from_days_since_epoch(i64::from(a.value(row))))
            }
            Column::Date64(a) if a.is_valid(row) => Cell::Day(Date::from_days_since_epoch(
                a.value(row).div_euclid(86_400_000),
            )),
            _ => return None,
        };
        Some(cell)
    }

    /// A string cell; empty as none.
    fn string(&self, row: usize) -> Option<String> {
        match self.get(row)? {
            Cell::Str("") => None,
            Cell::Str(s) => Some(s.to_string()),
            Cell::Int(n) => Some(n.to_string()),
            Cell::Day(d) => d.map(|d| d.to_string()),
        }
    }
}

/// The input columns of a batch.
struct Inputs<'a> {
    text: Column<'a>,
    id: Option<Column<'a>>,
    date: Option<Column<'a>>,
    url: Option<Column<'a>>,
    source: Option<Column<'a>>,
    title: Option<Column<'a>>,
}

impl<'a> Inputs<'a> {
    fn of(batch: &'a RecordBatch) -> Result<Inputs<'a>, BatchError> {
        let text = Column::of(batch, "text", false, false)?.ok_or_else(|| {
            let names: Vec<&str> = batch
                .schema_ref()
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            BatchError::Column(format!(
                "the batch has no `text` column (its columns: {})",
                names.join(", ")
            ))
        })?;
        Ok(Inputs {
            text,
            id: Column::of(batch, "id", true, false)?,
            date: Column::of(batch, "date", true, true)?,
            url: Column::of(batch, "url", false, false)?,
            source: Column::of(batch, "source", false, false)?,
            title: Column::of(batch, "title", false, false)?,
        })
    }

    /// Row `row` as an article, by the JSONL reader's rules.
    fn doc(&self, row: usize, max_article_bytes: usize) -> Result<Doc, RecordError> {
        let line = row as u64 + 1;
        let origin = format!("{BATCH_NAME}:{line}");
        let id = self
            .id
            .as_ref()
            .and_then(|c| c.string(row))
            .unwrap_or_else(|| origin.clone());
        let error = |kind, message: String| {
            RecordError::new(BATCH_NAME, kind, message)
                .at_line(line)
                .with_id(id.clone())
        };
        let text = match self.text.get(row) {
            None => return Err(error(RecordErrorKind::Empty, "field `text` is null".into())),
            Some(Cell::Str(s)) if s.trim().is_empty() => {
                return Err(error(
                    RecordErrorKind::Empty,
                    "field `text` holds no text".into(),
                ))
            }
            Some(Cell::Str(s)) => s,
            Some(_) => unreachable!("the text column holds strings"),
        };
        if text.len() > max_article_bytes {
            let message = format!(
                "text is {} bytes, over the limit of {max_article_bytes} bytes",
                text.len()
            );
            return Err(error(RecordErrorKind::Oversize, message));
        }
        let mut diagnostics = Vec::new();
        let published = match self.date.as_ref().and_then(|c| c.get(row)) {
            None => None,
            Some(Cell::Day(Some(d))) => Some(Published::Date(d)),
            Some(cell) => {
                let raw = match cell {
                    Cell::Str(s) => s.to_string(),
                    Cell::Int(n) => n.to_string(),
                    Cell::Day(_) => "(out of range)".to_string(),
                };
                let parsed = raw.is_ascii().then(|| Published::parse(&raw)).flatten();
                if parsed.is_none() {
                    diagnostics.push(Diagnostic::warning(
                        "invalid-date",
                        format!("cannot parse date {raw:?} and left it out"),
                    ));
                }
                parsed
            }
        };
        let string = |c: &Option<Column>| c.as_ref().and_then(|c| c.string(row));
        let article = Article {
            id,
            url: string(&self.url),
            source: string(&self.source),
            title: string(&self.title),
            published,
            text: text.to_string(),
            origin,
            ..Article::default()
        };
        let mut doc = Doc::new(article);
        doc.diagnostics = diagnostics;
        Ok(doc)
    }
}

/// One event: its GDELT fields and its record.
struct EventRow {
    gdelt: Vec<String>,
    record: EventRecord,
}

/// Annotates and codes one article as `dyad code` does; its events, or the coder's error
/// record (no date).
fn code_doc(mut doc: Doc, options: &BatchOptions) -> Result<Vec<EventRow>, (String, String)> {
    annotator().annotate(&mut doc);
    let lex = options.lexicon;
    let events = coding::code_events(&doc, lex, options.config, Parses::Own, options.date);
    let facts = coding::facts(&doc, &events, options.date);
    let article = ArticleFacts {
        source: doc.article.source.clone(),
        url: doc.article.url.clone(),
        len: doc.text().len(),
        // As the article's GKG record writes it, which is what `dyad code --out` reads.
        tone: crate::tone::tone(&doc).json()["tone"]
            .as_f64()
            .unwrap_or(0.0),
    };
    let mut rows = Vec::new();
    for line in coding::code_lines(&doc, lex, &events, &facts) {
        match line {
            CodeLine::Error(e) => return Err((e.error, e.message)),
            CodeLine::Event(record) => {
                let value = serde_json::to_value(&record)
                    .map_err(|e| ("internal".to_string(), format!("event record: {e}")))?;
                let gdelt = gdelt::single_event_row(&value, &article)
                    .map_err(|e| ("internal".to_string(), format!("{e:#}")))?;
                rows.push(EventRow {
                    gdelt,
                    record: *record,
                });
            }
        }
    }
    Ok(rows)
}

/// Codes every article of `batch` (on `pool` when given, else on the calling thread) and
/// returns one row per event, in row order and, within an article, in text order; see the
/// module documentation for the columns.
pub fn code_batch(
    batch: &RecordBatch,
    options: &BatchOptions,
    pool: Option<&rayon::ThreadPool>,
) -> Result<RecordBatch, BatchError> {
    let inputs = Inputs::of(batch)?;
    let row_error =
        |row: usize, id: Option<String>, kind: String, message: String| BatchError::Row {
            row,
            id,
            kind,
            message,
        };
    let work = |row: usize| -> Result<Vec<EventRow>, BatchError> {
        let doc = inputs
            .doc(row, options.max_article_bytes)
            .map_err(|e| row_error(row, e.id.clone(), e.kind.as_str().to_string(), e.message))?;
        let id = doc.article.id.clone();
        code_doc(doc, options).map_err(|(kind, message)| {
            let message = if kind == "no-date" {
                "the article has no date: give it a `date` or give a fallback date".to_string()
            } else {
                message
            };
            row_error(row, Some(id), kind, message)
        })
    };
    let n = batch.num_rows();
    let results: Vec<Result<Vec<EventRow>, BatchError>> = match pool {
        Some(pool) => pool.install(|| (0..n).into_par_iter().with_max_len(1).map(work).collect()),
        None => (0..n).map(work).collect(),
    };
    let mut events = Vec::new();
    for result in results {
        match result {
            Ok(rows) => events.push(rows),
            Err(_) if options.skip_errors => {}
            Err(e) => return Err(e),
        }
    }
    Ok(assemble(events))
}

/// The output batch from each article's events.
fn assemble(articles: Vec<Vec<EventRow>>) -> RecordBatch {
    let schema = events_schema();
    let n: usize = articles.iter().map(Vec::len).sum();
    let width = EVENTS.columns().count();
    let mut gdelt: Vec<Vec<String>> = (0..width).map(|_| Vec::with_capacity(n)).collect();
    let strings = || StringBuilder::with_capacity(n, n * 16);
    let ints = || Int64Builder::with_capacity(n);
    let lists = || ListBuilder::new(StringBuilder::new());
    let (mut article_id, mut source_text, mut source_resolved) = (strings(), strings(), strings());
    let (mut target_text, mut target_resolved, mut verb_text) = (strings(), strings(), strings());
    let (mut pattern, mut pattern_entry, mut rule) = (strings(), strings(), strings());
    let (mut when, mut plover_type, mut plover_mode) = (strings(), strings(), strings());
    let (mut sentence, mut event) = (ints(), ints());
    let (mut source_start, mut source_end, mut target_start) = (ints(), ints(), ints());
    let (mut target_end, mut verb_start, mut verb_end) = (ints(), ints(), ints());
    let (mut sentence_start, mut sentence_end) = (ints(), ints());
    let (mut source_entries, mut target_entries) = (lists(), lists());
    let mut negated = BooleanBuilder::with_capacity(n);
    let mut historical = BooleanBuilder::with_capacity(n);
    let actor = |a: &Option<ActorOut>,
                 text: &mut StringBuilder,
                 start: &mut Int64Builder,
                 end: &mut Int64Builder,
                 entries: &mut ListBuilder<StringBuilder>,
                 resolved: &mut StringBuilder| match a {
        Some(a) => {
            text.append_value(&a.text);
            start.append_value(a.span[0] as i64);
            end.append_value(a.span[1] as i64);
            for e in &a.entries {
                entries
                    .values()
                    .append_value(format!("{}:{}", e.file, e.line));
            }
            entries.append(true);
            resolved.append_option(a.resolved.as_deref());
        }
        None => {
            text.append_null();
            start.append_null();
            end.append_null();
            entries.append_null();
            resolved.append_null();
        }
    };
    for rows in articles {
        for (k, row) in rows.into_iter().enumerate() {
            for (column, field) in gdelt.iter_mut().zip(row.gdelt) {
                column.push(field);
            }
            let r = row.record;
            article_id.append_value(&r.article);
            sentence.append_value(r.sentence as i64);
            event.append_value(k as i64);
            actor(
                &r.source,
                &mut source_text,
                &mut source_start,
                &mut source_end,
                &mut source_entries,
                &mut source_resolved,
            );
            actor(
                &r.target,
                &mut target_text,
                &mut target_start,
                &mut target_end,
                &mut target_entries,
                &mut target_resolved,
            );
            let p = &r.provenance;
            verb_text.append_value(&p.verb.text);
            verb_start.append_value(p.verb.span[0] as i64);
            verb_end.append_value(p.verb.span[1] as i64);
            sentence_start.append_value(p.sentence_span[0] as i64);
            sentence_end.append_value(p.sentence_span[1] as i64);
            pattern.append_option(p.pattern.as_ref().map(|p| &p.pattern));
            pattern_entry
                .append_option(p.pattern.as_ref().map(|p| format!("{}:{}", p.file, p.line)));
            rule.append_option(p.rule.as_deref());
            negated.append_value(r.negated);
            historical.append_value(r.historical);
            when.append_option(r.when.as_ref().map(|w| &w.value));
            plover_type.append_option(r.plover.as_ref().map(|p| &p.event_type));
            plover_mode.append_option(r.plover.as_ref().and_then(|p| p.mode.as_deref()));
        }
    }
    let mut arrays: Vec<ArrayRef> = EVENTS
        .columns()
        .zip(&gdelt)
        .map(|((name, kind), cells)| {
            tables::column_array(kind, cells).unwrap_or_else(|cell| {
                panic!("column {name}: {cell:?} is not a number (the Events row builder's bug)")
            })
        })
        .collect();
    let finish = |mut b: StringBuilder| Arc::new(b.finish()) as ArrayRef;
    let finish_int = |mut b: Int64Builder| Arc::new(b.finish()) as ArrayRef;
    let finish_list = |mut b: ListBuilder<StringBuilder>| Arc::new(b.finish()) as ArrayRef;
    arrays.extend([
        finish(article_id),
        finish_int(sentence),
        finish_int(event),
        finish(source_text),
        finish_int(source_start),
        finish_int(source_end),
        finish_list(source_entries),
        finish(source_resolved),
        finish(target_text),
        finish_int(target_start),
        finish_int(target_end),
        finish_list(target_entries),
        finish(target_resolved),
        finish(verb_text),
        finish_int(verb_start),
        finish_int(verb_end),
        finish_int(sentence_start),
        finish_int(sentence_end),
        finish(pattern),
        finish(pattern_entry),
        finish(rule),
        Arc::new(negated.finish()),
        Arc::new(historical.finish()),
        finish(when),
        finish(plover_type),
        finish(plover_mode),
    ]);
    RecordBatch::try_new(schema, arrays).expect("the columns follow events_schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Float64Array, Int64Array, StringArray};
    use dyad_io::read::{read_bytes, InputFormat, ReaderConfig};

    const SAMPLE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/sample/articles.jsonl"
    );

    /// The sample articles as a batch of string columns, as `dyad code` reads them.
    fn sample_batch() -> RecordBatch {
        let text = std::fs::read_to_string(SAMPLE).unwrap();
        let rows: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let column = |name: &'static str| {
            let values: Vec<Option<&str>> = rows.iter().map(|r| r[name].as_str()).collect();
            (name, Arc::new(StringArray::from(values)) as ArrayRef)
        };
        RecordBatch::try_from_iter(["id", "date", "text", "url", "source", "title"].map(column))
            .unwrap()
    }

    /// A cell as GDELT's TSV writes it (empty for null), for comparison with `events.tsv`.
    fn cell(batch: &RecordBatch, column: usize, row: usize) -> String {
        let array = batch.column(column);
        if array.is_null(row) {
            return String::new();
        }
        let any = array.as_any();
        if let Some(a) = any.downcast_ref::<Int64Array>() {
            a.value(row).to_string()
        } else if let Some(a) = any.downcast_ref::<Float64Array>() {
            a.value(row).to_string()
        } else {
            any.downcast_ref::<StringArray>()
                .unwrap()
                .value(row)
                .to_string()
        }
    }

    /// The Events rows `dyad code --out` writes for the sample, coded by the CLI's functions.
    fn cli_events_tsv(dir: &std::path::Path) -> String {
        let bytes = std::fs::read(SAMPLE).unwrap();
        let records = read_bytes(
            "articles.jsonl",
            &bytes,
            InputFormat::Auto,
            &ReaderConfig::default(),
        );
        let (mut events, mut gkg) = (Vec::new(), Vec::new());
        let lex = coding::builtin_lexicon();
        for record in records {
            let mut doc = record.unwrap();
            annotator().annotate(&mut doc);
            let coded = coding::code_events(&doc, lex, Config::default(), Parses::Own, None);
            let facts = coding::facts(&doc, &coded, None);
            coding::write_events_jsonl(&mut events, &doc, lex, &coded, &facts).unwrap();
            crate::gkg::write_jsonl(&mut gkg, &doc, &facts).unwrap();
        }
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("events.jsonl"), events).unwrap();
        std::fs::write(dir.join("gkg.jsonl"), gkg).unwrap();
        let formats = tables::Formats {
            tsv: true,
            parquet: false,
        };
        gdelt::write_tables(dir, formats).unwrap();
        std::fs::read_to_string(dir.join("events.tsv")).unwrap()
    }

    /// Every event the CLI reports once has the same Events row (but its GLOBALEVENTID) in the
    /// batch; the batch has as many rows as the CLI's Events have mentions.
    #[test]
    fn batch_rows_are_the_cli_events_rows() {
        let dir = std::env::temp_dir().join(format!("dyad-batch-{}", std::process::id()));
        let tsv = cli_events_tsv(&dir);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let batch = code_batch(&sample_batch(), &BatchOptions::default(), Some(&pool)).unwrap();
        assert_eq!(batch.schema(), events_schema());
        let width = EVENTS.columns().count();
        let rows: Vec<Vec<String>> = (0..batch.num_rows())
            .map(|r| (0..width).map(|c| cell(&batch, c, r)).collect())
            .collect();
        let mut mentions = 0;
        let mut compared = 0;
        for line in tsv.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            let n: usize = fields[31].parse().unwrap();
            mentions += n;
            if n > 1 {
                continue;
            }
            let typed = |(c, f): (usize, &&str)| match EVENTS.columns().nth(c).unwrap().1 {
                tables::Kind::Float if !f.is_empty() => f.parse::<f64>().unwrap().to_string(),
                _ => f.to_string(),
            };
            let want: Vec<String> = fields.iter().enumerate().skip(1).map(typed).collect();
            let found = rows.iter().filter(|r| r[1..] == want[..]).count();
            assert_eq!(found, 1, "the CLI's row {line}");
            compared += 1;
        }
        assert_eq!(batch.num_rows(), mentions);
        assert!(compared > 30, "{compared} rows compared");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn rows_without_text_or_date_are_named() {
        let strings = |v: Vec<Option<&str>>| Arc::new(StringArray::from(v)) as ArrayRef;
        let text = "Lavrov met Cavusoglu in Antalya.";
        let batch = RecordBatch::try_from_iter([
            ("id", strings(vec![Some("a1"), None, Some("a3")])),
            ("text", strings(vec![Some(text), Some(text), Some(" ")])),
        ])
        .unwrap();
        let err = code_batch(&batch, &BatchOptions::default(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "record 0 (id a1): the article has no date: give it a `date` or give a fallback date"
        );
        let dated = BatchOptions {
            date: Date::new(2022, 3, 10),
            ..BatchOptions::default()
        };
        let err = code_batch(&batch, &dated, None).unwrap_err();
        assert_eq!(
            err,
            BatchError::Row {
                row: 2,
                id: Some("a3".into()),
                kind: "empty".into(),
                message: "field `text` holds no text".into()
            }
        );
        let skipping = BatchOptions {
            skip_errors: true,
            ..dated
        };
        let events = code_batch(&batch, &skipping, None).unwrap();
        let ids = events.column_by_name("article_id").unwrap();
        let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(ids.iter().flatten().collect::<Vec<_>>(), ["a1", "batch:2"]);
    }
}
