//! Output record shapes: serialization lives here, not in the core types.
//!
//! [`AnnotatedArticle`] is what `dyad annotate --format jsonl` writes for one article, and
//! [`ErrorRecord`] what it writes (to the errors file) for a record that could not be read.
//! [`write_text`] renders the same information for a person to read.

use std::io::{self, Write};

use dyad_core::{Doc, RecordError, Span};
use serde::Serialize;

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

/// A record that could not be read, as written to the errors file.
#[derive(Debug, Serialize)]
pub struct ErrorRecord<'a> {
    /// The file, or `-` for stdin.
    pub file: &'a str,
    /// 1-based line, for line-oriented formats.
    pub line: Option<u64>,
    /// The record id, when it could be read.
    pub id: Option<&'a str>,
    /// Stable error kind such as `malformed-json`.
    pub kind: &'static str,
    /// Human-readable reason.
    pub message: &'a str,
}

impl<'a> ErrorRecord<'a> {
    /// The output shape of a record error.
    pub fn from_error(e: &'a RecordError) -> Self {
        ErrorRecord {
            file: &e.file,
            line: e.line,
            id: e.id.as_deref(),
            kind: e.kind.as_str(),
            message: &e.message,
        }
    }
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
