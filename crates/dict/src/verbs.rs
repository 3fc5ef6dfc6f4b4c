//! Verb dictionaries: PETR.Validate.verbs.txt (PETRARCH1/TABARI patterns) and CAMEO.2.0.txt
//! (PETRARCH2 patterns with `( )` and `{ }` phrase groups), with `&SYNSET` definitions.

use std::collections::HashSet;

use crate::diag::{Diagnostic, Sink};
use crate::text::{brackets, decode, lines, split_braces, Link, Phrase};

/// Which pattern syntax a verb file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerbSyntax {
    /// TABARI/PETRARCH1: flat word sequences joined by `_` or spaces, with `%` compounds.
    Petrarch1,
    /// PETRARCH2 (CAMEO.2.0.txt): `(PREP ...)` and `{NOUN PHRASE}` groups and `~` transformations.
    Petrarch2,
    /// dyad's own `verbs.tsv` (`[trigger]` patterns over lemmas).
    Dyad,
}

/// What a pattern token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A literal word, e.g. `TALKS`.
    Word(String),
    /// Alternative words written `TO/FOR`.
    Alternatives(Vec<String>),
    /// A synset reference, `&CURRENCY` (stored without `&`).
    Synset(String),
    /// `*` (or `**`): where the verb goes.
    Verb,
    /// `$`: the source actor.
    Source,
    /// `+`: the target actor.
    Target,
    /// `^`: skip a noun phrase (any words up to the next token).
    Skip,
    /// `%`: a compound actor (both source and target).
    Compound,
    /// `(`: a prepositional phrase starts (PETRARCH2).
    OpenPrep,
    /// `)`: the prepositional phrase ends.
    ClosePrep,
    /// `{`: a noun phrase starts (PETRARCH2).
    OpenNoun,
    /// `}`: the noun phrase ends.
    CloseNoun,
    /// `!` (dyad's format): the pattern applies only to a negated trigger.
    Negation,
}

/// One token of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PatternToken {
    /// What it stands for.
    pub kind: TokenKind,
    /// How it is joined to the previous token (`_` = consecutive).
    pub link: Link,
}

/// A `- ... [CODE]` pattern line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The tokens in order.
    pub tokens: Vec<PatternToken>,
    /// The event code as written: `042`, `042:043` (TABARI paired code), `---` (null), `:110`.
    pub code: String,
    /// The trailing `#` comment, which in CAMEO.2.0.txt names the verb the pattern came from.
    pub comment: Option<String>,
    /// 1-based line number.
    pub line: u32,
    /// The pattern text between `-` and `[`, trimmed.
    pub text: String,
    /// The line as written.
    pub raw: String,
}

/// One verb of a block, e.g. `HURRY {HURRIES HURRYING HURRIED }` or `+CALL_OFF [160]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbEntry {
    /// The verb phrase with the `+` head marker removed.
    pub phrase: Phrase,
    /// Index in `phrase.words` of the verb itself (the word after `+`, else the first).
    pub head: usize,
    /// The irregular forms written in `{...}` (head markers removed); empty when regular.
    pub forms: Vec<Phrase>,
    /// The verb's own code, overriding the block's.
    pub code: Option<String>,
    /// 1-based line number.
    pub line: u32,
    /// The line as written.
    pub raw: String,
}

/// A `--- NAME [CODE] ---` block: synonymous verbs sharing a set of patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbBlock {
    /// The name in the header.
    pub name: String,
    /// The header code, used for verbs without their own; `---` is the null code.
    pub code: Option<String>,
    /// The verbs.
    pub verbs: Vec<VerbEntry>,
    /// The patterns.
    pub patterns: Vec<Pattern>,
    /// Line of the header.
    pub line: u32,
}

/// A `&NAME` synonym set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synset {
    /// The label without `&` or trailing `_`.
    pub name: String,
    /// The label ended with `_`: no plurals are generated for its members.
    pub no_plurals: bool,
    /// The `+` members (a member may itself be `&OTHER`, which PETRARCH does not support).
    pub members: Vec<Phrase>,
    /// Line of the label.
    pub line: u32,
}

/// A PETRARCH2 `~ a (a b ATTACK) SAY = a b 015` transformation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transformation {
    /// The left-hand side, after `~`.
    pub lhs: String,
    /// The right-hand side, after `=`.
    pub rhs: String,
    /// 1-based line number.
    pub line: u32,
}

/// The verbs, synsets and transformations of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbDict {
    /// The file name given to the parser.
    pub file: String,
    /// Detected from the content: any `( )`/`{ }` group or `~` transformation means PETRARCH2.
    pub syntax: VerbSyntax,
    /// The synsets in file order.
    pub synsets: Vec<Synset>,
    /// The blocks in file order.
    pub blocks: Vec<VerbBlock>,
    /// The transformations (PETRARCH2 only).
    pub transformations: Vec<Transformation>,
}

impl VerbDict {
    /// All verbs of all blocks.
    pub fn verbs(&self) -> impl Iterator<Item = &VerbEntry> {
        self.blocks.iter().flat_map(|b| &b.verbs)
    }

    /// All patterns of all blocks.
    pub fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.blocks.iter().flat_map(|b| &b.patterns)
    }
}

enum State {
    Top,
    Synset,
    Block,
}

/// Parses a verb dictionary in either syntax (detected from the content).
pub fn parse_verbs(file: &str, bytes: &[u8]) -> (VerbDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = VerbDict {
        file: file.to_string(),
        syntax: VerbSyntax::Petrarch1,
        synsets: Vec::new(),
        blocks: Vec::new(),
        transformations: Vec::new(),
    };
    let mut state = State::Top;
    for line in lines(&text, true) {
        let n = line.number;
        let t = line.content.trim();
        if t.is_empty() {
            // A blank line ends a synset; a comment-only line does not (CAMEO.2.0.txt has
            // comments between a label and its members).
            if line.blank && matches!(state, State::Synset) {
                state = State::Top;
            }
            continue;
        }
        if let Some(h) = t.strip_prefix("---") {
            let h = h.trim().trim_end_matches('-').trim();
            let b = brackets(h);
            let name = b.head.trim();
            if name.is_empty() {
                sink.error(n, "bad-block", "`---` header without a name");
            }
            dict.blocks.push(VerbBlock {
                name: name.to_string(),
                code: b.groups.first().map(|c| c.trim().to_string()),
                verbs: Vec::new(),
                patterns: Vec::new(),
                line: n,
            });
            state = State::Block;
        } else if let Some(label) = t.strip_prefix('&') {
            let label = label.split_whitespace().next().unwrap_or("");
            if label.is_empty() {
                sink.error(n, "bad-synset", "`&` without a label; skipped");
                continue;
            }
            dict.synsets.push(Synset {
                name: label.trim_end_matches('_').to_string(),
                no_plurals: label.ends_with('_'),
                members: Vec::new(),
                line: n,
            });
            state = State::Synset;
        } else if let (Some(m), State::Synset) = (t.strip_prefix('+'), &state) {
            match (Phrase::parse(m), dict.synsets.last_mut()) {
                (Some(p), Some(s)) => s.members.push(p),
                _ => sink.error(n, "empty-phrase", "`+` with no phrase; skipped"),
            }
        } else if let Some(rest) = t.strip_prefix('~') {
            dict.syntax = VerbSyntax::Petrarch2;
            match rest.split_once('=') {
                Some((l, r)) => dict.transformations.push(Transformation {
                    lhs: l.trim().to_string(),
                    rhs: r.trim().to_string(),
                    line: n,
                }),
                None => sink.error(n, "bad-transformation", "`~` line without `=`; skipped"),
            }
        } else if let Some(p) = t.strip_prefix('-') {
            let Some(block) = dict.blocks.last_mut() else {
                sink.error(
                    n,
                    "orphan-pattern",
                    "pattern before any `---` block; skipped",
                );
                continue;
            };
            state = State::Block;
            let b = brackets(p);
            let Some(code) = b.groups.last().map(|c| c.trim()).filter(|c| !c.is_empty()) else {
                sink.error(n, "missing-code", "pattern without `[CODE]`; skipped");
                continue;
            };
            if b.groups.len() > 1 || !b.trailing.is_empty() || b.unclosed || b.brace_closed {
                sink.warn(
                    n,
                    "bad-bracket",
                    "expected one `[CODE]` at the end of the pattern",
                );
            }
            let tokens = tokenize(b.head, n, &mut sink);
            if tokens.is_empty() {
                sink.error(n, "empty-pattern", "pattern has no tokens; skipped");
                continue;
            }
            if tokens
                .iter()
                .any(|t| matches!(t.kind, TokenKind::OpenPrep | TokenKind::OpenNoun))
            {
                dict.syntax = VerbSyntax::Petrarch2;
            }
            block.patterns.push(Pattern {
                tokens,
                code: code.to_string(),
                comment: line.comment.clone(),
                line: n,
                text: b.head.trim().to_string(),
                raw: line.raw.to_string(),
            });
        } else {
            let Some(block) = dict.blocks.last_mut() else {
                sink.error(n, "orphan-verb", "verb before any `---` block; skipped");
                continue;
            };
            state = State::Block;
            let b = brackets(t);
            let (head, forms) = split_braces(b.head, n, &mut sink);
            let forms = forms.unwrap_or("");
            let Some((phrase, head_idx)) = verb_phrase(head) else {
                sink.error(n, "empty-phrase", "verb line has no verb; skipped");
                continue;
            };
            block.verbs.push(VerbEntry {
                phrase,
                head: head_idx,
                forms: forms
                    .split_whitespace()
                    .filter_map(verb_phrase)
                    .map(|(p, _)| p)
                    .collect(),
                code: b.groups.first().map(|c| c.trim().to_string()),
                line: n,
                raw: line.raw.to_string(),
            });
        }
    }
    // PETRARCH ignores a pattern whose synset is never defined; say which.
    let defined: HashSet<&str> = dict.synsets.iter().map(|s| s.name.as_str()).collect();
    for p in dict.patterns() {
        for t in &p.tokens {
            if let TokenKind::Synset(s) = &t.kind {
                if !defined.contains(s.trim_end_matches('_')) {
                    sink.warn(
                        p.line,
                        "undefined-synset",
                        format!("pattern uses `&{s}`, which is not defined; PETRARCH skips it"),
                    );
                }
            }
        }
    }
    (dict, sink.out)
}

/// Parses a verb such as `WIRE_+TAP` into the phrase and the index of the `+`-marked head.
fn verb_phrase(s: &str) -> Option<(Phrase, usize)> {
    let mut head = 0;
    let mut idx = 0;
    let mut cleaned = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.trim().chars() {
        match c {
            '+' => head = idx,
            '_' | ' ' | '\t' => {
                if in_word {
                    idx += 1;
                }
                in_word = false;
                cleaned.push(c);
            }
            _ => {
                in_word = true;
                cleaned.push(c);
            }
        }
    }
    let p = Phrase::parse(&cleaned)?;
    let head = head.min(p.words.len() - 1);
    Some((p, head))
}

fn tokenize(s: &str, n: u32, sink: &mut Sink<'_>) -> Vec<PatternToken> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut link = Link::Start;
    let mut depth_prep = 0i32;
    let mut depth_noun = 0i32;
    fn flush(word: &mut String, link: &mut Link, out: &mut Vec<PatternToken>) {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        let kind = match w.as_str() {
            "*" | "**" => TokenKind::Verb,
            "$" => TokenKind::Source,
            "+" => TokenKind::Target,
            "^" => TokenKind::Skip,
            "%" => TokenKind::Compound,
            _ if w.starts_with('&') && w.len() > 1 => TokenKind::Synset(w[1..].to_string()),
            _ if w.contains('/') => TokenKind::Alternatives(
                w.split('/')
                    .filter(|x| !x.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            _ => TokenKind::Word(w),
        };
        out.push(PatternToken { kind, link: *link });
        *link = Link::Gap;
    }
    for c in s.chars() {
        match c {
            ' ' | '\t' => {
                flush(&mut word, &mut link, &mut out);
                if !out.is_empty() && link != Link::Adjacent {
                    link = Link::Gap;
                }
            }
            '_' => {
                flush(&mut word, &mut link, &mut out);
                link = Link::Adjacent;
            }
            // `*`, `$`, `+`, `^` and `%` may be glued to words with `_` (`WOULD_*_TALKS`),
            // never without, so they are split only where they stand alone.
            '(' | ')' | '{' | '}' => {
                flush(&mut word, &mut link, &mut out);
                let kind = match c {
                    '(' => {
                        depth_prep += 1;
                        TokenKind::OpenPrep
                    }
                    ')' => {
                        depth_prep -= 1;
                        TokenKind::ClosePrep
                    }
                    '{' => {
                        depth_noun += 1;
                        TokenKind::OpenNoun
                    }
                    _ => {
                        depth_noun -= 1;
                        TokenKind::CloseNoun
                    }
                };
                if depth_prep < 0 || depth_noun < 0 {
                    sink.warn(n, "unbalanced-group", format!("`{c}` closes nothing"));
                    depth_prep = depth_prep.max(0);
                    depth_noun = depth_noun.max(0);
                }
                out.push(PatternToken { kind, link });
                link = Link::Gap;
            }
            _ => word.push(c),
        }
    }
    flush(&mut word, &mut link, &mut out);
    if depth_prep != 0 || depth_noun != 0 {
        sink.warn(n, "unbalanced-group", "`(` or `{` is not closed");
    }
    out
}
