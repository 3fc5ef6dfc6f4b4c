//! A compact binary form of a [`Doc`]'s annotation (tokens, sentences, tags, lemmas, heads,
//! relations, entities, diagnostics) without its article, so that a store can keep annotated
//! documents and code them again without annotating again.
//!
//! Layout (version 1), integers as LEB128 varints:
//!
//! ```text
//! "DYA1"  annotated:u8
//! labels: n, then n × (len, bytes)          -- every tag, relation, entity label, diagnostic code
//! tokens: n, then n × (gap from the previous token's end, length)
//! sentences: n, then n × (gap, length, gap in tokens, token count)
//! columns: mask:u8 (upos, xpos, lemma, head, deprel present), then per token:
//!          upos, xpos (label ids), lemma (0 = the token lowercased, 1 = the token as written,
//!          2 + len, bytes), head (0 = root, else zigzag of head − token), deprel (label id)
//! entities: n, then n × (gap in tokens, token count, sentence, label id)
//! diagnostics: n, then n × (severity:u8, code label id, len, bytes)
//! ```
//!
//! Decoding checks everything against the article text (spans in bounds and on character
//! boundaries, indices in range), so bytes from anywhere decode to a valid `Doc` or an error,
//! never a panic. Labels are interned for the life of the process: at most [`MAX_LABELS`]
//! distinct labels of at most 64 bytes.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use crate::{Article, Diagnostic, Doc, Entity, Severity, Span, ROOT};

const MAGIC: &[u8; 4] = b"DYA1";

/// Most distinct labels interned by a process (the models' label sets are far smaller).
pub const MAX_LABELS: usize = 4096;

/// Why bytes did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError(pub String);

impl std::fmt::Display for CodecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stored annotation: {}", self.0)
    }
}

impl std::error::Error for CodecError {}

fn err<T>(msg: impl Into<String>) -> Result<T, CodecError> {
    Err(CodecError(msg.into()))
}

/// Interns a label for the life of the process.
fn intern(s: &str) -> Result<&'static str, CodecError> {
    static LABELS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = LABELS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(&l) = set.get(s) {
        return Ok(l);
    }
    if s.len() > 64 || set.len() >= MAX_LABELS {
        return err(format!("label {s:?}: too long, or too many labels"));
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    Ok(leaked)
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

struct Labels<'a> {
    names: Vec<&'a str>,
}

impl<'a> Labels<'a> {
    fn id(&mut self, s: &'a str) -> u64 {
        match self.names.iter().position(|&n| n == s) {
            Some(i) => i as u64,
            None => {
                self.names.push(s);
                (self.names.len() - 1) as u64
            }
        }
    }
}

/// Encodes a document's annotation (not its article).
pub fn encode(doc: &Doc) -> Vec<u8> {
    let text = doc.text();
    let n = doc.tokens.len();
    let mut labels = Labels { names: Vec::new() };
    let mut body = Vec::with_capacity(n * 8 + 64);
    // Tokens.
    put(&mut body, n as u64);
    let mut prev = 0u32;
    for span in doc.tokens.iter() {
        put(&mut body, u64::from(span.start - prev));
        put(&mut body, u64::from(span.end - span.start));
        prev = span.end;
    }
    // Sentences.
    put(&mut body, doc.sentences.len() as u64);
    let (mut prev, mut prev_token) = (0u32, 0usize);
    for i in 0..doc.sentences.len() {
        let span = doc.sentences.span(i);
        let tokens = doc.sentences.tokens(i);
        put(&mut body, u64::from(span.start.saturating_sub(prev)));
        put(&mut body, u64::from(span.end - span.start));
        put(&mut body, tokens.start.saturating_sub(prev_token) as u64);
        put(&mut body, tokens.len() as u64);
        prev = span.end;
        prev_token = tokens.end;
    }
    // Columns, each either full or absent.
    let tags = &doc.tags;
    let full = |len: usize| n > 0 && len == n;
    let mask = u8::from(full(tags.upos.len()))
        | u8::from(full(tags.xpos.len())) << 1
        | u8::from(full(tags.lemma.len())) << 2
        | u8::from(full(tags.head.len())) << 3
        | u8::from(full(tags.deprel.len())) << 4;
    body.push(mask);
    for (i, span) in doc.tokens.iter().enumerate() {
        if mask & 1 != 0 {
            put(&mut body, labels.id(tags.upos[i]));
        }
        if mask & 2 != 0 {
            put(&mut body, labels.id(tags.xpos[i]));
        }
        if mask & 4 != 0 {
            let word = &text[span.range()];
            let lemma = &*tags.lemma[i];
            if lemma == word {
                body.push(1);
            } else if word.to_lowercase() == lemma {
                body.push(0);
            } else {
                body.push(2);
                put_str(&mut body, lemma);
            }
        }
        if mask & 8 != 0 {
            let h = tags.head[i];
            let v = if h == ROOT {
                0
            } else {
                let d = i64::from(h) - i as i64;
                ((d << 1) ^ (d >> 63)) as u64
            };
            put(&mut body, v);
        }
        if mask & 16 != 0 {
            put(&mut body, labels.id(tags.deprel[i]));
        }
    }
    // Entities.
    put(&mut body, doc.entities.len() as u64);
    let mut prev_token = 0u32;
    for e in &doc.entities {
        put(
            &mut body,
            u64::from(e.tokens.start.saturating_sub(prev_token)),
        );
        put(&mut body, u64::from(e.tokens.end - e.tokens.start));
        put(&mut body, u64::from(e.sentence));
        put(&mut body, labels.id(e.label));
        prev_token = e.tokens.start;
    }
    // Diagnostics.
    put(&mut body, doc.diagnostics.len() as u64);
    for d in &doc.diagnostics {
        body.push(match d.severity {
            Severity::Info => 0,
            Severity::Warning => 1,
        });
        put(&mut body, labels.id(d.code));
        put_str(&mut body, &d.message);
    }
    let mut out = Vec::with_capacity(body.len() + 256);
    out.extend_from_slice(MAGIC);
    out.push(u8::from(doc.annotated));
    put(&mut out, labels.names.len() as u64);
    for l in &labels.names {
        put_str(&mut out, l);
    }
    out.extend_from_slice(&body);
    out
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| CodecError("truncated".into()))?;
        self.at += 1;
        Ok(b)
    }

    fn int(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        err("a number longer than 64 bits")
    }

    /// A count of items of at least `min_bytes` each: no larger than the bytes left allow.
    fn count(&mut self, min_bytes: usize) -> Result<usize, CodecError> {
        let n = self.int()?;
        let left = (self.bytes.len() - self.at) as u64;
        if n.saturating_mul(min_bytes as u64) > left {
            return err(format!("{n} items cannot fit in {left} bytes"));
        }
        Ok(n as usize)
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        u32::try_from(self.int()?).map_err(|_| CodecError("a number over 32 bits".into()))
    }

    fn str(&mut self) -> Result<&'a str, CodecError> {
        let len = self.count(1)?;
        let b = &self.bytes[self.at..self.at + len];
        self.at += len;
        std::str::from_utf8(b).map_err(|_| CodecError("a string that is not UTF-8".into()))
    }
}

/// Rebuilds the annotated document of `article` from [`encode`]'s bytes.
pub fn decode(article: Article, bytes: &[u8]) -> Result<Doc, CodecError> {
    let mut r = Reader { bytes, at: 0 };
    if bytes.get(..4) != Some(MAGIC.as_slice()) {
        return err("not dyad's annotation format (version 1)");
    }
    r.at = 4;
    let text_len = article.text.len() as u64;
    let mut doc = Doc::new(article);
    doc.annotated = r.byte()? != 0;
    let n_labels = r.count(1)?;
    let mut labels = Vec::with_capacity(n_labels);
    for _ in 0..n_labels {
        labels.push(intern(r.str()?)?);
    }
    let label = |id: u64| -> Result<&'static str, CodecError> {
        labels
            .get(id as usize)
            .copied()
            .ok_or_else(|| CodecError(format!("label {id} of {}", labels.len())))
    };
    let text = doc.article.text.as_str();
    let span_ok = |start: u64, end: u64| -> Result<Span, CodecError> {
        if start > end
            || end > text_len
            || !text.is_char_boundary(start as usize)
            || !text.is_char_boundary(end as usize)
        {
            return err(format!("span {start}..{end} outside the text"));
        }
        Ok(Span::new(start as u32, end as u32))
    };
    // Tokens.
    let n = r.count(2)?;
    let mut prev = 0u64;
    for _ in 0..n {
        let start = prev.saturating_add(r.int()?);
        let end = start.saturating_add(r.int()?);
        doc.tokens.push(span_ok(start, end)?);
        prev = end;
    }
    // Sentences.
    let n_sent = r.count(4)?;
    let (mut prev, mut prev_token) = (0u64, 0u64);
    for _ in 0..n_sent {
        let start = prev.saturating_add(r.int()?);
        let end = start.saturating_add(r.int()?);
        let first = prev_token.saturating_add(r.int()?);
        let last = first.saturating_add(r.int()?);
        if last > n as u64 {
            return err(format!("sentence tokens {first}..{last} of {n}"));
        }
        doc.sentences
            .push(span_ok(start, end)?, first as usize..last as usize);
        prev = end;
        prev_token = last;
    }
    // Columns.
    let mask = r.byte()?;
    let tags = &mut doc.tags;
    for i in 0..n {
        if mask & 1 != 0 {
            tags.upos.push(label(r.int()?)?);
        }
        if mask & 2 != 0 {
            tags.xpos.push(label(r.int()?)?);
        }
        if mask & 4 != 0 {
            let word = &text[doc.tokens.span(i).range()];
            let lemma: Box<str> = match r.byte()? {
                0 => word.to_lowercase().into(),
                1 => word.into(),
                2 => r.str()?.into(),
                k => return err(format!("lemma kind {k}")),
            };
            tags.lemma.push(lemma);
        }
        if mask & 8 != 0 {
            let v = r.int()?;
            let head = if v == 0 {
                ROOT
            } else {
                let d = ((v >> 1) as i64) ^ -((v & 1) as i64);
                let h = (i as i64)
                    .checked_add(d)
                    .filter(|&h| h >= 0 && h < n as i64);
                match h {
                    Some(h) if h != i as i64 => h as u32,
                    _ => return err(format!("token {i}: head offset {d}")),
                }
            };
            tags.head.push(head);
        }
        if mask & 16 != 0 {
            tags.deprel.push(label(r.int()?)?);
        }
    }
    // Entities.
    let n_ent = r.count(4)?;
    let mut prev_token = 0u64;
    for _ in 0..n_ent {
        let first = prev_token.saturating_add(r.int()?);
        let last = first.saturating_add(r.int()?);
        let sentence = r.u32()?;
        let label = label(r.int()?)?;
        if first >= last || last > n as u64 || sentence as usize >= n_sent {
            return err(format!(
                "entity tokens {first}..{last}, sentence {sentence}"
            ));
        }
        let span = Span::new(
            doc.tokens.span(first as usize).start,
            doc.tokens.span(last as usize - 1).end,
        );
        doc.entities.push(Entity {
            span,
            tokens: first as u32..last as u32,
            sentence,
            label,
        });
        prev_token = first;
    }
    // Diagnostics.
    let n_diag = r.count(3)?;
    for _ in 0..n_diag {
        let severity = match r.byte()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            k => return err(format!("severity {k}")),
        };
        let code = label(r.int()?)?;
        let message = r.str()?.to_string();
        doc.diagnostics.push(Diagnostic {
            severity,
            code,
            message,
        });
    }
    if r.at != bytes.len() {
        return err(format!("{} bytes after the end", bytes.len() - r.at));
    }
    // A head is in its token's sentence; an entity's tokens are in its sentence.
    for s in 0..doc.sentences.len() {
        let range = doc.sentences.tokens(s);
        if let Some(i) = doc.tags.head.get(range.clone()).and_then(|heads| {
            heads
                .iter()
                .position(|&h| h != ROOT && !range.contains(&(h as usize)))
        }) {
            return err(format!(
                "token {}: head outside sentence {s}",
                range.start + i
            ));
        }
    }
    for e in &doc.entities {
        let range = doc.sentences.tokens(e.sentence as usize);
        if (e.tokens.start as usize) < range.start || e.tokens.end as usize > range.end {
            return err(format!(
                "entity {:?} outside sentence {}",
                e.tokens, e.sentence
            ));
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Doc {
        let mut doc = Doc::new(Article::new("a", "Kuleba met Lavrov. Ça va!"));
        for (s, e) in [
            (0, 6),
            (7, 10),
            (11, 17),
            (17, 18),
            (19, 22),
            (23, 25),
            (25, 26),
        ] {
            doc.tokens.push(Span::new(s, e));
        }
        doc.sentences.push(Span::new(0, 18), 0..4);
        doc.sentences.push(Span::new(19, 26), 4..7);
        doc.tags.upos = vec!["PROPN", "VERB", "PROPN", "PUNCT", "PRON", "VERB", "PUNCT"];
        doc.tags.lemma = ["Kuleba", "meet", "Lavrov", ".", "ça", "va", "!"]
            .map(Into::into)
            .to_vec();
        doc.tags.head = vec![1, ROOT, 1, 1, 5, ROOT, 5];
        doc.tags.deprel = vec!["nsubj", "root", "obj", "punct", "nsubj", "root", "punct"];
        doc.entities.push(Entity {
            span: Span::new(0, 6),
            tokens: 0..1,
            sentence: 0,
            label: "PER",
        });
        doc.entities.push(Entity {
            span: Span::new(11, 17),
            tokens: 2..3,
            sentence: 0,
            label: "PER",
        });
        doc.diagnostics
            .push(Diagnostic::warning("invalid-utf8", "one byte replaced"));
        doc.annotated = true;
        doc
    }

    fn same(a: &Doc, b: &Doc) {
        assert_eq!(a.tokens, b.tokens);
        assert_eq!(a.sentences, b.sentences);
        assert_eq!(a.tags, b.tags);
        assert_eq!(a.entities, b.entities);
        assert_eq!(a.diagnostics, b.diagnostics);
        assert_eq!(a.annotated, b.annotated);
    }

    #[test]
    fn round_trip() {
        let doc = sample();
        let bytes = encode(&doc);
        let back = decode(doc.article.clone(), &bytes).unwrap();
        same(&doc, &back);
        // Tags absent stay absent.
        let mut bare = sample();
        bare.tags = Default::default();
        let back = decode(bare.article.clone(), &encode(&bare)).unwrap();
        same(&bare, &back);
    }

    #[test]
    fn wrong_text_is_an_error() {
        let doc = sample();
        let bytes = encode(&doc);
        let short = Article::new("a", "Kuleba");
        assert!(decode(short, &bytes).is_err());
        assert!(decode(doc.article.clone(), &bytes[..bytes.len() - 1]).is_err());
        assert!(decode(doc.article.clone(), b"DYA2").is_err());
    }

    proptest! {
        /// Any bytes decode to a document or an error, never a panic.
        #[test]
        fn any_bytes_are_safe(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend(tail);
            let _ = decode(Article::new("a", "Kuleba met Lavrov. Ça va!"), &bytes);
        }

        /// Flipping one byte of a real encoding never panics either.
        #[test]
        fn corrupted_bytes_are_safe(at in 0usize..10_000, value in any::<u8>()) {
            let doc = sample();
            let mut bytes = encode(&doc);
            let k = at % bytes.len();
            bytes[k] = value;
            let _ = decode(doc.article.clone(), &bytes);
        }
    }
}
