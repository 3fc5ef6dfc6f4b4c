//! Actor dictionaries (`*.actors.txt`): names, synonyms and date-restricted codes.

use dyad_core::Date;

use crate::diag::{Diagnostic, Sink};
use crate::text::{brackets, decode, lines, Phrase};

/// One code of an actor, possibly limited to a span of time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatedCode {
    /// The CAMEO actor code, e.g. `RUSGOV`; `---` is the null code.
    pub code: String,
    /// First day the code applies (inclusive); `None` when open.
    pub from: Option<Date>,
    /// Last day the code applies (inclusive); `None` when open.
    pub until: Option<Date>,
}

impl DatedCode {
    /// Whether the code carries a date restriction.
    pub fn is_dated(&self) -> bool {
        self.from.is_some() || self.until.is_some()
    }

    /// Whether the code applies on `date` (limits are inclusive, as in PETRARCH).
    pub fn applies(&self, date: Date) -> bool {
        self.from.is_none_or(|f| f <= date) && self.until.is_none_or(|u| date <= u)
    }
}

/// One actor record: a primary phrase, its `+` synonyms and its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorEntry {
    /// The primary phrase first, then the synonyms in file order.
    pub names: Vec<Phrase>,
    /// Codes in file order: those on the primary line, then the tab-indented restrictions.
    pub codes: Vec<DatedCode>,
    /// Line of the primary phrase.
    pub line: u32,
    /// Last line that belongs to the record.
    pub end_line: u32,
    /// The primary line as written.
    pub raw: String,
}

impl ActorEntry {
    /// The code that applies on `date`: the first dated code whose range holds it, else the
    /// first undated (default) code, else `None` (PETRARCH's null code).
    pub fn code_at(&self, date: Date) -> Option<&str> {
        code_at(&self.codes, date)
    }
}

/// Of `codes`, the one that applies on `date`: the first dated code whose range holds it, else
/// the first undated (default) code.
pub fn code_at(codes: &[DatedCode], date: Date) -> Option<&str> {
    codes
        .iter()
        .find(|c| c.is_dated() && c.applies(date))
        .or_else(|| codes.iter().find(|c| !c.is_dated()))
        .map(|c| c.code.as_str())
}

/// The actors of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorDict {
    /// The file name given to the parser.
    pub file: String,
    /// The records in file order.
    pub entries: Vec<ActorEntry>,
}

/// Parses a TABARI/PETRARCH actor dictionary.
///
/// A record is a primary phrase with optional `[CODE]` groups, `+` synonym lines and
/// indented `[CODE restriction]` lines where the restriction is `>DATE`, `<DATE` or
/// `DATE-DATE` with YYYYMMDD or YYMMDD dates (YY up to 30 is 20YY, as in KEDS/TABARI).
/// `[A/B]` gives several codes at once.
pub fn parse_actors(file: &str, bytes: &[u8]) -> (ActorDict, Vec<Diagnostic>) {
    let mut sink = Sink::new(file);
    let text = decode(bytes, &mut sink);
    let mut dict = ActorDict {
        file: file.to_string(),
        entries: Vec::new(),
    };
    for line in lines(&text, true) {
        let content = line.content.as_str();
        let t = content.trim();
        if t.is_empty() {
            continue;
        }
        let n = line.number;
        // PETRARCH wants restrictions on tab-indented lines, but a bare `[CODE]` line can
        // only mean the same thing, so indentation is not required.
        if t.starts_with('[') {
            let Some(entry) = dict.entries.last_mut() else {
                sink.error(
                    n,
                    "orphan-code",
                    "code line before any actor phrase; skipped",
                );
                continue;
            };
            entry.end_line = n;
            let b = brackets(t);
            codes_from(&b.groups, n, &mut entry.codes, &mut sink);
            check_brackets(&b, n, &mut sink);
        } else if let Some(syn) = t.strip_prefix('+') {
            let Some(entry) = dict.entries.last_mut() else {
                sink.error(
                    n,
                    "orphan-synonym",
                    "synonym line before any actor phrase; skipped",
                );
                continue;
            };
            entry.end_line = n;
            let b = brackets(syn);
            match Phrase::parse(b.head) {
                Some(p) => entry.names.push(p),
                None => sink.error(n, "empty-phrase", "`+` with no phrase after it; skipped"),
            }
            codes_from(&b.groups, n, &mut entry.codes, &mut sink);
            check_brackets(&b, n, &mut sink);
        } else {
            let b = brackets(t);
            let Some(p) = Phrase::parse(b.head) else {
                sink.error(n, "empty-phrase", "line has no actor phrase; skipped");
                continue;
            };
            let mut codes = Vec::new();
            codes_from(&b.groups, n, &mut codes, &mut sink);
            check_brackets(&b, n, &mut sink);
            dict.entries.push(ActorEntry {
                names: vec![p],
                codes,
                line: n,
                end_line: n,
                raw: line.raw.to_string(),
            });
        }
    }
    (dict, sink.out)
}

fn check_brackets(b: &crate::text::Brackets<'_>, n: u32, sink: &mut Sink<'_>) {
    if b.unclosed {
        sink.warn(
            n,
            "unclosed-bracket",
            "`[` without `]`; read to the end of the line",
        );
    }
    if b.brace_closed {
        sink.warn(n, "brace-closes-bracket", "`[` closed by `}`; write `]`");
    }
    if !b.trailing.is_empty() {
        sink.warn(
            n,
            "trailing-text",
            format!("text after the codes ignored: `{}`", b.trailing),
        );
    }
}

fn codes_from(groups: &[&str], n: u32, out: &mut Vec<DatedCode>, sink: &mut Sink<'_>) {
    for g in groups {
        match parse_code(g) {
            Ok(codes) => out.extend(codes),
            Err(msg) => sink.error(n, "bad-code", format!("`[{g}]`: {msg}; code skipped")),
        }
    }
}

/// Parses the inside of one `[...]` group.
fn parse_code(g: &str) -> Result<Vec<DatedCode>, String> {
    let g = g.trim();
    let (code, restriction) = match g.find(char::is_whitespace) {
        Some(i) => (&g[..i], g[i..].trim()),
        None => (g, ""),
    };
    if code.is_empty() {
        return Err("no code".into());
    }
    // Codes may hold digits (`NGOCHRPRO214`), but a leading digit or an inner `-` means a
    // date was written without its code or without the space before it.
    if code.starts_with(|c: char| c.is_ascii_digit())
        || (code.contains('-') && code.bytes().any(|b| b != b'-'))
    {
        return Err("code and date run together: write `[CODE DATE-DATE]`".into());
    }
    let (from, until) = if restriction.is_empty() {
        (None, None)
    } else if let Some(d) = restriction.strip_prefix('>') {
        (Some(parse_date(d.trim())?), None)
    } else if let Some(d) = restriction.strip_prefix('<') {
        (None, Some(parse_date(d.trim())?))
    } else if let Some((a, b)) = restriction.split_once('-') {
        let (f, u) = (parse_date(a.trim())?, parse_date(b.trim())?);
        if u < f {
            return Err(format!("range ends ({u}) before it starts ({f})"));
        }
        (Some(f), Some(u))
    } else {
        return Err(format!(
            "restriction `{restriction}` is not `>DATE`, `<DATE` or `DATE-DATE`"
        ));
    };
    Ok(code
        .split('/')
        .filter(|c| !c.is_empty())
        .map(|c| DatedCode {
            code: c.to_string(),
            from,
            until,
        })
        .collect())
}

/// Parses YYYYMMDD or YYMMDD (YY 00–30 is 20YY, else 19YY, as KEDS and TABARI did).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("date `{s}` is not all digits"));
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let d = match s.len() {
        8 => Date::new(n(0..4) as i32, n(4..6), n(6..8)),
        6 => {
            let yy = n(0..2) as i32;
            let year = if yy <= 30 { 2000 + yy } else { 1900 + yy };
            Date::new(year, n(2..4), n(4..6))
        }
        _ => return Err(format!("date `{s}` is neither YYYYMMDD nor YYMMDD")),
    };
    d.ok_or_else(|| format!("date `{s}` is not a calendar day"))
}
