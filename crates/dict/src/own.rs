//! dyad's own dictionary format (documented in `dicts/README.md`): TAB-separated lines, one
//! entry per line, read into the same model as the TABARI/PETRARCH files so that one compiler
//! serves both; and the writer behind `dyad dict convert`.

use std::collections::HashMap;
use std::fmt::Write as _;

use dyad_core::Date;

use crate::actors::{ActorDict, ActorEntry, DatedCode};
use crate::agents::{AgentDict, AgentEntry, AgentPosition};
use crate::diag::{Diagnostic, Sink};
use crate::discards::{DiscardDict, DiscardEntry};
use crate::text::{decode, Link, Phrase, PhraseWord};
use crate::verbs::{Pattern, PatternToken, TokenKind, VerbBlock, VerbDict, VerbEntry, VerbSyntax};

/// One content line: number, raw text, TAB fields.
fn rows(text: &str) -> impl Iterator<Item = (u32, &str, Vec<&str>)> {
    text.split('\n').enumerate().filter_map(|(i, raw)| {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            return None;
        }
        let fields = raw.split('\t').map(str::trim).collect();
        Some((u32::try_from(i + 1).unwrap_or(u32::MAX), raw, fields))
    })
}

/// Splits `a | b | c` into phrases; words are separated by spaces and must be consecutive.
fn phrases(field: &str, line: u32, sink: &mut Sink<'_>) -> Vec<Phrase> {
    let mut out = Vec::new();
    for name in field.split('|') {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let words: Vec<PhraseWord> = name
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| PhraseWord {
                text: w.to_string(),
                link: if i == 0 { Link::Start } else { Link::Adjacent },
            })
            .collect();
        if words.is_empty() {
            sink.warn(line, "empty-phrase", "an empty name between `|`s; skipped");
            continue;
        }
        out.push(Phrase {
            raw: name.to_string(),
            words,
            stop: false,
        });
    }
    out
}

/// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `end` picks the last day of a month or year.
pub fn parse_partial_date(s: &str, end: bool) -> Option<Date> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str| p.parse::<u32>().ok();
    match parts.as_slice() {
        [y] if y.len() == 4 => {
            let y = num(y)? as i32;
            if end {
                Date::new(y, 12, 31)
            } else {
                Date::new(y, 1, 1)
            }
        }
        [y, m] if y.len() == 4 => {
            let (y, m) = (num(y)? as i32, num(m)?);
            if end {
                (28..=31).rev().find_map(|d| Date::new(y, m, d))
            } else {
                Date::new(y, m, 1)
            }
        }
        [y, m, d] if y.len() == 4 => Date::new(num(y)? as i32, num(m)?, num(d)?),
        _ => None,
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Reads an actor file (`actors/*.tsv`): `code, names, from, until, note`.
pub fn parse_own_actors(file: &str, bytes: &[u8]) -> (ActorDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = ActorDict {
        file: file.to_string(),
        entries: Vec::new(),
    };
    let mut by_first: HashMap<String, usize> = HashMap::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (line, raw, f) in rows(&text) {
        if f.len() < 2 {
            sink.error(
                line,
                "missing-field",
                "an actor line needs at least `code<TAB>names`",
            );
            continue;
        }
        if !is_code(f[0]) {
            sink.error(
                line,
                "bad-code",
                format!("`{}` is not an actor code (capital letters)", f[0]),
            );
            continue;
        }
        let names = phrases(f[1], line, &mut sink);
        if names.is_empty() {
            sink.error(line, "empty-phrase", "no name");
            continue;
        }
        let mut date = |i: usize, end: bool| -> Option<Date> {
            let s = f.get(i).copied().unwrap_or("");
            if s.is_empty() {
                return None;
            }
            let d = parse_partial_date(s, end);
            if d.is_none() {
                sink.error(
                    line,
                    "bad-date",
                    format!("`{s}` is not YYYY-MM-DD, YYYY-MM or YYYY; the bound is ignored"),
                );
            }
            d
        };
        let from = date(2, false);
        let until = date(3, true);
        if let (Some(a), Some(b)) = (from, until) {
            if a > b {
                sink.error(line, "bad-range", "`from` is after `until`");
            }
        }
        let code = DatedCode {
            code: f[0].to_string(),
            from,
            until,
        };
        let key = names[0].raw.to_lowercase();
        if let Some(&i) = by_first.get(&key) {
            let e: &mut ActorEntry = &mut dict.entries[i];
            e.codes.push(code);
            e.end_line = line;
            continue;
        }
        for n in &names {
            let k = n.raw.to_lowercase();
            if let Some(prev) = seen.insert(k.clone(), line) {
                sink.warn(
                    line,
                    "duplicate-name",
                    format!(
                        "`{}` also names the actor on line {prev}; the first wins",
                        n.raw
                    ),
                );
            }
        }
        by_first.insert(key, dict.entries.len());
        dict.entries.push(ActorEntry {
            names,
            codes: vec![code],
            line,
            end_line: line,
            raw: raw.to_string(),
        });
    }
    (dict, sink.out)
}

/// Reads `agents.tsv`: `code, names, note`.
pub fn parse_own_agents(file: &str, bytes: &[u8]) -> (AgentDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = AgentDict {
        file: file.to_string(),
        ..AgentDict::default()
    };
    for (line, raw, f) in rows(&text) {
        if f.len() < 2 || !is_code(f[0]) {
            sink.error(line, "bad-line", "an agent line is `CODE<TAB>names`");
            continue;
        }
        for phrase in phrases(f[1], line, &mut sink) {
            dict.entries.push(AgentEntry {
                phrase,
                plurals: None,
                code: f[0].to_string(),
                position: AgentPosition::Suffix,
                line,
                raw: raw.to_string(),
            });
        }
    }
    (dict, sink.out)
}

/// Reads `discards.tsv`: `scope, phrase, note`.
pub fn parse_own_discards(file: &str, bytes: &[u8]) -> (DiscardDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = DiscardDict {
        file: file.to_string(),
        entries: Vec::new(),
    };
    for (line, raw, f) in rows(&text) {
        let story = match f[0] {
            "sentence" => false,
            "story" => true,
            other => {
                sink.error(
                    line,
                    "bad-scope",
                    format!("scope `{other}` is not `sentence` or `story`"),
                );
                continue;
            }
        };
        for phrase in phrases(f.get(1).copied().unwrap_or(""), line, &mut sink) {
            dict.entries.push(DiscardEntry {
                phrase,
                story,
                line,
                raw: raw.to_string(),
            });
        }
    }
    (dict, sink.out)
}

/// Reads `verbs.tsv`: `code, pattern, note`. Each line becomes a block with one verb (the
/// trigger) and one pattern.
pub fn parse_own_verbs(file: &str, bytes: &[u8]) -> (VerbDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = VerbDict {
        file: file.to_string(),
        syntax: VerbSyntax::Dyad,
        synsets: Vec::new(),
        blocks: Vec::new(),
        transformations: Vec::new(),
    };
    for (line, raw, f) in rows(&text) {
        if f.len() < 2 {
            sink.error(
                line,
                "missing-field",
                "a pattern line is `CODE<TAB>pattern`",
            );
            continue;
        }
        let code = f[0];
        if code != "---"
            && !(code.len() >= 2 && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_digit()))
        {
            sink.error(
                line,
                "bad-code",
                format!("`{code}` is not a CAMEO event code or `---`"),
            );
            continue;
        }
        match parse_own_pattern(f[1]) {
            Ok((trigger, tokens)) => {
                let head = PhraseWord {
                    text: trigger[0].clone(),
                    link: Link::Start,
                };
                let mut words = vec![head];
                words.extend(trigger[1..].iter().map(|w| PhraseWord {
                    text: w.clone(),
                    link: Link::Adjacent,
                }));
                let phrase = Phrase {
                    raw: trigger.join(" "),
                    words,
                    stop: false,
                };
                dict.blocks.push(VerbBlock {
                    name: trigger.join(" "),
                    code: None,
                    verbs: vec![VerbEntry {
                        phrase,
                        head: 0,
                        forms: Vec::new(),
                        code: None,
                        line,
                        raw: raw.to_string(),
                    }],
                    patterns: vec![Pattern {
                        tokens,
                        code: code.to_string(),
                        comment: f.get(2).filter(|s| !s.is_empty()).map(|s| s.to_string()),
                        line,
                        text: f[1].to_string(),
                        raw: raw.to_string(),
                    }],
                    line,
                });
            }
            Err(msg) => sink.error(line, "bad-pattern", msg),
        }
    }
    (dict, sink.out)
}

/// Parses a pattern such as `! [discuss] ceasefire/truce with +`; returns the trigger words
/// and the tokens (the trigger's extra words follow [`TokenKind::Verb`] as adjacent words).
pub fn parse_own_pattern(p: &str) -> Result<(Vec<String>, Vec<PatternToken>), String> {
    let mut tokens = Vec::new();
    let mut trigger: Option<Vec<String>> = None;
    let mut rest = p.trim();
    let mut first = true;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or("a `[` without `]`")?;
            let words: Vec<String> = r[..end].split_whitespace().map(str::to_lowercase).collect();
            if words.is_empty() {
                return Err("an empty trigger `[]`".into());
            }
            if trigger.is_some() {
                return Err("more than one `[trigger]`".into());
            }
            tokens.push(PatternToken {
                kind: TokenKind::Verb,
                link: Link::Gap,
            });
            for w in &words[1..] {
                tokens.push(PatternToken {
                    kind: TokenKind::Word(w.clone()),
                    link: Link::Adjacent,
                });
            }
            trigger = Some(words);
            rest = r[end + 1..].trim_start();
            first = false;
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let item = &rest[..end];
        rest = rest[end..].trim_start();
        let kind = match item {
            "!" if first => TokenKind::Negation,
            "!" => return Err("`!` must come first".into()),
            "+" => TokenKind::Target,
            "$" => TokenKind::Source,
            _ if item.contains('/') => TokenKind::Alternatives(
                item.split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_lowercase)
                    .collect(),
            ),
            _ if item.contains(['[', ']']) => return Err(format!("stray bracket in `{item}`")),
            _ => TokenKind::Word(item.to_lowercase()),
        };
        tokens.push(PatternToken {
            kind,
            link: Link::Gap,
        });
        first = false;
    }
    let trigger = trigger.ok_or("no `[trigger]`")?;
    Ok((trigger, tokens))
}

/// Which own-format file a name is, if any.
pub fn own_kind(path_in_dir: &str) -> Option<crate::DictKind> {
    let n = path_in_dir.replace('\\', "/").to_ascii_lowercase();
    if !n.ends_with(".tsv") {
        return None;
    }
    let name = n.rsplit('/').next().unwrap_or(&n);
    if n.contains("actors/") {
        Some(crate::DictKind::Actors)
    } else if name == "agents.tsv" {
        Some(crate::DictKind::Agents)
    } else if name == "verbs.tsv" {
        Some(crate::DictKind::Verbs)
    } else if name == "discards.tsv" {
        Some(crate::DictKind::Discards)
    } else {
        None
    }
}

fn phrase_text(p: &Phrase) -> String {
    p.words
        .iter()
        .map(|w| w.text.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" ")
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

/// Writes actors in dyad's format (one line per dated code).
pub fn write_actors(dict: &ActorDict) -> String {
    let mut out = format!(
        "# converted from {}\n# code\tnames\tfrom\tuntil\tnote\n",
        dict.file
    );
    for e in &dict.entries {
        let names: Vec<String> = e.names.iter().map(phrase_text).collect();
        let names = names.join(" | ");
        for c in &e.codes {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\tline {}",
                c.code,
                names,
                date_text(c.from),
                date_text(c.until),
                e.line
            );
        }
    }
    out
}

/// Writes agents in dyad's format; prefix agents keep their position in the note.
pub fn write_agents(dict: &AgentDict) -> String {
    let mut out = format!("# converted from {}\n# code\tnames\tnote\n", dict.file);
    for e in &dict.entries {
        let mut names = vec![phrase_text(&e.phrase)];
        if let Some(p) = &e.plurals {
            names.extend(p.iter().map(phrase_text));
        }
        let pos = match e.position {
            AgentPosition::Suffix => "",
            AgentPosition::Prefix => "prefix; ",
        };
        let _ = writeln!(
            out,
            "{}\t{}\t{pos}line {}",
            e.code,
            names.join(" | "),
            e.line
        );
    }
    out
}

/// Writes verb patterns in dyad's format. Synsets are expanded into `a/b` alternatives where
/// every member is one word; other pattern tokens are written as words.
pub fn write_verbs(dict: &VerbDict) -> String {
    let mut out = format!("# converted from {}\n# code\tpattern\tnote\n", dict.file);
    let synsets: HashMap<&str, &crate::verbs::Synset> =
        dict.synsets.iter().map(|s| (s.name.as_str(), s)).collect();
    for b in &dict.blocks {
        for v in &b.verbs {
            let trigger = phrase_text(&v.phrase).to_lowercase();
            let code = v
                .code
                .clone()
                .or_else(|| b.code.clone())
                .unwrap_or_else(|| "---".into());
            if code != "---" && code.bytes().all(|c| c.is_ascii_digit()) {
                let _ = writeln!(out, "{code}\t[{trigger}]\tline {}", v.line);
            }
            for p in &b.patterns {
                let Some(code) = p
                    .code
                    .split(':')
                    .next()
                    .filter(|c| c.bytes().all(|b| b.is_ascii_digit()) && !c.is_empty())
                else {
                    continue;
                };
                let mut items = Vec::new();
                for t in &p.tokens {
                    items.push(match &t.kind {
                        TokenKind::Word(w) => w.to_lowercase(),
                        TokenKind::Alternatives(a) => a.join("/").to_lowercase(),
                        TokenKind::Synset(s) => match synsets.get(s.as_str()) {
                            Some(set) if set.members.iter().all(|m| m.words.len() == 1) => set
                                .members
                                .iter()
                                .map(|m| m.words[0].text.to_lowercase())
                                .collect::<Vec<_>>()
                                .join("/"),
                            _ => format!("&{s}"),
                        },
                        TokenKind::Verb => format!("[{trigger}]"),
                        TokenKind::Source => "$".into(),
                        TokenKind::Target => "+".into(),
                        TokenKind::Negation => "!".into(),
                        _ => continue,
                    });
                }
                if !items.iter().any(|i| i.starts_with('[')) {
                    items.insert(0, format!("[{trigger}]"));
                }
                let _ = writeln!(out, "{code}\t{}\tline {}", items.join(" "), p.line);
            }
        }
    }
    out
}

/// Writes discards in dyad's format.
pub fn write_discards(dict: &DiscardDict) -> String {
    let mut out = format!("# converted from {}\n# scope\tphrase\tnote\n", dict.file);
    for e in &dict.entries {
        let scope = if e.story { "story" } else { "sentence" };
        let _ = writeln!(out, "{scope}\t{}\tline {}", phrase_text(&e.phrase), e.line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let (t, toks) = parse_own_pattern("! [speak] by phone/telephone with +").unwrap();
        assert_eq!(t, vec!["speak"]);
        assert_eq!(toks[0].kind, TokenKind::Negation);
        assert_eq!(toks[1].kind, TokenKind::Verb);
        assert_eq!(
            toks[3].kind,
            TokenKind::Alternatives(vec!["phone".into(), "telephone".into()])
        );
        assert_eq!(toks[5].kind, TokenKind::Target);
        let (t, toks) = parse_own_pattern("[call off] +").unwrap();
        assert_eq!(t, vec!["call", "off"]);
        assert_eq!(toks[1].link, Link::Adjacent);
        assert!(parse_own_pattern("meet with +").is_err());
        assert!(parse_own_pattern("[meet] [greet]").is_err());
        assert!(parse_own_pattern("[meet] !").is_err());
    }

    #[test]
    fn actors_group_by_first_name() {
        let text = "RUSGOV\tSergei Lavrov | Lavrov\t2004-03-09\t\tFM\nDEUGOV\tOlaf Scholz | Scholz\t2021-12-08\t2025-05-06\nDEUELI\tOlaf Scholz | Scholz\t2025-05-07\n# c\nx1\tbad\n";
        let (d, diags) = parse_own_actors("a.tsv", text.as_bytes());
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[1].codes.len(), 2);
        assert_eq!(
            d.entries[1].code_at(Date::new(2022, 1, 1).unwrap()),
            Some("DEUGOV")
        );
        assert_eq!(
            d.entries[1].code_at(Date::new(2026, 1, 1).unwrap()),
            Some("DEUELI")
        );
        assert_eq!(d.entries[1].code_at(Date::new(2020, 1, 1).unwrap()), None);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].code, diags[0].line), ("bad-code", 5));
        let (_, diags) = parse_own_actors("a.tsv", b"RUS\tRussia\t2020-13-01\n");
        assert_eq!(diags[0].code, "bad-date");
    }

    #[test]
    fn partial_dates() {
        assert_eq!(parse_partial_date("2024", true), Date::new(2024, 12, 31));
        assert_eq!(parse_partial_date("2024-02", true), Date::new(2024, 2, 29));
        assert_eq!(parse_partial_date("2024-02", false), Date::new(2024, 2, 1));
        assert_eq!(parse_partial_date("24", false), None);
    }
}
