use std::ops::Range;

use crate::{Article, Span};

/// Token table in struct-of-arrays form: token `i` is `starts[i]..ends[i]` in the article text.
///
/// Tokens are ordered, never overlap and never contain only whitespace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Tokens {
    /// An empty table with room for `n` tokens.
    pub fn with_capacity(n: usize) -> Tokens {
        Tokens {
            starts: Vec::with_capacity(n),
            ends: Vec::with_capacity(n),
        }
    }

    /// Appends a token.
    #[inline]
    pub fn push(&mut self, span: Span) {
        debug_assert!(
            self.ends.last().is_none_or(|&e| e <= span.start),
            "tokens out of order"
        );
        self.starts.push(span.start);
        self.ends.push(span.end);
    }

    /// Number of tokens.
    #[inline]
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when there is no token.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The span of token `i`.
    #[inline]
    pub fn span(&self, i: usize) -> Span {
        Span::new(self.starts[i], self.ends[i])
    }

    /// Every token's span, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Span> + '_ {
        self.starts
            .iter()
            .zip(&self.ends)
            .map(|(&s, &e)| Span::new(s, e))
    }

    /// Removes every token.
    pub fn clear(&mut self) {
        self.starts.clear();
        self.ends.clear();
    }
}

/// Sentence table in struct-of-arrays form: sentence `i` covers a byte span of the text and a
/// contiguous range of token indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentences {
    starts: Vec<u32>,
    ends: Vec<u32>,
    first_token: Vec<u32>,
    token_ends: Vec<u32>,
}

impl Sentences {
    /// Appends a sentence covering `span` and the tokens `tokens`.
    pub fn push(&mut self, span: Span, tokens: Range<usize>) {
        self.starts.push(span.start);
        self.ends.push(span.end);
        self.first_token.push(tokens.start as u32);
        self.token_ends.push(tokens.end as u32);
    }

    /// Number of sentences.
    #[inline]
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// True when there is no sentence.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The byte span of sentence `i`.
    #[inline]
    pub fn span(&self, i: usize) -> Span {
        Span::new(self.starts[i], self.ends[i])
    }

    /// The token indices of sentence `i`.
    #[inline]
    pub fn tokens(&self, i: usize) -> Range<usize> {
        self.first_token[i] as usize..self.token_ends[i] as usize
    }

    /// Every sentence's span, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Span> + '_ {
        self.starts
            .iter()
            .zip(&self.ends)
            .map(|(&s, &e)| Span::new(s, e))
    }

    /// Removes every sentence.
    pub fn clear(&mut self) {
        self.starts.clear();
        self.ends.clear();
        self.first_token.clear();
        self.token_ends.clear();
    }
}

/// Marks a token with no head: the root of its sentence's dependency tree.
pub const ROOT: u32 = u32::MAX;

/// Per-token annotation from the statistical models, parallel to [`Doc::tokens`]: entry `i`
/// describes token `i`. Every column is empty until the stage that fills it has run.
///
/// Tag and relation names are `&'static str`: they come from the closed label sets of models
/// loaded once for the life of the process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenTags {
    /// Universal part-of-speech tag (`NOUN`, `PROPN`, `VERB`…).
    pub upos: Vec<&'static str>,
    /// Penn Treebank tag (`NN`, `NNP`, `VBD`…).
    pub xpos: Vec<&'static str>,
    /// Lemma (`went` → `go`, `ministers` → `minister`).
    pub lemma: Vec<Box<str>>,
    /// Index of the head token in [`Doc::tokens`] (always in the same sentence), or [`ROOT`].
    pub head: Vec<u32>,
    /// Universal Dependencies relation to the head (`nsubj`, `obj`, `obl:tmod`…).
    pub deprel: Vec<&'static str>,
}

impl TokenTags {
    /// Removes every annotation.
    pub fn clear(&mut self) {
        self.upos.clear();
        self.xpos.clear();
        self.lemma.clear();
        self.head.clear();
        self.deprel.clear();
    }
}

/// A named entity: a contiguous run of tokens inside one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Byte span from the first token's start to the last token's end.
    pub span: Span,
    /// The token indices in [`Doc::tokens`].
    pub tokens: Range<u32>,
    /// The sentence the entity is in.
    pub sentence: u32,
    /// `PER`, `ORG`, `LOC`…
    pub label: &'static str,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; the article was processed normally.
    Info,
    /// Something was repaired or skipped (lossy UTF-8, a language dyad does not annotate).
    Warning,
}

/// A note about one article, carried with it to the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A short stable code such as `invalid-utf8` or `not-english`.
    pub code: &'static str,
    /// A lowercase human-readable explanation without a final period.
    pub message: String,
}

impl Diagnostic {
    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
        }
    }

    /// An informational note.
    pub fn info(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            code,
            message: message.into(),
        }
    }
}

/// An article plus its stand-off annotation.
///
/// Invariant: every span in the tables indexes [`Article::text`] on character boundaries, and the
/// text is never modified once a `Doc` exists.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// The article, with its unmodified text.
    pub article: Article,
    /// Tokens, in text order.
    pub tokens: Tokens,
    /// Sentences, in text order, each owning a contiguous run of tokens.
    pub sentences: Sentences,
    /// Tags, lemmas and dependencies per token (empty until the models have run).
    pub tags: TokenTags,
    /// Named entities in text order (empty until the recognizer has run).
    pub entities: Vec<Entity>,
    /// Notes gathered while reading and annotating this article.
    pub diagnostics: Vec<Diagnostic>,
    /// False when the article was passed through unannotated (for example, not English).
    pub annotated: bool,
}

impl Doc {
    /// A document with no annotation yet.
    pub fn new(article: Article) -> Doc {
        Doc {
            article,
            ..Doc::default()
        }
    }

    /// The article text.
    #[inline]
    pub fn text(&self) -> &str {
        &self.article.text
    }

    /// The text under a span.
    #[inline]
    pub fn text_of(&self, span: Span) -> &str {
        &self.article.text[span.range()]
    }
}
