//! Agent dictionaries (`*agents.txt`): role nouns such as `FOREIGN_MINISTER [~GOVFRM]`.

use crate::diag::{Diagnostic, Sink};
use crate::text::{brackets, decode, lines, split_braces, Phrase};

/// Where an agent code goes relative to the actor code it qualifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentPosition {
    /// `[~GOV]`: appended after the actor code (`RUS` + `GOV` = `RUSGOV`).
    Suffix,
    /// `[NGO~]`: put before the actor code, usually for organisations.
    Prefix,
}

/// One agent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEntry {
    /// The singular phrase; it may contain `!MARKER!` substitution markers.
    pub phrase: Phrase,
    /// `None`: regular plurals are generated; `Some(vec![])` (written `{}`): no plural;
    /// otherwise the irregular plurals written in `{...}`.
    pub plurals: Option<Vec<Phrase>>,
    /// The code without its `~`, e.g. `GOVFRM`.
    pub code: String,
    /// Whether the code is a suffix (`~X`) or a prefix (`X~`).
    pub position: AgentPosition,
    /// 1-based line number.
    pub line: u32,
    /// The line as written.
    pub raw: String,
}

/// A substitution set such as `!PERSON! = MAN, MEN, WOMAN, WOMEN, PERSON`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Substitution {
    /// The marker including its `!`s.
    pub marker: String,
    /// The replacements, spaces stripped.
    pub values: Vec<String>,
    /// 1-based line number.
    pub line: u32,
}

/// The agents of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentDict {
    /// The file name given to the parser.
    pub file: String,
    /// The records in file order.
    pub entries: Vec<AgentEntry>,
    /// The `!MARKER! = ...` definitions.
    pub substitutions: Vec<Substitution>,
}

/// Parses a PETRARCH agent dictionary: `PHRASE {PLURALS} [~CODE]` lines and
/// `!MARKER! = A, B` substitution sets.
pub fn parse_agents(file: &str, bytes: &[u8]) -> (AgentDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = AgentDict {
        file: file.to_string(),
        ..AgentDict::default()
    };
    for line in lines(&text, true) {
        let t = line.content.trim();
        let n = line.number;
        if t.is_empty() {
            continue;
        }
        if t.starts_with('!') {
            if let Some((m, v)) = t.split_once('=') {
                let marker = m.trim();
                if marker.len() >= 2 && marker.ends_with('!') {
                    dict.substitutions.push(Substitution {
                        marker: marker.to_string(),
                        values: v
                            .split(',')
                            .map(|x| x.split_whitespace().collect::<String>())
                            .filter(|x| !x.is_empty())
                            .collect(),
                        line: n,
                    });
                    continue;
                }
            }
        }
        let b = brackets(t);
        if b.brace_closed {
            sink.warn(n, "brace-closes-bracket", "`[` closed by `}`; write `]`");
        }
        if b.unclosed {
            sink.warn(
                n,
                "unclosed-bracket",
                "`[` without `]`; read to the end of the line",
            );
        }
        let (head, inner) = split_braces(b.head, n, &mut sink);
        let plurals = inner.map(|inner| {
            inner
                .split_whitespace()
                .filter_map(Phrase::parse)
                .collect::<Vec<_>>()
        });
        let Some(phrase) = Phrase::parse(head) else {
            sink.error(n, "empty-phrase", "line has no agent phrase; skipped");
            continue;
        };
        let Some(group) = b.groups.first() else {
            sink.error(
                n,
                "missing-code",
                format!("agent `{}` has no `[~CODE]`; skipped", phrase.raw),
            );
            continue;
        };
        if b.groups.len() > 1 {
            sink.warn(
                n,
                "extra-code",
                "only the first `[...]` of an agent is used",
            );
        }
        let g = group.trim();
        let (code, position) = if let Some(c) = g.strip_prefix('~') {
            (c, AgentPosition::Suffix)
        } else if let Some(c) = g.strip_suffix('~') {
            (c, AgentPosition::Prefix)
        } else {
            sink.warn(
                n,
                "agent-without-tilde",
                format!("code `[{g}]` has no `~`; read as `[~{g}]`"),
            );
            (g, AgentPosition::Suffix)
        };
        if code.is_empty() || code.contains(char::is_whitespace) {
            sink.error(
                n,
                "bad-code",
                format!("`[{g}]` is not an agent code; skipped"),
            );
            continue;
        }
        dict.entries.push(AgentEntry {
            phrase,
            plurals,
            code: code.to_string(),
            position,
            line: n,
            raw: line.raw.to_string(),
        });
    }
    (dict, sink.out)
}
