//! Decoding, comment stripping and the phrase syntax shared by all formats.

use crate::diag::Sink;

/// Decodes a dictionary file: UTF-8 where it is valid, each invalid byte as Latin-1.
///
/// Older dictionaries (Phoenix.Countries.actors.txt among them) carry Latin-1 names such as
/// `CURAÇAO`; decoding them byte by byte keeps the line instead of dropping it. One warning
/// per file gives the count and the first line concerned.
pub(crate) fn decode(bytes: &[u8], sink: &mut Sink<'_>) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 16);
    let mut rest = bytes;
    let mut bad = 0usize;
    let mut first_line = 0u32;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, tail) = rest.split_at(e.valid_up_to());
                // `valid_up_to` guarantees this prefix is valid UTF-8.
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let n = e.error_len().unwrap_or(tail.len()).max(1);
                if bad == 0 {
                    first_line = 1 + out.bytes().filter(|&b| b == b'\n').count() as u32;
                }
                for &b in &tail[..n] {
                    out.push(char::from(b));
                }
                bad += n;
                rest = &tail[n..];
            }
        }
    }
    sink.warn(
        0,
        "invalid-utf8",
        format!(
            "{bad} byte(s) are not valid UTF-8 (first on line {first_line}); decoded them as Latin-1: \
             re-save the file as UTF-8 to silence this"
        ),
    );
    out
}

/// One line of a file after comment stripping.
#[derive(Debug)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub(crate) number: u32,
    /// The line as written, without its line break.
    pub(crate) raw: &'a str,
    /// What is left once comments are removed, trimmed at the end only.
    pub(crate) content: String,
    /// The text of a trailing `#` or `;` comment, trimmed, if any.
    pub(crate) comment: Option<String>,
    /// Whether the raw line is empty or whitespace only (a comment-only line is not blank).
    pub(crate) blank: bool,
}

/// Splits `text` into lines and strips `#`, `<!-- -->` (possibly multi-line) and, where
/// `semicolon` is set, the legacy KEDS `;` comments.
pub(crate) fn lines(text: &str, semicolon: bool) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut in_xml = false;
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let mut content = String::new();
        let mut comment = None;
        let mut rest = raw;
        loop {
            if in_xml {
                match rest.find("-->") {
                    Some(end) => {
                        in_xml = false;
                        rest = &rest[end + 3..];
                    }
                    None => break,
                }
            }
            // `<! --` is a typo for `<!--` found in PETR.Validate.actors.txt; PETRARCH treats
            // it as a comment too.
            let xml = rest.find("<!");
            let hash = comment_start(rest, semicolon);
            match (xml, hash) {
                (Some(x), h) if h.is_none_or(|h| x < h) => {
                    content.push_str(&rest[..x]);
                    in_xml = true;
                    rest = &rest[x + 2..];
                }
                (_, Some(h)) => {
                    content.push_str(&rest[..h]);
                    let c = rest[h + 1..].trim();
                    if !c.is_empty() {
                        comment = Some(c.to_string());
                    }
                    break;
                }
                _ => {
                    content.push_str(rest);
                    break;
                }
            }
        }
        let content = content.trim_end().to_string();
        out.push(Line {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            raw,
            content,
            comment,
            blank: raw.trim().is_empty(),
        });
    }
    out
}

/// Finds the first `#` (or `;`) that is not inside `[...]`: `[###]` is TABARI's discard code.
fn comment_start(s: &str, semicolon: bool) -> Option<usize> {
    let mut depth = 0u32;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '#' if depth == 0 => return Some(i),
            ';' if semicolon && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// How a word of a [`Phrase`] is joined to the word before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    /// The first word of the phrase.
    Start,
    /// Written with `_`: the words must be consecutive.
    Adjacent,
    /// Written with a space: in agent and verb patterns other words may come between; actor
    /// phrases treat it like `_`.
    Gap,
}

/// One word of a [`Phrase`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhraseWord {
    /// The word as written (case kept; matching is case-insensitive).
    pub text: String,
    /// How it is joined to the previous word.
    pub link: Link,
}

/// A TABARI phrase such as `SERGEY_V._LAVROV_`: words joined by `_` or spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phrase {
    /// The phrase as written, trimmed.
    pub raw: String,
    /// Its words in order.
    pub words: Vec<PhraseWord>,
    /// Ends with `_`: the last word must match whole (no stem match, no automatic plural).
    pub stop: bool,
}

impl Phrase {
    /// Parses a phrase; `None` when it has no words.
    pub fn parse(s: &str) -> Option<Phrase> {
        let raw = s.trim();
        let mut words = Vec::new();
        let mut link = Link::Start;
        let mut word = String::new();
        for c in raw.chars() {
            match c {
                '_' | ' ' | '\t' => {
                    if !word.is_empty() {
                        words.push(PhraseWord {
                            text: std::mem::take(&mut word),
                            link,
                        });
                        link = if c == '_' { Link::Adjacent } else { Link::Gap };
                    } else if c == '_' && !words.is_empty() {
                        link = Link::Adjacent;
                    }
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            words.push(PhraseWord { text: word, link });
        }
        if words.is_empty() {
            return None;
        }
        Some(Phrase {
            raw: raw.to_string(),
            stop: raw.ends_with('_'),
            words,
        })
    }

    /// The words joined by single spaces, e.g. `SERGEY V. LAVROV`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, w) in self.words.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&w.text);
        }
        s
    }
}

/// Splits a phrase at its first `{`: the text before it and the contents of the `{...}` group
/// (plural or verb forms), warning on line `n` when the `}` is missing.
pub(crate) fn split_braces<'a>(
    head: &'a str,
    n: u32,
    sink: &mut Sink<'_>,
) -> (&'a str, Option<&'a str>) {
    let Some(i) = head.find('{') else {
        return (head, None);
    };
    let inner = &head[i + 1..];
    let inner = match inner.find('}') {
        Some(j) => &inner[..j],
        None => {
            sink.warn(n, "unclosed-brace", "`{` without `}`");
            inner
        }
    };
    (&head[..i], Some(inner))
}

/// Splits `s` at the first `[`: the text before it and the bracket groups after it.
///
/// Returns the head, the contents of each `[...]` group, and whether a group was closed by
/// `}` instead of `]` (a typo that occurs in Phoenix.agents.txt).
pub(crate) struct Brackets<'a> {
    pub(crate) head: &'a str,
    pub(crate) groups: Vec<&'a str>,
    pub(crate) brace_closed: bool,
    pub(crate) unclosed: bool,
    pub(crate) trailing: &'a str,
}

pub(crate) fn brackets(s: &str) -> Brackets<'_> {
    let Some(open) = s.find('[') else {
        return Brackets {
            head: s,
            groups: Vec::new(),
            brace_closed: false,
            unclosed: false,
            trailing: "",
        };
    };
    let mut b = Brackets {
        head: &s[..open],
        groups: Vec::new(),
        brace_closed: false,
        unclosed: false,
        trailing: "",
    };
    let mut rest = &s[open..];
    while let Some(after) = rest.strip_prefix('[') {
        match after.find([']', '}']) {
            Some(close) => {
                if after.as_bytes()[close] == b'}' {
                    b.brace_closed = true;
                }
                b.groups.push(&after[..close]);
                rest = after[close + 1..].trim_start();
            }
            None => {
                b.unclosed = true;
                b.groups.push(after);
                rest = "";
            }
        }
    }
    b.trailing = rest;
    b
}
