//! Sentence segmentation: the tokenizer's output, hard rules for paragraph breaks, headlines,
//! datelines and captions, and the learned boundary model for everything else.

use std::sync::Arc;

use dyad_core::{Sentences, Span, Tokens};

use crate::lexicon;
use crate::model::{self, Model, ModelError, N_FEATURES};
use crate::tokenize::{
    self, ABBR, ALNUM, GAP_BLANK, GAP_MASK, GAP_NEWLINE, GAP_NONE, LOWER_START, UPPER_START,
};

/// The boundary model trained on UD English EWT and GUM (see `models/segmenter/MODEL_CARD.md`).
static EMBEDDED_MODEL: &[u8] = include_bytes!("../../../models/segmenter/boundary.bin");

/// Splits English text into sentences and Penn-Treebank-style tokens.
///
/// Cheap to clone: the boundary model is shared.
///
/// ```
/// use dyad_core::{Sentences, Tokens};
/// use dyad_text::Segmenter;
///
/// let text = "ANKARA (Reuters) - Turkey's Gen. Ali met U.S. envoys. They didn't agree.";
/// let (mut tokens, mut sentences) = (Tokens::default(), Sentences::default());
/// Segmenter::new().segment(text, &mut tokens, &mut sentences);
/// let words: Vec<&str> = tokens.iter().map(|s| &text[s.range()]).collect();
/// assert_eq!(words[..8], ["ANKARA", "(", "Reuters", ")", "-", "Turkey", "'s", "Gen."]);
/// assert_eq!(sentences.len(), 3);
/// assert_eq!(&text[sentences.span(2).range()], "They didn't agree.");
/// ```
#[derive(Debug, Clone)]
pub struct Segmenter {
    model: Arc<Model>,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::new()
    }
}

/// A read-only view of the tokens being segmented: token `i` (absolute index into the table) has
/// flags `flags[i - base]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) text: &'a str,
    pub(crate) tokens: &'a Tokens,
    pub(crate) flags: &'a [u8],
    pub(crate) base: usize,
}

impl Ctx<'_> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.base + self.flags.len()
    }

    #[inline]
    pub(crate) fn flag(&self, i: usize) -> u8 {
        self.flags[i - self.base]
    }

    #[inline]
    pub(crate) fn gap(&self, i: usize) -> u8 {
        self.flags[i - self.base] & GAP_MASK
    }

    #[inline]
    pub(crate) fn str(&self, i: usize) -> &str {
        &self.text[self.tokens.span(i).range()]
    }

    /// The bytes of token `i`: cheaper than [`Ctx::str`], which checks char boundaries.
    #[inline]
    pub(crate) fn bytes(&self, i: usize) -> &[u8] {
        &self.text.as_bytes()[self.tokens.span(i).range()]
    }
}

/// What the rules say about a boundary after a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A sentence ends here whatever the model says.
    Break,
    /// The model decides.
    Ask,
    /// No sentence ends here.
    Never,
}

/// A rule decision that overrides the default ones for one token (datelines, captions).
const FORCE_BREAK: u8 = 1;
const FORCE_NEVER: u8 = 2;

impl Segmenter {
    /// A segmenter with the built-in rules and boundary model.
    pub fn new() -> Segmenter {
        // The embedded model is checked by a unit test, so this cannot fail in a release.
        Segmenter::from_model_bytes(EMBEDDED_MODEL).expect("the embedded boundary model is valid")
    }

    /// A segmenter with the built-in rules and a boundary model read from `bytes` (the content of
    /// a `boundary.bin` written by training).
    pub fn from_model_bytes(bytes: &[u8]) -> Result<Segmenter, ModelError> {
        Ok(Segmenter {
            model: Arc::new(Model::from_bytes(bytes)?),
        })
    }

    /// Appends the tokens and sentences of `text` to the tables.
    pub fn segment(&self, text: &str, tokens: &mut Tokens, sentences: &mut Sentences) {
        let base = tokens.len();
        let mut flags = Vec::with_capacity(text.len() / 5 + 1);
        tokenize::tokenize(text, tokens, &mut flags);
        let ctx = Ctx {
            text,
            tokens,
            flags: &flags,
            base,
        };
        let model = &*self.model;
        let mut feats = [0u64; N_FEATURES];
        let mut window = model::Window::default();
        walk(
            &ctx,
            |first, i| {
                model::unfinished_features(&ctx, first, i, &mut window, &mut feats);
                model.is_boundary(&feats)
            },
            |a, z| {
                let span = Span::new(ctx.tokens.span(a).start, ctx.tokens.span(z - 1).end);
                sentences.push(span, a..z);
            },
        );
    }
}

/// Tokenizes `text` and calls `f(ctx, first, i)` at every boundary the model would decide (see
/// [`walk`] for the arguments); calls
/// `sentence_end(byte)` for every rule-made sentence end (the model's candidates answer no).
pub(crate) fn for_each_candidate(
    text: &str,
    mut f: impl FnMut(&Ctx<'_>, usize, usize) -> bool,
    mut sentence_end: impl FnMut(u32),
) {
    let mut tokens = Tokens::default();
    let mut flags = Vec::new();
    tokenize::tokenize(text, &mut tokens, &mut flags);
    let ctx = Ctx {
        text,
        tokens: &tokens,
        flags: &flags,
        base: 0,
    };
    walk(
        &ctx,
        |first, i| f(&ctx, first, i),
        |_, z| sentence_end(ctx.tokens.span(z - 1).end),
    );
}

/// Walks the tokens of `ctx`, asking `decide(first, i)` at each candidate boundary after token
/// `i` (`first` is the first token of its line) and calling `emit(a, z)` for each sentence of
/// tokens `a..z`.
pub(crate) fn walk(
    ctx: &Ctx<'_>,
    mut decide: impl FnMut(usize, usize) -> bool,
    mut emit: impl FnMut(usize, usize),
) {
    let n = ctx.len();
    if n == ctx.base {
        return;
    }
    let mut forced: Vec<(usize, u8)> = Vec::new();
    let mut next_forced = 0;
    let mut line_start = ctx.base;
    let mut sent_start = ctx.base;
    for i in ctx.base..n {
        if i == line_start {
            // Datelines and captions are rare: the rules run only at line starts and before `(`.
            dateline(ctx, i, &mut forced);
        }
        let brk = if i + 1 == n {
            true
        } else {
            let mut rule = rule(ctx, i);
            // A `(` token has no letter or digit: the flags rule out most tokens cheaply.
            if rule != Rule::Break && ctx.flag(i + 1) & ALNUM == 0 && ctx.bytes(i + 1) == b"(" {
                caption(ctx, i, &mut forced);
            }
            while next_forced < forced.len() && forced[next_forced].0 < i {
                next_forced += 1;
            }
            if next_forced < forced.len() && forced[next_forced].0 == i && rule != Rule::Break {
                rule = if forced[next_forced].1 == FORCE_BREAK {
                    Rule::Break
                } else {
                    Rule::Never
                };
            }
            if rule == Rule::Ask && ends_date(ctx, i) {
                rule = Rule::Break;
            }
            match rule {
                Rule::Break => true,
                Rule::Never => false,
                Rule::Ask => decide(line_start, i),
            }
        };
        if i + 1 < n && ctx.gap(i + 1) >= GAP_NEWLINE {
            line_start = i + 1;
        }
        if brk {
            emit(sent_start, i + 1);
            sent_start = i + 1;
        }
    }
}

/// The default rule for a boundary after token `i` (which is not the last).
#[inline(always)]
pub(crate) fn rule(ctx: &Ctx<'_>, i: usize) -> Rule {
    let f0 = ctx.flag(i);
    let f1 = ctx.flag(i + 1);
    match f1 & GAP_MASK {
        GAP_NONE => Rule::Never,
        GAP_BLANK => Rule::Break,
        GAP_NEWLINE => {
            if f0 & ALNUM == 0 || f0 & ABBR != 0 {
                // The line ends in punctuation: the model decides, as it would for a space.
                if starts_closing(ctx.bytes(i + 1)) {
                    Rule::Never
                } else {
                    Rule::Ask
                }
            } else if f1 & LOWER_START != 0
                || f1 & ALNUM == 0 && starts_closing(ctx.bytes(i + 1))
                || lexicon::is_continuation_word(ctx.bytes(i))
            {
                Rule::Never
            } else {
                // A line without final punctuation before a line break: a headline or caption.
                Rule::Break
            }
        }
        _ => {
            // A word before a lowercase word, or anything before closing punctuation, goes on.
            if (f0 & ALNUM != 0 && f0 & ABBR == 0 && f1 & LOWER_START != 0)
                || (f1 & ALNUM == 0 && starts_closing(ctx.bytes(i + 1)))
                || plural_possessive(ctx, i)
            {
                Rule::Never
            } else {
                Rule::Ask
            }
        }
    }
}

/// A period after a date (`on Jan. 5. Talks`) before a capital ends the sentence: the model,
/// trained on web text full of numbered lists, doubts it.
#[inline]
fn ends_date(ctx: &Ctx<'_>, i: usize) -> bool {
    i >= ctx.base + 2
        && ctx.flag(i) & ALNUM == 0
        && ctx.flag(i + 1) & UPPER_START != 0
        && ctx.bytes(i) == b"."
        && ctx.bytes(i - 1).len() <= 2
        && ctx.bytes(i - 1).iter().all(u8::is_ascii_digit)
        && lexicon::is_month(ctx.bytes(i - 2))
}

/// An apostrophe glued to a word ending in `s` ("Solomon Islands’ Prime Minister", "the
/// leaders' request") is a possessive, not a closing quote that could end a sentence.
#[inline]
fn plural_possessive(ctx: &Ctx<'_>, i: usize) -> bool {
    i > ctx.base
        && ctx.flag(i) & GAP_MASK == GAP_NONE
        && matches!(ctx.bytes(i), b"'" | b"\xe2\x80\x99")
        && ctx.flag(i - 1) & ALNUM != 0
        && ctx
            .bytes(i - 1)
            .last()
            .is_some_and(|b| matches!(b, b's' | b'S'))
}

/// Tokens that cannot open a sentence: closing punctuation.
#[inline]
fn starts_closing(b: &[u8]) -> bool {
    match b.first() {
        Some(b',' | b';' | b')' | b']' | b'}' | b'%') => true,
        Some(0xe2) => b.starts_with("”".as_bytes()) || b.starts_with("’".as_bytes()),
        _ => false,
    }
}

fn is_dash_token(b: &[u8]) -> bool {
    matches!(b, b"-" | b"--" | b"---") || b == "—".as_bytes() || b == "–".as_bytes()
}

/// Recognizes a dateline at the start of a line (`ANKARA (Reuters) -`,
/// `WASHINGTON, March 3 —`, `KYIV:`) and makes it a sentence of its own.
fn dateline(ctx: &Ctx<'_>, p: usize, forced: &mut Vec<(usize, u8)>) {
    let n = ctx.len();
    let first = ctx.bytes(p);
    // The place is written in capitals: `ANKARA`, `U.N.`, `NEW`.
    if ctx.flag(p) & UPPER_START == 0
        || first.len() < 2
        || first.iter().any(u8::is_ascii_lowercase)
        || !first
            .iter()
            .all(|c| c.is_ascii_alphabetic() || *c == b'.' || *c >= 0x80)
    {
        return;
    }
    let mut depth = 0;
    for j in p + 1..n.min(p + 16) {
        let f = ctx.flag(j);
        if f & GAP_MASK >= GAP_NEWLINE {
            return;
        }
        let w = ctx.bytes(j);
        if depth == 0 && (is_dash_token(w) || w == b":") {
            if j + 1 >= n || ctx.gap(j + 1) >= GAP_NEWLINE {
                return;
            }
            if forced.last().is_some_and(|&(k, _)| k >= p) {
                return;
            }
            for k in p..j {
                forced.push((k, FORCE_NEVER));
            }
            forced.push((j, FORCE_BREAK));
            return;
        }
        match w {
            b"(" => depth += 1,
            b")" if depth > 0 => depth -= 1,
            b"," | b"." | b"/" => {}
            _ if depth > 0 => {}
            // More of the place or a date: `NEW YORK`, `March 3`.
            _ if f & (UPPER_START | tokenize::DIGIT_START) != 0 => {}
            _ => return,
        }
    }
}

/// Makes a parenthesized caption or credit after token `i` (`(Photo: Reuters)`) a sentence of
/// its own.
fn caption(ctx: &Ctx<'_>, i: usize, forced: &mut Vec<(usize, u8)>) {
    let n = ctx.len();
    if i + 2 >= n || !lexicon::is_caption_word(ctx.bytes(i + 2)) {
        return;
    }
    for j in i + 3..n.min(i + 40) {
        if ctx.gap(j) >= GAP_BLANK {
            return;
        }
        if ctx.bytes(j) == b")" {
            if forced.last().is_some_and(|&(k, _)| k >= i) {
                return;
            }
            forced.push((i, FORCE_BREAK));
            for k in i + 1..j {
                forced.push((k, FORCE_NEVER));
            }
            forced.push((j, FORCE_BREAK));
            return;
        }
    }
}

#[cfg(test)]
mod tests;
