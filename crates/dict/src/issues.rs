//! Issue lists (`*IssueCoding.txt`): phrases that tag a sentence with issues such as `TEACHERS`.

use crate::diag::{Diagnostic, Sink};
use crate::text::{brackets, decode, lines};

/// A word-form expansion written before an issue word, as in `n:teacher`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expansion {
    /// `n:`: the singular and the plural of the noun.
    Noun,
    /// `v:`: the regular verb forms (`-S`, `-ED`, `-ING`).
    Verb,
    /// Any other letter, which PETRARCH does not define (`m:` occurs once in Phoenix).
    Unknown(char),
}

/// One word of an issue phrase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IssueWord {
    /// The word without its expansion prefix.
    pub text: String,
    /// The expansion prefix, if any.
    pub expansion: Option<Expansion>,
    /// Written joined to the previous word by `+`: both `A B` and `A-B` match.
    pub hyphen_or_space: bool,
}

/// Whether an issue line codes or cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// `phrase [CODE]`: the phrase codes the issue.
    Code,
    /// `~phrase` or `~~phrase`: the phrase cancels issue coding for the sentence.
    Ignore,
}

/// One issue line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueEntry {
    /// The words in order.
    pub words: Vec<IssueWord>,
    /// Code or ignore phrase.
    pub kind: IssueKind,
    /// The `[CODE]`; `None` for ignore phrases and for code-less lines in a category block,
    /// which a coder may read as the category.
    pub code: Option<String>,
    /// `CATEGORY` of the enclosing `<ISSUE ...>` block.
    pub category: Option<String>,
    /// 1-based line number.
    pub line: u32,
    /// The line as written.
    pub raw: String,
}

/// An `<ISSUE CATEGORY="..." TYPE="...">` block header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCategory {
    /// The `CATEGORY` attribute.
    pub name: String,
    /// The `TYPE` attribute (`ALL`, `COUNTEVENT`), if present.
    pub kind: Option<String>,
    /// 1-based line number.
    pub line: u32,
}

/// The issues of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueDict {
    /// The file name given to the parser.
    pub file: String,
    /// The lines in file order.
    pub entries: Vec<IssueEntry>,
    /// The category blocks in file order.
    pub categories: Vec<IssueCategory>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let i = tag.find(&format!("{name}="))? + name.len() + 1;
    let v = tag[i..].trim_start_matches('"');
    let end = v.find(['"', ' ', '>']).unwrap_or(v.len());
    Some(v[..end].to_string())
}

/// Parses a PETRARCH issue list: `<ISSUE>` blocks of `words [CODE]` and `~ignore` lines.
pub fn parse_issues(file: &str, bytes: &[u8]) -> (IssueDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = IssueDict {
        file: file.to_string(),
        ..IssueDict::default()
    };
    let mut category: Option<String> = None;
    for line in lines(&text, false) {
        let t = line.content.trim();
        let n = line.number;
        if t.is_empty() {
            continue;
        }
        let upper = t.to_ascii_uppercase();
        if upper.starts_with("<ISSUE") {
            let name = attr(t, "CATEGORY");
            if name.is_none() {
                sink.warn(
                    n,
                    "issue-without-category",
                    "`<ISSUE>` without CATEGORY=\"...\"",
                );
            }
            if category.is_some() {
                sink.warn(
                    n,
                    "unclosed-issue",
                    "`<ISSUE>` before the previous one was closed",
                );
            }
            if let Some(name) = &name {
                dict.categories.push(IssueCategory {
                    name: name.clone(),
                    kind: attr(t, "TYPE"),
                    line: n,
                });
            }
            category = name;
            continue;
        }
        if upper.starts_with("</ISSUE") {
            category = None;
            continue;
        }
        let (kind, body) = if t.starts_with('~') {
            (IssueKind::Ignore, t.trim_start_matches('~'))
        } else {
            (IssueKind::Code, t)
        };
        let b = brackets(body);
        if b.unclosed || b.brace_closed || b.groups.len() > 1 || !b.trailing.is_empty() {
            sink.warn(
                n,
                "bad-bracket",
                "expected one `[CODE]` at the end of the line",
            );
        }
        let code = b
            .groups
            .first()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let mut words = Vec::new();
        for chunk in b.head.split_whitespace() {
            for (i, part) in chunk.split('+').enumerate() {
                if part.is_empty() {
                    continue;
                }
                let (expansion, text) = match part.split_once(':') {
                    Some((p, w)) if p.chars().count() == 1 && !w.is_empty() => {
                        let c = p.chars().next().unwrap_or('?');
                        let e = match c.to_ascii_lowercase() {
                            'n' => Expansion::Noun,
                            'v' => Expansion::Verb,
                            _ => {
                                sink.warn(
                                    n,
                                    "unknown-expansion",
                                    format!(
                                        "`{c}:` is not `n:` or `v:`; the word is kept as written"
                                    ),
                                );
                                Expansion::Unknown(c)
                            }
                        };
                        (Some(e), w)
                    }
                    _ => (None, part),
                };
                words.push(IssueWord {
                    text: text.to_string(),
                    expansion,
                    hyphen_or_space: i > 0,
                });
            }
        }
        if words.is_empty() {
            sink.error(n, "empty-phrase", "issue line has no words; skipped");
            continue;
        }
        if kind == IssueKind::Code && code.is_none() && category.is_none() {
            sink.warn(
                n,
                "missing-code",
                "issue phrase outside `<ISSUE>` without `[CODE]`",
            );
        }
        dict.entries.push(IssueEntry {
            words,
            kind,
            code: if kind == IssueKind::Code { code } else { None },
            category: category.clone(),
            line: n,
            raw: line.raw.to_string(),
        });
    }
    (dict, sink.out)
}
