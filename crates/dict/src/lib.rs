//! Dictionaries for event coding: readers for the TABARI/PETRARCH formats.
//!
//! Input: the bytes of a dictionary file (or a directory of them). Output: a typed model —
//! [`ActorEntry`] with [`DatedCode`]s, [`AgentEntry`], [`VerbBlock`]s of [`VerbEntry`] and
//! [`Pattern`] (both the PETRARCH1/TABARI and the PETRARCH2 CAMEO.2.0 syntax), [`Synset`],
//! [`DiscardEntry`], [`IssueEntry`] — plus line-numbered [`Diagnostic`]s. Parsing never fails:
//! a malformed line becomes a diagnostic and the rest of the file is read. Every entry keeps its
//! line number and raw text, so a coded event can name the entry that fired.
//!
//! The `parse_*` functions are pure over bytes; [`read_dir`] and [`read_path`] are the thin
//! file-reading layer. The formats are described in PETRARCH2's `docs/source/dictionaries.rst`
//! and in the comments at the top of each file.
//!
//! ```
//! use dyad_core::Date;
//! use dyad_dict::parse_actors;
//!
//! let text = b"SERGEY_LAVROV_  # CountryInfo.txt\n+LAVROV\n\t[RUSGOV 19940922-20040712]\n\t[RUSGOV >20040309]\n";
//! let (dict, diagnostics) = parse_actors("demo.actors.txt", text);
//! assert!(diagnostics.is_empty());
//! let lavrov = &dict.entries[0];
//! assert_eq!(lavrov.names[1].text(), "LAVROV");
//! assert_eq!(lavrov.codes[1].from, Date::new(2004, 3, 9));
//! assert_eq!(lavrov.code_at(Date::new(2022, 1, 1).unwrap()), Some("RUSGOV"));
//! ```
#![deny(missing_docs)]

mod actors;
mod agents;
mod diag;
mod discards;
mod issues;
mod own;
mod text;
mod verbs;

use std::fmt;
use std::path::Path;

pub use actors::{code_at, parse_actors, ActorDict, ActorEntry, DatedCode};
pub use agents::{parse_agents, AgentDict, AgentEntry, AgentPosition, Substitution};
pub use diag::{Diagnostic, Severity};
pub use discards::{parse_discards, DiscardDict, DiscardEntry};
pub use issues::{
    parse_issues, Expansion, IssueCategory, IssueDict, IssueEntry, IssueKind, IssueWord,
};
pub use own::{
    own_kind, parse_own_actors, parse_own_agents, parse_own_discards, parse_own_pattern,
    parse_own_verbs, parse_partial_date, write_actors, write_agents, write_discards, write_verbs,
};
pub use text::{Link, Phrase, PhraseWord};
pub use verbs::{
    parse_verbs, Pattern, PatternToken, Synset, TokenKind, Transformation, VerbBlock, VerbDict,
    VerbEntry, VerbSyntax,
};

/// The kind of a dictionary file, recognized by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DictKind {
    /// `*.actors.txt`.
    Actors,
    /// `*agents.txt`.
    Agents,
    /// `*verbs.txt` and `CAMEO.2.0.txt`.
    Verbs,
    /// `*discards.txt`.
    Discards,
    /// `*IssueCoding.txt` and `*.issues.*.txt`.
    Issues,
}

impl DictKind {
    /// Recognizes a file name (not a path), case-insensitively; `None` for other files.
    pub fn of_name(name: &str) -> Option<DictKind> {
        let n = name.to_ascii_lowercase();
        if !n.ends_with(".txt") {
            return None;
        }
        if n.ends_with(".actors.txt") {
            Some(DictKind::Actors)
        } else if n.ends_with("agents.txt") {
            Some(DictKind::Agents)
        } else if n.ends_with("verbs.txt") || n.starts_with("cameo.2.") {
            Some(DictKind::Verbs)
        } else if n.ends_with("discards.txt") {
            Some(DictKind::Discards)
        } else if n.ends_with("issuecoding.txt") || n.contains(".issues.") {
            Some(DictKind::Issues)
        } else {
            None
        }
    }
}

/// Everything read from a set of files, one entry per file in the order read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionaries {
    /// Actor files.
    pub actors: Vec<ActorDict>,
    /// Agent files.
    pub agents: Vec<AgentDict>,
    /// Verb files.
    pub verbs: Vec<VerbDict>,
    /// Discard files.
    pub discards: Vec<DiscardDict>,
    /// Issue files.
    pub issues: Vec<IssueDict>,
}

impl Dictionaries {
    /// Parses `bytes` as `kind` and adds the result; returns the file's diagnostics.
    pub fn add(&mut self, kind: DictKind, file: &str, bytes: &[u8]) -> Vec<Diagnostic> {
        match kind {
            DictKind::Actors => {
                let (d, diags) = parse_actors(file, bytes);
                self.actors.push(d);
                diags
            }
            DictKind::Agents => {
                let (d, diags) = parse_agents(file, bytes);
                self.agents.push(d);
                diags
            }
            DictKind::Verbs => {
                let (d, diags) = parse_verbs(file, bytes);
                self.verbs.push(d);
                diags
            }
            DictKind::Discards => {
                let (d, diags) = parse_discards(file, bytes);
                self.discards.push(d);
                diags
            }
            DictKind::Issues => {
                let (d, diags) = parse_issues(file, bytes);
                self.issues.push(d);
                diags
            }
        }
    }

    /// Counts of what was read.
    pub fn stats(&self) -> Stats {
        let mut s = Stats {
            files: self.actors.len()
                + self.agents.len()
                + self.verbs.len()
                + self.discards.len()
                + self.issues.len(),
            ..Stats::default()
        };
        for a in self.actors.iter().flat_map(|d| &d.entries) {
            s.actors += 1;
            s.actor_names += a.names.len();
            s.actor_codes += a.codes.len();
            s.dated_codes += a.codes.iter().filter(|c| c.is_dated()).count();
        }
        s.agents = self.agents.iter().map(|d| d.entries.len()).sum();
        for v in &self.verbs {
            s.verb_blocks += v.blocks.len();
            s.verbs += v.verbs().count();
            s.patterns += v.patterns().count();
            s.synsets += v.synsets.len();
            s.synset_members += v.synsets.iter().map(|x| x.members.len()).sum::<usize>();
            s.transformations += v.transformations.len();
        }
        s.discards = self.discards.iter().map(|d| d.entries.len()).sum();
        s.issues = self.issues.iter().map(|d| d.entries.len()).sum();
        s
    }
}

/// Counts of entries, for `dyad dict stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Dictionary files read.
    pub files: usize,
    /// Actor records.
    pub actors: usize,
    /// Actor phrases (primary plus synonyms).
    pub actor_names: usize,
    /// Actor codes.
    pub actor_codes: usize,
    /// Actor codes with a date restriction.
    pub dated_codes: usize,
    /// Agent records.
    pub agents: usize,
    /// `---` verb blocks.
    pub verb_blocks: usize,
    /// Verbs.
    pub verbs: usize,
    /// Verb patterns.
    pub patterns: usize,
    /// Synsets.
    pub synsets: usize,
    /// Synset members.
    pub synset_members: usize,
    /// PETRARCH2 transformations.
    pub transformations: usize,
    /// Discard phrases.
    pub discards: usize,
    /// Issue lines (coding and ignore phrases).
    pub issues: usize,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "files:     {}", self.files)?;
        writeln!(
            f,
            "actors:    {} entries, {} names, {} codes ({} dated)",
            self.actors, self.actor_names, self.actor_codes, self.dated_codes
        )?;
        writeln!(f, "agents:    {}", self.agents)?;
        writeln!(
            f,
            "verbs:     {} verbs in {} blocks, {} patterns, {} synsets ({} members), {} transformations",
            self.verbs,
            self.verb_blocks,
            self.patterns,
            self.synsets,
            self.synset_members,
            self.transformations
        )?;
        writeln!(f, "discards:  {}", self.discards)?;
        write!(f, "issues:    {}", self.issues)
    }
}

/// Reads one file, recognizing its kind by name; an unrecognized or unreadable file gives
/// only a diagnostic.
pub fn read_path(dicts: &mut Dictionaries, path: &Path) -> Vec<Diagnostic> {
    let display = path.display().to_string();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let Some(kind) = DictKind::of_name(&name) else {
        return vec![Diagnostic {
            file: display,
            line: 0,
            severity: Severity::Info,
            code: "not-a-dictionary",
            message: "skipped: the name is not *.actors.txt, *agents.txt, *verbs.txt, \
                      CAMEO.2.*.txt, *discards.txt or *IssueCoding.txt"
                .into(),
        }];
    };
    match std::fs::read(path) {
        Ok(bytes) => dicts.add(kind, &display, &bytes),
        Err(e) => vec![Diagnostic {
            file: display,
            line: 0,
            severity: Severity::Error,
            code: "unreadable",
            message: format!("cannot read the file: {e}"),
        }],
    }
}

/// Reads every recognized dictionary file in `dir` (not recursively), in name order.
pub fn read_dir(dir: impl AsRef<Path>) -> (Dictionaries, Vec<Diagnostic>) {
    let dir = dir.as_ref();
    let mut dicts = Dictionaries::default();
    let mut diags = Vec::new();
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(e) => {
            diags.push(Diagnostic {
                file: dir.display().to_string(),
                line: 0,
                severity: Severity::Error,
                code: "unreadable",
                message: format!("cannot read the directory: {e}"),
            });
            return (dicts, diags);
        }
    };
    paths.sort();
    for p in paths {
        diags.extend(read_path(&mut dicts, &p));
    }
    (dicts, diags)
}

impl Dictionaries {
    /// Parses `bytes` as a file of dyad's own format of `kind`; returns its diagnostics.
    pub fn add_own(&mut self, kind: DictKind, file: &str, bytes: &[u8]) -> Vec<Diagnostic> {
        match kind {
            DictKind::Actors => {
                let (d, diags) = parse_own_actors(file, bytes);
                self.actors.push(d);
                diags
            }
            DictKind::Agents => {
                let (d, diags) = parse_own_agents(file, bytes);
                self.agents.push(d);
                diags
            }
            DictKind::Verbs => {
                let (d, diags) = parse_own_verbs(file, bytes);
                self.verbs.push(d);
                diags
            }
            DictKind::Discards => {
                let (d, diags) = parse_own_discards(file, bytes);
                self.discards.push(d);
                diags
            }
            DictKind::Issues => Vec::new(),
        }
    }
}

/// The default dictionaries in `dicts/`, embedded at build time.
pub static BUILTIN: &[(&str, &[u8])] = &[
    (
        "dicts/actors/countries.tsv",
        include_bytes!("../../../dicts/actors/countries.tsv"),
    ),
    (
        "dicts/actors/organisations.tsv",
        include_bytes!("../../../dicts/actors/organisations.tsv"),
    ),
    (
        "dicts/actors/people.tsv",
        include_bytes!("../../../dicts/actors/people.tsv"),
    ),
    (
        "dicts/agents.tsv",
        include_bytes!("../../../dicts/agents.tsv"),
    ),
    (
        "dicts/verbs.tsv",
        include_bytes!("../../../dicts/verbs.tsv"),
    ),
    (
        "dicts/discards.tsv",
        include_bytes!("../../../dicts/discards.tsv"),
    ),
];

/// The built-in dictionaries (dyad's own, from `dicts/`) and their diagnostics.
pub fn builtin() -> (Dictionaries, Vec<Diagnostic>) {
    let mut d = Dictionaries::default();
    let mut diags = Vec::new();
    for (name, bytes) in BUILTIN {
        if let Some(kind) = own_kind(name) {
            diags.extend(d.add_own(kind, name, bytes));
        }
    }
    (d, diags)
}

/// Whether `dir` holds dictionaries in dyad's own format (any `*.tsv` dictionary file or an
/// `actors/` folder) rather than TABARI/PETRARCH files.
pub fn is_own_dir(dir: &Path) -> bool {
    dir.join("actors").is_dir()
        || dir.join("verbs.tsv").is_file()
        || dir.join("agents.tsv").is_file()
}

/// Reads a folder of dictionaries in either format: dyad's own (recursively, `*.tsv`) when
/// [`is_own_dir`] says so, else the TABARI/PETRARCH files of [`read_dir`].
pub fn read_any(dir: impl AsRef<Path>) -> (Dictionaries, Vec<Diagnostic>) {
    let dir = dir.as_ref();
    if !is_own_dir(dir) {
        return read_dir(dir);
    }
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut diags = Vec::new();
    while let Some(d) = stack.pop() {
        match std::fs::read_dir(&d) {
            Ok(rd) => {
                for e in rd.filter_map(Result::ok) {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        files.push(p);
                    }
                }
            }
            Err(e) => diags.push(Diagnostic {
                file: d.display().to_string(),
                line: 0,
                severity: Severity::Error,
                code: "unreadable",
                message: format!("cannot read the directory: {e}"),
            }),
        }
    }
    files.sort();
    let mut dicts = Dictionaries::default();
    for p in files {
        let rel = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(kind) = own_kind(&rel) else { continue };
        match std::fs::read(&p) {
            Ok(bytes) => diags.extend(dicts.add_own(kind, &p.display().to_string(), &bytes)),
            Err(e) => diags.push(Diagnostic {
                file: p.display().to_string(),
                line: 0,
                severity: Severity::Error,
                code: "unreadable",
                message: format!("cannot read the file: {e}"),
            }),
        }
    }
    (dicts, diags)
}
