//! Output record shapes: serialization lives here, not in the core types.
//!
//! [`AnnotatedArticle`] is what `dyad annotate --format jsonl` writes for one article, and
//! [`ErrorRecord`] what it writes (to the errors file) for a record that could not be read, and
//! [`EventRecord`] (in a [`CodeLine`]) what `dyad code` writes per event.
//! [`write_text`] renders the same information for a person to read.

use std::io::{self, Write};

use dyad_core::{Doc, RecordError, Span};
use serde::{Deserialize, Serialize};

/// One token: its surface text and byte span `[start, end]` in the article text, and the
/// models' annotation when they ran.
#[derive(Debug, Serialize)]
pub struct TokenOut<'a> {
    /// The token's text, `&article.text[span]`.
    pub text: &'a str,
    /// Byte offsets `[start, end)` into the article text.
    pub span: [u32; 2],
    /// Universal part-of-speech tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<&'a str>,
    /// Penn Treebank tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xpos: Option<&'a str>,
    /// Lemma.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lemma: Option<&'a str>,
    /// The head token's 1-based position in the sentence, 0 for the root (as in CoNLL-U).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<u32>,
    /// Universal Dependencies relation to the head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprel: Option<&'a str>,
}

/// A named entity: label, byte span and the 1-based positions of its first and last tokens in
/// the sentence.
#[derive(Debug, Serialize)]
pub struct EntityOut<'a> {
    /// `PER`, `ORG`, `LOC`…
    pub label: &'a str,
    /// The entity's text.
    pub text: &'a str,
    /// Byte offsets `[start, end)` into the article text.
    pub span: [u32; 2],
    /// First and last token, 1-based positions in the sentence.
    pub tokens: [u32; 2],
}

/// The head of token `t` as CoNLL-U writes it: 1-based position in its sentence, 0 for root.
fn relative_head(doc: &Doc, sentence_start: usize, t: usize) -> Option<u32> {
    let h = *doc.tags.head.get(t)?;
    Some(if h == dyad_core::ROOT {
        0
    } else {
        h - sentence_start as u32 + 1
    })
}

fn token_out(doc: &Doc, sentence_start: usize, t: usize) -> TokenOut<'_> {
    let span = doc.tokens.span(t);
    let tags = &doc.tags;
    TokenOut {
        text: doc.text_of(span),
        span: pair(span),
        pos: tags.upos.get(t).copied(),
        xpos: tags.xpos.get(t).copied(),
        lemma: tags.lemma.get(t).map(|l| &**l),
        head: relative_head(doc, sentence_start, t),
        deprel: tags.deprel.get(t).copied(),
    }
}

/// One sentence: its byte span and tokens.
#[derive(Debug, Serialize)]
pub struct SentenceOut<'a> {
    /// Byte offsets `[start, end)` into the article text.
    pub span: [u32; 2],
    /// The sentence's tokens in order.
    pub tokens: TokensOut<'a>,
    /// Named entities in the sentence, when the recognizer ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<EntityOut<'a>>,
}

/// The tokens of one sentence, serialized as a JSON array straight from the document's
/// columns (no intermediate vector per article).
#[derive(Debug, Clone, Copy)]
pub struct TokensOut<'a> {
    doc: &'a Doc,
    sentence: usize,
}

impl Serialize for TokensOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let range = self.doc.sentences.tokens(self.sentence);
        let mut seq = serializer.serialize_seq(Some(range.len()))?;
        let start = range.start;
        for t in range {
            seq.serialize_element(&token_out(self.doc, start, t))?;
        }
        seq.end()
    }
}

/// Every sentence of a document, serialized as a JSON array.
#[derive(Debug, Clone, Copy)]
pub struct SentencesOut<'a> {
    doc: &'a Doc,
}

impl Serialize for SentencesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let doc = self.doc;
        let mut seq = serializer.serialize_seq(Some(doc.sentences.len()))?;
        let mut entities = doc.entities.iter().peekable();
        for i in 0..doc.sentences.len() {
            let start = doc.sentences.tokens(i).start as u32;
            let mut here = Vec::new();
            while let Some(e) = entities.next_if(|e| e.sentence as usize == i) {
                here.push(EntityOut {
                    label: e.label,
                    text: doc.text_of(e.span),
                    span: pair(e.span),
                    tokens: [e.tokens.start - start + 1, e.tokens.end - start],
                });
            }
            seq.serialize_element(&SentenceOut {
                span: pair(doc.sentences.span(i)),
                tokens: TokensOut { doc, sentence: i },
                entities: here,
            })?;
        }
        seq.end()
    }
}

/// A diagnostic attached to an article.
#[derive(Debug, Serialize)]
pub struct DiagnosticOut<'a> {
    /// `warning` or `info`.
    pub severity: &'static str,
    /// Stable code such as `invalid-utf8`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: &'a str,
}

/// One annotated article, as written by `dyad annotate --format jsonl`.
#[derive(Debug, Serialize)]
pub struct AnnotatedArticle<'a> {
    /// Article id.
    pub id: &'a str,
    /// Publication date or date-time (ISO 8601), or null.
    pub date: Option<String>,
    /// URL, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// Source, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
    /// Title, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    /// Detected language (ISO 639-3), when detection was confident.
    pub language: Option<&'a str>,
    /// False when the article was passed through without annotation.
    pub annotated: bool,
    /// The article text, when requested (`--with-text`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    /// Sentences with their tokens.
    pub sentences: SentencesOut<'a>,
    /// The Penn Treebank parse supplied with the record (PETRARCH XML), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse: Option<&'a str>,
    /// Notes about this article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<DiagnosticOut<'a>>,
    /// Fields of the input record that dyad does not interpret, carried through unchanged.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn pair(span: Span) -> [u32; 2] {
    [span.start, span.end]
}

impl<'a> AnnotatedArticle<'a> {
    /// The output shape of a document; `with_text` includes the article text.
    pub fn from_doc(doc: &'a Doc, with_text: bool) -> Self {
        let a = &doc.article;
        let sentences = SentencesOut { doc };
        let extra = a
            .extra
            .iter()
            .map(|(k, v)| {
                let value = serde_json::from_str(v).unwrap_or(serde_json::Value::String(v.clone()));
                (k.clone(), value)
            })
            .collect();
        AnnotatedArticle {
            id: &a.id,
            date: a.published.map(|p| p.to_string()),
            url: a.url.as_deref(),
            source: a.source.as_deref(),
            title: a.title.as_deref(),
            language: a.language.as_deref(),
            annotated: doc.annotated,
            text: with_text.then_some(a.text.as_str()),
            sentences,
            parse: a.parse.as_deref(),
            diagnostics: doc.diagnostics.iter().map(diagnostic).collect(),
            extra,
        }
    }
}

fn diagnostic(d: &dyad_core::Diagnostic) -> DiagnosticOut<'_> {
    let severity = match d.severity {
        dyad_core::Severity::Info => "info",
        dyad_core::Severity::Warning => "warning",
    };
    DiagnosticOut {
        severity,
        code: d.code,
        message: &d.message,
    }
}

/// A record that produced no output, and why: a record that could not be read (written to the
/// errors file) or an article that could not be coded (`no-date`, `bad-parse`: written in
/// place of its events, and to the errors file). One shape for both, so that a consumer of a
/// mixed stream tells records apart by the `error` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorRecord {
    /// Stable error kind: a reader's (`malformed-json`, `oversize`, …) or the coder's
    /// (`no-date`, `bad-parse`).
    pub error: String,
    /// The file, or `-` for stdin.
    pub file: String,
    /// 1-based line, for line-oriented formats.
    pub line: Option<u64>,
    /// The record id, when it could be read.
    pub id: Option<String>,
    /// Human-readable reason.
    pub message: String,
}

impl ErrorRecord {
    /// The output shape of a record error.
    pub fn from_error(e: &RecordError) -> Self {
        ErrorRecord {
            error: e.kind.as_str().to_string(),
            file: e.file.clone(),
            line: e.line,
            id: e.id.clone(),
            message: e.message.clone(),
        }
    }

    /// The record of an article that was read but could not be processed: `kind` and
    /// `message`, with the file and line taken from the article's origin (`path:line`).
    pub fn for_doc(doc: &Doc, kind: &str, message: impl Into<String>) -> Self {
        let origin = doc.article.origin.as_str();
        let (file, line) = match origin.rsplit_once(':') {
            Some((file, line)) if !file.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
                (file, line.parse().ok())
            }
            _ => (origin, None),
        };
        ErrorRecord {
            error: kind.to_string(),
            file: file.to_string(),
            line,
            id: Some(doc.article.id.clone()),
            message: message.into(),
        }
    }
}

/// Byte offsets `[start, end)` into the article text.
pub type SpanOut = [usize; 2];

/// A stretch of the article: its text and byte span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextSpan {
    /// `&article.text[span]`.
    pub text: String,
    /// Byte offsets `[start, end)`.
    pub span: SpanOut,
}

/// Where a dictionary entry is written: file name and 1-based line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryOut {
    /// The dictionary file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
}

/// One event as `dyad code` writes it (a line of `events.jsonl`): the dyad, the CAMEO action
/// with its scores, when and where it happened, whose words reported it, and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// The article id.
    pub article: String,
    /// 0-based sentence index in the article.
    pub sentence: usize,
    /// The event's date (`YYYY-MM-DD`): the article's publication date.
    pub date: String,
    /// The source actor, if any.
    pub source: Option<ActorOut>,
    /// The target actor, if any.
    pub target: Option<ActorOut>,
    /// The CAMEO event code (`036`).
    pub cameo: String,
    /// The CAMEO event name.
    pub name: Option<String>,
    /// The two-digit CAMEO root.
    pub root: Option<String>,
    /// QuadClass 1–4.
    pub quad: Option<u8>,
    /// Goldstein scale value, one decimal.
    pub goldstein: Option<f64>,
    /// The PLOVER type and mode the code maps to.
    pub plover: Option<PloverOut>,
    /// The act is negated ("did not meet").
    pub negated: bool,
    /// The clause states a date more than a week before the story.
    pub historical: bool,
    /// The date the clause states, as TIMEX3 value with its text and span.
    pub when: Option<WhenOut>,
    /// What fired: the verb, the sentence span, the verb pattern and the rule.
    pub provenance: ProvenanceOut,
    /// The quote or reported speech the event was reported in, if any.
    pub quote: Option<QuoteOut>,
    /// Where the event happened, if a place could be given.
    pub place: Option<PlaceOut>,
}

/// An event's actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorOut {
    /// CAMEO actor code (`RUSGOV`).
    pub code: String,
    /// The actor's phrase in the text.
    pub text: String,
    /// Its byte span.
    pub span: SpanOut,
    /// The dictionary entries that gave the code.
    pub entries: Vec<EntryOut>,
    /// How the actor was resolved when it is not named in place (a pronoun, a title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The phrase a pronoun or title was resolved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<TextSpan>,
    /// The actor's place (GDELT's Actor1Geo/Actor2Geo).
    pub place: Option<PlaceOut>,
}

/// A gazetteer place, with the mention that named it when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceOut {
    /// The gazetteer name.
    pub name: String,
    /// GDELT's geo type (1 country, 2 US state, 3 US city, 4 world city, 5 world state).
    #[serde(rename = "type")]
    pub kind: u8,
    /// `country`, `adm1`, `city` or `region`.
    #[serde(rename = "kind")]
    pub feature: String,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
    /// FIPS 10-4 country code.
    pub fips: Option<String>,
    /// GDELT ADM1 code (`TU07`).
    pub adm1: String,
    /// Latitude, 4 decimals.
    pub lat: f64,
    /// Longitude, 4 decimals.
    pub lon: f64,
    /// GeoNames id, else the gazetteer's own id.
    pub feature_id: String,
    /// Why this place was chosen for the event or actor.
    pub rule: String,
    /// The name as the text writes it (absent when the place comes from a code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The mention's byte span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<SpanOut>,
    /// How the name was resolved to this place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
}

/// A quote or reported speech and its speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteOut {
    /// The quoted words (inside the marks) or the reported clause.
    pub text: String,
    /// Their byte span.
    pub span: SpanOut,
    /// Between quotation marks.
    pub direct: bool,
    /// The speaker as the text names it.
    pub speaker: Option<String>,
    /// The speaker's byte span.
    pub speaker_span: Option<SpanOut>,
    /// How the speaker was found.
    pub rule: String,
}

/// The PLOVER type and mode of an event code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PloverOut {
    /// PLOVER event type (`CONSULT`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// PLOVER mode, where the crosswalk gives one.
    pub mode: Option<String>,
}

/// A date stated in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhenOut {
    /// TIMEX3 value (`2022-03-10`, `2014`).
    pub value: String,
    /// The date's words.
    pub text: String,
    /// Their byte span.
    pub span: SpanOut,
}

/// Why an event was coded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceOut {
    /// The verb (or noun) that triggered the event.
    pub verb: TextSpan,
    /// The sentence's byte span.
    pub sentence_span: SpanOut,
    /// The verb pattern that matched, if one did.
    pub pattern: Option<PatternOut>,
    /// The coding rule, where a rule rather than a pattern decided.
    pub rule: Option<String>,
}

/// A verb pattern: where it is written, its text and the code it gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternOut {
    /// The dictionary file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The pattern as written.
    pub pattern: String,
    /// The CAMEO code it gives.
    pub code: String,
}

/// One line of `dyad code`'s output: an event, or an article that could not be coded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CodeLine {
    /// An article that produced no events because it could not be coded.
    Error(ErrorRecord),
    /// A coded event.
    Event(Box<EventRecord>),
}

/// Writes a serializable record as one JSON line.
pub fn write_line(out: &mut impl Write, record: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// Writes one article as a JSON line.
pub fn write_jsonl(out: &mut impl Write, doc: &Doc, with_text: bool) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &AnnotatedArticle::from_doc(doc, with_text))?;
    out.write_all(b"\n")
}

/// Writes one article for a person to read: a header, then one line per sentence with its
/// byte span and its tokens separated by `|`.
pub fn write_text(out: &mut impl Write, doc: &Doc) -> io::Result<()> {
    let a = &doc.article;
    write!(out, "# {}", a.id)?;
    if let Some(p) = a.published {
        write!(out, "  date={p}")?;
    }
    if let Some(l) = &a.language {
        write!(out, "  lang={l}")?;
    }
    if let Some(t) = &a.title {
        write!(out, "  title={t:?}")?;
    }
    writeln!(out)?;
    for d in &doc.diagnostics {
        writeln!(out, "  ! {}: {}", d.code, d.message)?;
    }
    if !doc.annotated {
        writeln!(out, "  (passed through without annotation)")?;
    }
    let mut entities = doc.entities.iter().peekable();
    for i in 0..doc.sentences.len() {
        let s = doc.sentences.span(i);
        write!(out, "  [{}] {}..{}  ", i + 1, s.start, s.end)?;
        let range = doc.sentences.tokens(i);
        for (n, t) in range.clone().enumerate() {
            if n > 0 {
                out.write_all(b" | ")?;
            }
            out.write_all(doc.text_of(doc.tokens.span(t)).as_bytes())?;
        }
        writeln!(out)?;
        if doc.tags.upos.len() == doc.tokens.len() && !range.is_empty() {
            write!(out, "      ")?;
            for (n, t) in range.clone().enumerate() {
                if n > 0 {
                    out.write_all(b" ")?;
                }
                let word = doc.text_of(doc.tokens.span(t));
                write!(
                    out,
                    "{}/{}",
                    word,
                    doc.tags.xpos.get(t).copied().unwrap_or("_")
                )?;
                if let (Some(head), Some(rel)) =
                    (relative_head(doc, range.start, t), doc.tags.deprel.get(t))
                {
                    write!(out, "<{rel}:{head}")?;
                }
            }
            writeln!(out)?;
        }
        while let Some(e) = entities.next_if(|e| e.sentence as usize == i) {
            writeln!(
                out,
                "      {} {:?} {}..{}",
                e.label,
                doc.text_of(e.span),
                e.span.start,
                e.span.end
            )?;
        }
    }
    writeln!(out)
}

/// Writes one article as CoNLL-U: `# newdoc id`, then per sentence `# sent_id` and `# text`,
/// and one line per token with form, lemma, UPOS, XPOS, head and relation (`_` where a stage
/// did not run). MISC carries the token's byte span as `TokenRange=start:end` and
/// `SpaceAfter=No` where the next token follows without a space.
pub fn write_conllu(out: &mut impl Write, doc: &Doc) -> io::Result<()> {
    writeln!(out, "# newdoc id = {}", doc.article.id)?;
    let text = doc.text();
    for i in 0..doc.sentences.len() {
        let range = doc.sentences.tokens(i);
        writeln!(out, "# sent_id = {}-{}", doc.article.id, i + 1)?;
        let sentence = doc.text_of(doc.sentences.span(i));
        // A sentence can span a line break (a wrapped paragraph): CoNLL-U comments are one line.
        let one_line: String = sentence
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        writeln!(out, "# text = {one_line}")?;
        for (n, t) in range.clone().enumerate() {
            let span = doc.tokens.span(t);
            let form = doc.text_of(span);
            let tags = &doc.tags;
            let head = relative_head(doc, range.start, t);
            let space_after = text[span.end as usize..].starts_with(char::is_whitespace)
                || span.end as usize == text.len();
            write!(
                out,
                "{}\t{}\t{}\t{}\t{}\t_\t{}\t{}\t_\tTokenRange={}:{}",
                n + 1,
                form,
                tags.lemma.get(t).map_or("_", |l| l),
                tags.upos.get(t).copied().unwrap_or("_"),
                tags.xpos.get(t).copied().unwrap_or("_"),
                head.map_or_else(|| "_".to_string(), |h| h.to_string()),
                tags.deprel.get(t).copied().unwrap_or("_"),
                span.start,
                span.end,
            )?;
            if !space_after && n + 1 < range.len() {
                out.write_all(b"|SpaceAfter=No")?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyad_core::Article;

    fn check_origin(origin: &str, file: &str, line: Option<u64>) {
        let mut article = Article::new("a1", "Text.");
        article.origin = origin.to_string();
        let r = ErrorRecord::for_doc(&Doc::new(article), "no-date", "no date");
        assert_eq!((r.file.as_str(), r.line), (file, line), "{origin}");
        assert_eq!(r.id.as_deref(), Some("a1"));
    }

    #[test]
    fn error_record_splits_origin_into_file_and_line() {
        check_origin("news.jsonl:12", "news.jsonl", Some(12));
        check_origin("page.html", "page.html", None);
        check_origin("POST /api/analyze", "POST /api/analyze", None);
        check_origin("c:dir", "c:dir", None);
        check_origin(":3", ":3", None);
    }

    #[test]
    fn code_lines_read_back_as_the_right_variant() {
        let error = r#"{"error":"no-date","file":"a.jsonl","line":1,"id":"a1","message":"m"}"#;
        assert!(matches!(
            serde_json::from_str::<CodeLine>(error).unwrap(),
            CodeLine::Error(_)
        ));
        let event = r#"{"article":"a1","sentence":0,"date":"2022-03-10","source":null,
            "target":null,"cameo":"036","name":null,"root":"03","quad":1,"goldstein":4.0,
            "plover":null,"negated":false,"historical":false,"when":null,
            "provenance":{"verb":{"text":"met","span":[7,10]},"sentence_span":[0,18],
            "pattern":null,"rule":null},"quote":null,"place":null}"#;
        match serde_json::from_str::<CodeLine>(event).unwrap() {
            CodeLine::Event(e) => assert_eq!((e.cameo.as_str(), e.goldstein), ("036", Some(4.0))),
            CodeLine::Error(e) => panic!("{e:?}"),
        }
    }
}
