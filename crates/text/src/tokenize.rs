//! The rule-based tokenizer: one pass over the bytes, whitespace-separated chunks split into
//! Penn-Treebank-style tokens the way UD English EWT and GUM tokenize.
//!
//! Each chunk is handled in three steps: leading punctuation is split off, trailing punctuation
//! is split off (keeping the period of abbreviations and initials), and what remains is split at
//! infixes (hyphens, dashes, slashes, ellipses) and contractions. URLs, e-mail addresses,
//! hashtags, mentions and emoticons stay whole.

use dyad_core::{Span, Tokens};

use crate::lexicon::{self, pack_list};

/// Kind of whitespace before a token, in the two low bits of its flags.
pub(crate) const GAP_MASK: u8 = 0b11;
/// No whitespace: the token touches the one before it.
pub(crate) const GAP_NONE: u8 = 0;
/// Spaces or tabs only.
pub(crate) const GAP_SPACE: u8 = 1;
/// One line break (or the start of the text).
pub(crate) const GAP_NEWLINE: u8 = 2;
/// A blank line: a paragraph break.
pub(crate) const GAP_BLANK: u8 = 3;
/// The token holds a letter or digit.
pub(crate) const ALNUM: u8 = 1 << 2;
/// The token starts with a lowercase letter.
pub(crate) const LOWER_START: u8 = 1 << 3;
/// The token starts with an uppercase letter.
pub(crate) const UPPER_START: u8 = 1 << 4;
/// The token is an abbreviation or initial that kept its final period.
pub(crate) const ABBR: u8 = 1 << 5;
/// The token starts with a digit.
pub(crate) const DIGIT_START: u8 = 1 << 6;

const EMOTICONS: &[&str] = &[
    ":)", ":-)", ":(", ":-(", ";)", ";-)", ":D", ":-D", ":P", ":-P", ":p", ":-p", ":/", ":'(",
    "=)", "=(", "(:", "):", "^_^", "^^", "<3", ":O", ":o", ";D", ":]", ":[", ":|", "-_-", "T_T",
    "o_O", "O_o", ":*", "=D", ";P", ";p", ":-/", "XD", ":')",
];

lexicon::packed!(EMOTICONS_PACKED, EMOTICONS);

/// The first bytes of the emoticons, as a set over ASCII.
static EMOTICON_FIRST: u128 = {
    let mut set = 0u128;
    let mut k = 0;
    while k < EMOTICONS.len() {
        set |= 1 << EMOTICONS[k].as_bytes()[0];
        k += 1;
    }
    set
};

#[inline]
fn is_emoticon(s: &[u8]) -> bool {
    s.len() <= 4
        && s.first()
            .is_some_and(|&c| c < 0x80 && EMOTICON_FIRST & (1 << c) != 0)
        && lexicon::pack(s, false).is_some_and(|x| EMOTICONS_PACKED.binary_search(&x).is_ok())
}

/// Decodes the char starting at byte `i` of a valid UTF-8 string.
#[inline]
pub(crate) fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[i..].chars().next().unwrap_or('\u{fffd}');
    (c, c.len_utf8())
}

/// Decodes the char ending at byte `e` of a valid UTF-8 string.
#[inline]
fn char_before(text: &str, e: usize) -> (char, usize) {
    let b = text.as_bytes()[e - 1];
    if b < 0x80 {
        return (b as char, 1);
    }
    let c = text[..e].chars().next_back().unwrap_or('\u{fffd}');
    (c, c.len_utf8())
}

#[inline]
fn is_dash(c: char) -> bool {
    matches!(c, '—' | '–' | '―' | '−' | '‒')
}

#[inline]
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !is_general_punctuation(c) && c.is_alphanumeric()
    }
}

/// The General Punctuation block (dashes, curly quotes, ellipsis), common in news: none of its
/// chars is a letter or digit or has case (a unit test checks this against `char`), so the
/// Unicode tables need not be consulted.
#[inline]
pub(crate) fn is_general_punctuation(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206f}')
}

/// Chars that continue an emoji or symbol: variation selectors, joiners, skin tones, marks.
#[inline]
fn is_extender(c: char) -> bool {
    matches!(c, '\u{fe00}'..='\u{fe0f}' | '\u{200d}' | '\u{1f3fb}'..='\u{1f3ff}' | '\u{20e3}')
        || matches!(c, '\u{300}'..='\u{36f}')
}

/// Tokenizes `text`, appending to `tokens` and one flags byte per token to `flags`.
pub(crate) fn tokenize(text: &str, tokens: &mut Tokens, flags: &mut Vec<u8>) {
    let mut t = Tokenizer {
        text,
        tokens,
        flags,
        gap: GAP_NEWLINE,
        suffixes: Vec::new(),
    };
    t.run();
}

struct Tokenizer<'a> {
    text: &'a str,
    tokens: &'a mut Tokens,
    flags: &'a mut Vec<u8>,
    /// The gap kind that the next token gets.
    gap: u8,
    /// Suffix tokens of the current chunk, innermost last; reused across chunks.
    suffixes: Vec<(u32, u32)>,
}

impl Tokenizer<'_> {
    fn run(&mut self) {
        let b = self.text.as_bytes();
        let n = b.len();
        let mut i = 0;
        let mut newlines = 0u32;
        while i < n {
            let c = b[i];
            // Whitespace: ASCII fast path, then Unicode.
            if c == b' ' || c == b'\t' || c == b'\r' || c == 0x0b || c == 0x0c {
                i += 1;
                if self.gap == GAP_NONE {
                    self.gap = GAP_SPACE;
                }
                continue;
            }
            if c == b'\n' {
                i += 1;
                newlines += 1;
                self.gap = if newlines >= 2 {
                    GAP_BLANK
                } else {
                    GAP_NEWLINE.max(self.gap)
                };
                continue;
            }
            if c >= 0x80 {
                let (ch, l) = char_at(self.text, i);
                if ch.is_whitespace() {
                    i += l;
                    if matches!(ch, '\u{2028}' | '\u{2029}' | '\u{85}') {
                        newlines += 1;
                        self.gap = if ch == '\u{2029}' || newlines >= 2 {
                            GAP_BLANK
                        } else {
                            GAP_NEWLINE.max(self.gap)
                        };
                    } else if self.gap == GAP_NONE {
                        self.gap = GAP_SPACE;
                    }
                    continue;
                }
            }
            // A chunk: up to the next whitespace.
            let start = i;
            if let Some(end) = self.simple_chunk(start) {
                i = end;
                newlines = 0;
                continue;
            }
            while i < n {
                let c = b[i];
                if c <= b' ' && matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
                    break;
                }
                if c >= 0x80 {
                    let (ch, l) = char_at(self.text, i);
                    if ch.is_whitespace() {
                        break;
                    }
                    i += l;
                } else {
                    i += 1;
                }
            }
            self.chunk(start, i);
            newlines = 0;
        }
    }

    /// Tokenizes the chunk at `s` if it is one of the common simple kinds, as [`Self::chunk`]
    /// would, and returns its end; `None` leaves it to `chunk`. The kinds: a word of ASCII
    /// letters (lowercase after the first) or a number of ASCII digits, alone, followed by one
    /// of `,.;:`, or (a word) by an apostrophe and lowercase letters (`side's`).
    #[inline]
    fn simple_chunk(&mut self, s: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let n = b.len();
        let first = b[s];
        let word = first.is_ascii_alphabetic();
        if !word && !first.is_ascii_digit() {
            return None;
        }
        let mut j = s + 1;
        if word {
            j = lowercase_run(b, j);
        } else {
            while j < n && b[j].is_ascii_digit() {
                j += 1;
            }
        }
        let ends = |k: usize| k == n || is_ascii_space(b[k]);
        if ends(j) {
            if !word {
                // A number alone: no rule of `chunk` or `core` applies to digits only.
                self.push(s, j);
            } else if j - s <= 24 && !(j - s <= 8 && needs_care(&b[s..j])) {
                self.push_word(s, j);
            } else {
                self.chunk(s, j);
            }
            return Some(j);
        }
        match b[j] {
            b',' | b'.' | b';' | b':' if ends(j + 1) => {
                // `chunk` splits off the mark (keeping the period of an abbreviation or
                // initial) and passes the rest to `core`, which for letters or digits only is
                // `piece`.
                if b[j] == b'.' && self.keeps_period(s, j, j + 1, self.gap >= GAP_NEWLINE) {
                    self.piece(s, j + 1);
                } else {
                    self.piece(s, j);
                    self.push(j, j + 1);
                }
                Some(j + 1)
            }
            b'\'' if word => {
                // `side's`: nothing to split off either end, and `core` finds no infix.
                let k = lowercase_run(b, j + 1);
                if k == j + 1 || !ends(k) {
                    return None;
                }
                self.piece(s, k);
                Some(k)
            }
            _ => None,
        }
    }

    /// Pushes a word of ASCII letters, the first of any case and the rest lowercase.
    #[inline]
    fn push_word(&mut self, s: usize, e: usize) {
        let f = self.gap
            | ALNUM
            | if self.text.as_bytes()[s].is_ascii_lowercase() {
                LOWER_START
            } else {
                UPPER_START
            };
        self.gap = GAP_NONE;
        self.tokens.push(Span::from_usize(s, e));
        self.flags.push(f);
    }

    #[inline]
    fn push(&mut self, s: usize, e: usize) {
        debug_assert!(s < e);
        let tok = &self.text.as_bytes()[s..e];
        let mut f = self.gap;
        self.gap = GAP_NONE;
        let first = tok[0];
        if first < 0x80 {
            if first.is_ascii_lowercase() {
                f |= LOWER_START | ALNUM;
            } else if first.is_ascii_uppercase() {
                f |= UPPER_START | ALNUM;
            } else if first.is_ascii_digit() {
                f |= DIGIT_START | ALNUM;
            }
        } else {
            let (c, _) = char_at(self.text, s);
            if is_general_punctuation(c) {
                // Neither cased nor alphanumeric.
            } else if c.is_lowercase() {
                f |= LOWER_START | ALNUM;
            } else if c.is_uppercase() {
                f |= UPPER_START | ALNUM;
            } else if c.is_alphanumeric() {
                f |= ALNUM;
            }
        }
        if f & ALNUM == 0
            && (tok.iter().any(u8::is_ascii_alphanumeric)
                || (tok.iter().any(|&b| b >= 0x80) && self.text[s..e].chars().any(is_alnum)))
        {
            f |= ALNUM;
        }
        if tok.len() > 1 && tok[tok.len() - 1] == b'.' && f & ALNUM != 0 {
            f |= ABBR;
        }
        self.tokens.push(Span::from_usize(s, e));
        self.flags.push(f);
    }

    /// Pushes the run of `c` starting at `s` (at most up to `e`) as one token; returns its end.
    fn push_run(&mut self, s: usize, e: usize, c: char) -> usize {
        let mut j = s;
        while j < e {
            let (d, l) = char_at(self.text, j);
            if d != c {
                break;
            }
            j += l;
        }
        self.push(s, j);
        j
    }

    fn run_end(&self, s: usize, e: usize, pred: impl Fn(char) -> bool) -> usize {
        let mut j = s;
        while j < e {
            let (d, l) = char_at(self.text, j);
            if !pred(d) {
                break;
            }
            j += l;
        }
        j
    }

    fn run_start(&self, s: usize, e: usize, pred: impl Fn(char) -> bool) -> usize {
        let mut j = e;
        while j > s {
            let (d, l) = char_before(self.text, j);
            if !pred(d) {
                break;
            }
            j -= l;
        }
        j
    }

    fn chunk(&mut self, s0: usize, e0: usize) {
        let b = self.text.as_bytes();
        let chunk = &b[s0..e0];
        // Fast path: a plain lowercase or capitalized ASCII word.
        if chunk.len() <= 24
            && chunk[1..].iter().all(u8::is_ascii_lowercase)
            && chunk[0].is_ascii_alphabetic()
            && !(chunk.len() <= 8 && needs_care(chunk))
        {
            self.push(s0, e0);
            return;
        }
        if is_emoticon(chunk) {
            self.push(s0, e0);
            return;
        }
        let line_initial = self.gap >= GAP_NEWLINE;
        let mut s = s0;
        let mut e = e0;
        // 1. Leading punctuation.
        while s < e {
            let (c, l) = char_at(self.text, s);
            if is_alnum(c) {
                break;
            }
            match c {
                '\'' | '’' | '‘' => {
                    let rest = &b[s + l..e];
                    if is_contraction_suffix(rest) && s == s0 {
                        self.push(s, e);
                        return;
                    }
                    // '90s, 'em, 'cause stay whole.
                    if rest.first().is_some_and(u8::is_ascii_digit)
                        || lower_eq(rest, b"em")
                        || lower_eq(rest, b"cause")
                        || lower_eq(rest, b"til")
                    {
                        break;
                    }
                    s = self.push_run(s, e, c);
                }
                '#' | '@' if s + 1 < e && is_alnum(char_at(self.text, s + 1).0) => {
                    if c == '#' && b[s + 1].is_ascii_digit() {
                        // `#1` is a symbol and a number; `#tag` is a hashtag.
                        self.push(s, s + 1);
                        s += 1;
                        continue;
                    }
                    break;
                }
                '.' if s + 1 < e && b[s + 1].is_ascii_digit() => break,
                '+' if s + 1 < e && b[s + 1].is_ascii_digit() => break,
                '$' | '€' | '£' | '¥' | '₹' | '₩' | '₽' | '(' | '[' | '{' | '¿' | '¡' | '«'
                | '‹' | '„' | '“' | '"' => {
                    if c == '"' || c == '“' {
                        s = self.push_run(s, e, c);
                    } else {
                        self.push(s, s + l);
                        s += l;
                    }
                }
                '.' | '!' | '?' => {
                    let j = self.run_end(s, e, |d| matches!(d, '.' | '!' | '?'));
                    self.push(s, j);
                    s = j;
                }
                '-' => {
                    let j = self.run_end(s, e, |d| d == '-' || is_dash(d));
                    self.push(s, j);
                    s = j;
                }
                _ if is_dash(c) => {
                    let j = self.run_end(s, e, |d| d == '-' || is_dash(d));
                    self.push(s, j);
                    s = j;
                }
                _ if c.is_ascii() => {
                    s = self.push_run(s, e, c);
                }
                _ => {
                    let j = self.run_end(s + l, e, is_extender);
                    self.push(s, j);
                    s = j;
                }
            }
        }
        if s == e {
            return;
        }
        // 2. Trailing punctuation, collected innermost last and pushed after the core.
        self.suffixes.clear();
        while e > s {
            let (c, l) = char_before(self.text, e);
            if is_alnum(c) {
                break;
            }
            // An emoticon glued to a word: `great:)`.
            if e - s > 2 && matches!(c, ')' | '(' | 'D' | 'P' | 'p' | '/' | '|' | '[' | ']') {
                let k = if e - s > 3 && b[e - 2] == b'-' { 3 } else { 2 };
                if is_emoticon(&b[e - k..e]) && matches!(b[e - k], b':' | b';' | b'=') {
                    self.suffixes.push((e as u32 - k as u32, e as u32));
                    e -= k;
                    continue;
                }
            }
            let start = match c {
                '.' => {
                    let j = self.run_start(s, e, |d| d == '.');
                    if e - j == 1 {
                        let j2 = self.run_start(s, j, |d| matches!(d, '!' | '?'));
                        if j2 < j {
                            j2
                        } else if self.keeps_period(s, e - 1, e0, line_initial) {
                            break;
                        } else {
                            e - 1
                        }
                    } else {
                        self.run_start(s, j, |d| matches!(d, '!' | '?'))
                    }
                }
                '!' | '?' => {
                    // `?!` and `.?` are one token; an ellipsis before `?` is its own.
                    let j = self.run_start(s, e, |d| matches!(d, '!' | '?'));
                    let k = self.run_start(s, j, |d| d == '.');
                    if j - k == 1 {
                        k
                    } else {
                        j
                    }
                }
                ')' | ']' | '}' => {
                    let open = match c {
                        ')' => b'(',
                        ']' => b'[',
                        _ => b'{',
                    };
                    // `friend(s)`: the bracket closes one inside the word.
                    if b[s..e - 1].contains(&open) && b[s] != open {
                        break;
                    }
                    e - 1
                }
                '\'' | '’' | '"' | '”' | '“' | '‘' | '`' | '»' | '›' | '…' | '*' | '~' | '='
                | '+' | '<' | '>' | '^' | '|' | '/' | '\\' | '#' | '&' | '@' | '_' | ',' | ';'
                | ':' | '%' => self.run_start(s, e, |d| d == c),
                '-' => {
                    let j = self.run_start(s, e, |d| d == '-' || is_dash(d));
                    // A cut-off word keeps its hyphen (`th-`, `re-`), as GUM transcribes speech.
                    if e - j == 1 && j > s && b[s..j].iter().all(u8::is_ascii_alphabetic) {
                        break;
                    }
                    j
                }
                _ if is_dash(c) => self.run_start(s, e, |d| d == '-' || is_dash(d)),
                _ => {
                    // An emoji or other symbol, with what extends it.
                    let mut j = e - l;
                    while j > s && is_extender(c) {
                        let (d, dl) = char_before(self.text, j);
                        j -= dl;
                        if !is_extender(d) {
                            break;
                        }
                    }
                    j
                }
            };
            // A run that reaches back to the start stays one token (`''`, `!!!`).
            self.suffixes.push((start as u32, e as u32));
            e = start;
        }
        // 3. The core.
        if s < e {
            self.core(s, e);
        }
        while let Some((a, z)) = self.suffixes.pop() {
            self.push(a as usize, z as usize);
        }
    }

    /// Whether the period at `dot` stays on the word `s..dot` as an abbreviation or initial.
    fn keeps_period(&self, s: usize, dot: usize, chunk_end: usize, line_initial: bool) -> bool {
        let b = self.text.as_bytes();
        let w = &b[s..dot];
        if w.is_empty() {
            return false;
        }
        // Initials: `M.`, `J.`; one letter in any script.
        let (c, l) = char_at(self.text, s);
        if l == w.len() && c.is_alphabetic() {
            return true;
        }
        // Dotted acronyms: `U.S.`, `a.m.`, `Ph.D.`, `e.g.`.
        if w.contains(&b'.') && w.iter().all(|&c| c == b'.' || c.is_ascii_alphabetic()) {
            return w.split(|&c| c == b'.').all(|p| (1..=2).contains(&p.len()));
        }
        if w.iter().all(u8::is_ascii_digit) {
            // A numbered list item at the start of a line: `1.`.
            return line_initial && w.len() <= 2 && s + w.len() + 1 == chunk_end;
        }
        let next_digit = b[chunk_end..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .is_some_and(u8::is_ascii_digit);
        lexicon::is_abbreviation(w, next_digit)
    }

    /// Splits a chunk's core at infixes and contractions.
    fn core(&mut self, s: usize, e: usize) {
        let b = self.text.as_bytes();
        let w = &b[s..e];
        if is_url(w) || is_email(w) || matches!(w[0], b'#' | b'@') {
            self.push(s, e);
            return;
        }
        if w.iter().all(|&c| c.is_ascii_digit() || c == b'-') && keeps_digit_hyphens(w) {
            self.push(s, e);
            return;
        }
        let mut piece = s;
        let mut j = s;
        while j < e {
            let c = b[j];
            if c.is_ascii_alphanumeric() {
                j += 1;
                continue;
            }
            let (ch, l) = char_at(self.text, j);
            match ch {
                '-' => {
                    let next_alnum = j + 1 < e && is_alnum(char_at(self.text, j + 1).0);
                    if j > piece && next_alnum && lexicon::keeps_hyphen(&b[piece..j]) {
                        j += 1;
                        continue;
                    }
                    self.piece(piece, j);
                    j = self.push_dashes(j, e);
                    piece = j;
                }
                _ if is_dash(ch) => {
                    self.piece(piece, j);
                    j = self.push_dashes(j, e);
                    piece = j;
                }
                '/' => {
                    let left = &b[piece..j];
                    let right_end = b[j + 1..e]
                        .iter()
                        .position(|c| !c.is_ascii_alphabetic())
                        .map_or(e, |p| j + 1 + p);
                    let right = &b[j + 1..right_end];
                    if left.len() >= 2
                        && right.len() >= 2
                        && left.iter().all(u8::is_ascii_alphabetic)
                    {
                        self.piece(piece, j);
                        self.push(j, j + 1);
                        piece = j + 1;
                    }
                    j += 1;
                }
                '.' if j + 1 < e && b[j + 1] == b'.' => {
                    self.piece(piece, j);
                    j = self.push_run(j, e, '.');
                    piece = j;
                }
                '…' | ';' | '"' | '“' | '”' | '!' | '?' | '[' | ']' | '{' | '}' => {
                    self.piece(piece, j);
                    j = self.push_run(j, e, ch);
                    piece = j;
                }
                ',' => {
                    let digits = j > s
                        && b[j - 1].is_ascii_digit()
                        && j + 1 < e
                        && b[j + 1].is_ascii_digit();
                    if digits {
                        j += 1;
                    } else {
                        self.piece(piece, j);
                        j = self.push_run(j, e, ',');
                        piece = j;
                    }
                }
                '(' => {
                    if b[j..e].contains(&b')') && j > piece {
                        // `friend(s)`: keep to the closing bracket.
                        j += 1;
                    } else {
                        self.piece(piece, j);
                        self.push(j, j + 1);
                        j += 1;
                        piece = j;
                    }
                }
                ')' => {
                    if b[piece..j].contains(&b'(') {
                        j += 1;
                    } else {
                        self.piece(piece, j);
                        self.push(j, j + 1);
                        j += 1;
                        piece = j;
                    }
                }
                _ => j += l,
            }
        }
        self.piece(piece, e);
    }

    fn push_dashes(&mut self, j: usize, e: usize) -> usize {
        let end = self.run_end(j, e, |d| d == '-' || is_dash(d));
        self.push(j, end);
        end
    }

    /// Pushes one infix-free piece, splitting contractions and `10am`.
    fn piece(&mut self, s: usize, e: usize) {
        if s >= e {
            return;
        }
        let b = self.text.as_bytes();
        let w = &b[s..e];
        if let Some(k) = contraction_split(w) {
            self.push(s, s + k);
            self.push(s + k, e);
            return;
        }
        if w[0].is_ascii_digit() {
            // `35mm`, `5pm`, `5.2bn`: a number and a unit.
            let d = w
                .iter()
                .position(|c| !c.is_ascii_digit() && !matches!(c, b':' | b'.' | b','))
                .unwrap_or(w.len());
            if d > 0 && d < w.len() && w[d - 1].is_ascii_digit() && lexicon::is_unit(&w[d..]) {
                self.push(s, s + d);
                self.push(s + d, e);
                return;
            }
        }
        self.push(s, e);
    }
}

/// The end of the run of ASCII lowercase letters that starts at `j`.
///
/// Eight bytes at a time, so that the end of a short word costs no mispredicted loop exit.
#[inline]
fn lowercase_run(b: &[u8], mut j: usize) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(bytes) = b.get(j..j + 8) {
        let x = u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
        // Per byte, with no carry between bytes: bit 7 of `ge_a` is set for a byte of 0x61 ('a')
        // or more, of `ge_brace` for 0x7b ('{') or more, counting only the low seven bits;
        // bytes of 0x80 or more are ruled out by `!x`.
        let y = x & LOW7;
        let ge_a = y + 0x1f1f_1f1f_1f1f_1f1f;
        let ge_brace = y + 0x0505_0505_0505_0505;
        let lower = ge_a & !ge_brace & !x & HIGH;
        let other = !lower & HIGH;
        if other != 0 {
            return j + (other.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && b[j].is_ascii_lowercase() {
        j += 1;
    }
    j
}

/// The ASCII whitespace that separates chunks.
#[inline]
fn is_ascii_space(c: u8) -> bool {
    // A bit test rather than a `match`, which compiles to a jump table whose indirect jump the
    // CPU often mispredicts.
    const SPACES: u64 = 1 << b' ' | 1 << b'\t' | 1 << b'\r' | 1 << b'\n' | 1 << 0x0b | 1 << 0x0c;
    (c < 64) & (SPACES >> (c & 63) & 1 != 0)
}

/// Plain words that still need the slow path: bare contractions such as `dont`.
#[inline]
fn needs_care(w: &[u8]) -> bool {
    lexicon::bare_contraction(w).is_some()
}

fn lower_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_ascii_lowercase() == *y)
}

/// `'s`, `'m`, `'d`, `'ll`, `'re`, `'ve` (the part after the apostrophe) as a whole chunk.
fn is_contraction_suffix(rest: &[u8]) -> bool {
    [&b"s"[..], b"m", b"d", b"ll", b"re", b"ve"]
        .iter()
        .any(|x| lower_eq(rest, x))
}

/// Where a word splits into host and clitic: `do|n't`, `Russia|'s`, `can|not`, `gon|na`.
fn contraction_split(w: &[u8]) -> Option<usize> {
    // Every split below needs an apostrophe: `'`, a backtick or the last byte of `’`.
    if !w.iter().any(|&c| matches!(c, b'\'' | b'`' | 0x99)) {
        return lexicon::bare_contraction(w);
    }
    let n = w.len();
    // n't with a straight, curly or backtick apostrophe.
    for apo in [&b"'"[..], "’".as_bytes(), b"`"] {
        let nt = apo.len() + 2;
        if n > nt + 1 {
            let tail = &w[n - nt..];
            if (tail[0] == b'n' || tail[0] == b'N')
                && &tail[1..1 + apo.len()] == apo
                && tail[1 + apo.len()].eq_ignore_ascii_case(&b't')
            {
                return Some(n - nt);
            }
        }
        for suf in [&b"s"[..], b"m", b"d", b"ll", b"re", b"ve"] {
            let k = apo.len() + suf.len();
            if n > k && w[n - k..n - suf.len()] == *apo && lower_eq(&w[n - suf.len()..], suf) {
                return Some(n - k);
            }
        }
    }
    lexicon::bare_contraction(w)
}

fn is_url(w: &[u8]) -> bool {
    let lw = |p: &[u8]| w.len() > p.len() && lower_eq(&w[..p.len()], p);
    lw(b"http://")
        || lw(b"https://")
        || lw(b"ftp://")
        || lw(b"www.")
        || w.windows(3).any(|x| x == b"://")
}

fn is_email(w: &[u8]) -> bool {
    match memchr::memchr(b'@', w) {
        Some(at) if at > 0 => {
            (w[at - 1].is_ascii_alphanumeric() || matches!(w[at - 1], b'.' | b'_' | b'-'))
                && w[at + 1..].contains(&b'.')
                && w[at + 1..].first().is_some_and(u8::is_ascii_alphanumeric)
        }
        _ => false,
    }
}

/// Phone numbers and dates keep their hyphens (`713-853-3989`, `345-9945`, `11-20-2000`);
/// ranges split (`2019-2021`).
fn keeps_digit_hyphens(w: &[u8]) -> bool {
    if w.first() == Some(&b'-') || w.last() == Some(&b'-') || w.windows(2).any(|p| p == b"--") {
        return false;
    }
    let mut groups = w.split(|&c| c == b'-').map(<[u8]>::len);
    match (groups.next(), groups.next(), groups.next()) {
        (_, None, _) => false,
        (Some(a), Some(b), None) => (a, b) == (3, 4),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lowercase_run_stops_where_a_byte_loop_does() {
        // Every byte value next to letters, at every alignment.
        let mut b = Vec::new();
        for c in 0..=255u8 {
            b.extend_from_slice(b"abcxyz");
            b.push(c);
            b.extend_from_slice(&b"qwertyuiopasdfghjklzxcvbnm"[..usize::from(c) % 19]);
        }
        for j in 0..=b.len() {
            let naive = j + b[j..].iter().take_while(|c| c.is_ascii_lowercase()).count();
            assert_eq!(super::lowercase_run(&b, j), naive, "at {j}");
        }
    }
}
