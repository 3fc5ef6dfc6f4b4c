//! `dyad validate`: the PETRARCH unit-test suite (`PETR.UnitTest.records.xml`) as a
//! conformance check. The file names its dictionaries in `<Environment>`; `<Config>` elements
//! change options in document order; each `<Sentence>` is coded and compared with its
//! `<EventCoding>` lines (events, `noevents`, and `error` records: discards, unreadable
//! parses, datelines).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use dyad_coder::{Config, Lexicon};
use dyad_core::{Article, Date, Doc};
use quick_xml::events::{BytesStart, Event as XmlEvent};
use quick_xml::Reader;

use crate::coding::{code_doc, Parses};
use crate::pipeline::Annotator;

/// What one `<EventCoding>` line expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// An event `(source, target, code)`; `---` for a missing actor.
    Event(String, String, String),
    /// `noevents="True"`.
    NoEvents,
    /// `error="..."`.
    Error(String),
}

/// One `<Sentence>` record.
#[derive(Debug, Clone)]
pub struct Record {
    /// `id` attribute.
    pub id: String,
    /// `category` attribute.
    pub category: String,
    /// `date` attribute.
    pub date: Option<Date>,
    /// The text, whitespace collapsed.
    pub text: String,
    /// The Penn parse.
    pub parse: String,
    /// The expected codings.
    pub expected: Vec<Expected>,
}

/// An item of the file in document order.
#[derive(Debug, Clone)]
pub enum Item {
    /// `<Config option=… value=…>`.
    Config(String, String),
    /// A record.
    Record(Record),
}

/// The parsed file: dictionary names from `<Environment>` and the items.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    /// Dictionary file names, relative to the file's folder.
    pub dictionaries: Vec<String>,
    /// Configs and records in order.
    pub items: Vec<Item>,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.trim().to_string())
}

/// Reads a validation file.
pub fn read_suite(bytes: &[u8]) -> anyhow::Result<Suite> {
    let mut r = Reader::from_reader(bytes);
    let mut suite = Suite::default();
    let mut buf = Vec::new();
    let mut current: Option<Record> = None;
    let mut field: Option<String> = None;
    let mut text = String::new();
    loop {
        let ev = r
            .read_event_into(&mut buf)
            .with_context(|| format!("malformed XML near byte {}", r.buffer_position()))?;
        match ev {
            XmlEvent::Eof => break,
            XmlEvent::Start(e) | XmlEvent::Empty(e) => {
                let name = e.name().as_ref().to_string();
                match name.as_str() {
                    "Config" => suite.items.push(Item::Config(
                        attr(&e, "option").unwrap_or_default(),
                        attr(&e, "value").unwrap_or_default(),
                    )),
                    "Sentence" => {
                        current = Some(Record {
                            id: attr(&e, "id").unwrap_or_default(),
                            category: attr(&e, "category").unwrap_or_default(),
                            date: attr(&e, "date").and_then(|d| Date::parse_compact(&d)),
                            text: String::new(),
                            parse: String::new(),
                            expected: Vec::new(),
                        })
                    }
                    "EventCoding" => {
                        if let Some(rec) = current.as_mut() {
                            let exp = if let Some(err) = attr(&e, "error") {
                                Expected::Error(err)
                            } else if attr(&e, "noevents")
                                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                            {
                                Expected::NoEvents
                            } else {
                                let get = |k| attr(&e, k).unwrap_or_else(|| "---".into());
                                Expected::Event(
                                    get("sourcecode"),
                                    get("targetcode"),
                                    get("eventcode"),
                                )
                            };
                            rec.expected.push(exp);
                        }
                    }
                    "Text" | "Parse" | "Verbfile" | "Actorfile" | "Agentfile" | "Discardfile" => {
                        field = Some(name);
                        text.clear();
                    }
                    _ => {}
                }
            }
            XmlEvent::Text(t) if field.is_some() => {
                text.push_str(&t.xml10_content());
            }
            XmlEvent::GeneralRef(g) if field.is_some() => {
                let name: &str = &g;
                let s = match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                text.push_str(s);
            }
            XmlEvent::End(e) => {
                let name = e.name().as_ref().to_string();
                if field.as_deref() == Some(name.as_str()) {
                    field = None;
                    let value = text.trim().to_string();
                    match name.as_str() {
                        "Text" => {
                            if let Some(rec) = current.as_mut() {
                                rec.text = value.split_whitespace().collect::<Vec<_>>().join(" ");
                            }
                        }
                        "Parse" => {
                            if let Some(rec) = current.as_mut() {
                                rec.parse = value;
                            }
                        }
                        _ => suite.dictionaries.push(value),
                    }
                } else if name == "Sentence" {
                    if let Some(rec) = current.take() {
                        suite.items.push(Item::Record(rec));
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(suite)
}

/// A dateline such as `CEBU CITY: --` or `LONDON --` opening the text (PETRARCH's
/// irregular-record check): such records are reported, not coded.
fn is_dateline(text: &str) -> bool {
    let head: &str = text.split([':']).next().unwrap_or("");
    let has_sep = text.contains(':') && head.len() < 40
        || text.contains(" -- ") && text.find(" -- ").is_some_and(|i| i < 40);
    let caps = head
        .split_whitespace()
        .take(4)
        .all(|w| w.chars().all(|c| !c.is_lowercase()));
    has_sep && caps && head.chars().any(char::is_alphabetic) && head.split_whitespace().count() <= 4
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// One line per failing record.
    pub failures: Vec<String>,
    /// Records fully correct.
    pub records_ok: usize,
    /// Records.
    pub records: usize,
    /// Codings matched.
    pub codings_ok: usize,
    /// Codings expected.
    pub codings: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for l in &self.failures {
            writeln!(f, "{l}")?;
        }
        write!(
            f,
            "validate: {}/{} records correct ({}/{} codings)",
            self.records_ok, self.records, self.codings_ok, self.codings
        )
    }
}

fn norm_actor(code: Option<&str>) -> String {
    match code {
        None => "---".into(),
        Some(c) => {
            // An agent without a country is written `---GOV` by PETRARCH.
            let roles = [
                "GOV", "MIL", "REB", "OPP", "COP", "JUD", "LEG", "BUS", "MED", "EDU", "CVL", "REF",
                "LAB", "HLH", "CRM", "SPY", "ELI", "REL", "AGR", "ENV", "HRI", "IGO", "NGO", "MOP",
                "UAF", "CIV", "SEP",
            ];
            if roles.iter().any(|r| c.starts_with(r))
                && !c.starts_with("IGO")
                && !c.starts_with("NGO")
            {
                format!("---{c}")
            } else {
                c.to_string()
            }
        }
    }
}

/// Runs the suite in `path` with dictionaries from its folder.
pub fn run(path: &Path, parses: Parses, show: Option<&str>) -> anyhow::Result<Report> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let suite = read_suite(&bytes).with_context(|| format!("reading {}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut dicts = dyad_dict::Dictionaries::default();
    for name in &suite.dictionaries {
        let p = dir.join(name);
        if dyad_dict::DictKind::of_name(name).is_some() {
            anyhow::ensure!(
                p.is_file(),
                "the suite names {name}, which is not in {}",
                dir.display()
            );
            dyad_dict::read_path(&mut dicts, &p);
        }
    }
    let lex = Lexicon::compile(&dicts);
    let annotator = Annotator::new();
    let mut config = Config {
        require_dyad: true,
        require_source: true,
    };
    let mut report = Report::default();
    for item in &suite.items {
        let rec = match item {
            Item::Config(opt, value) => {
                if opt == "require_dyad" {
                    config.require_dyad = value.eq_ignore_ascii_case("true");
                }
                continue;
            }
            Item::Record(r) => r,
        };
        report.records += 1;
        report.codings += rec.expected.len();
        let (got, error) = code_record(
            rec,
            &lex,
            config,
            parses,
            &annotator,
            show == Some(rec.id.as_str()),
        );
        let mut ok = true;
        let mut matched = 0;
        let want: BTreeSet<(String, String, String)> = rec
            .expected
            .iter()
            .filter_map(|e| match e {
                Expected::Event(s, t, c) => Some((s.clone(), t.clone(), c.clone())),
                _ => None,
            })
            .collect();
        for e in &rec.expected {
            let hit = match e {
                Expected::Event(s, t, c) => got.contains(&(s.clone(), t.clone(), c.clone())),
                Expected::NoEvents => got.is_empty() && error.is_none(),
                Expected::Error(kind) => error.as_deref() == Some(kind.as_str()),
            };
            if hit {
                matched += 1;
            } else {
                ok = false;
            }
        }
        if got.iter().any(|g| !want.contains(g)) {
            ok = false;
        }
        if rec
            .expected
            .iter()
            .any(|e| matches!(e, Expected::Event(..)))
            && error.is_some()
        {
            ok = false;
        }
        report.codings_ok += matched;
        if ok {
            report.records_ok += 1;
        } else {
            let exp: Vec<String> = rec
                .expected
                .iter()
                .map(|e| match e {
                    Expected::Event(s, t, c) => format!("{s} {c} {t}"),
                    Expected::NoEvents => "noevents".into(),
                    Expected::Error(k) => format!("error={k}"),
                })
                .collect();
            let mut g: Vec<String> = got.iter().map(|(s, t, c)| format!("{s} {c} {t}")).collect();
            if let Some(e) = &error {
                g.push(format!("error={e}"));
            }
            let mut line = String::new();
            let _ = write!(
                line,
                "FAIL {} ({}): expected [{}] got [{}]",
                rec.id,
                rec.category,
                exp.join("; "),
                g.join("; ")
            );
            report.failures.push(line);
        }
    }
    Ok(report)
}

type Triples = BTreeSet<(String, String, String)>;

fn code_record(
    rec: &Record,
    lex: &Lexicon,
    config: Config,
    parses: Parses,
    annotator: &Annotator,
    show: bool,
) -> (Triples, Option<String>) {
    let mut got = Triples::new();
    // A record whose supplied parse is unreadable is malformed input, whichever parses are
    // coded (the suite expects `bad_input_parse` for it).
    if !rec.parse.trim().is_empty() && dyad_coder::penn::parse_tree(&rec.parse).is_err() {
        return (got, Some("bad_input_parse".into()));
    }
    if is_dateline(&rec.text) {
        return (got, Some("dateline".into()));
    }
    let mut article = Article::new(rec.id.clone(), rec.text.clone());
    article.parse = Some(rec.parse.clone());
    let mut doc = Doc::new(article);
    if parses == Parses::Own {
        annotator.annotate(&mut doc);
    }
    let date = rec
        .date
        .unwrap_or(Date::new(2000, 1, 1).expect("a valid date"));
    let codings = match code_doc(&doc, lex, config, parses, date) {
        Ok(c) => c,
        Err(_) => return (got, Some("bad_input_parse".into())),
    };
    if show {
        eprintln!("{}", crate::coding::explain(&doc, lex, &codings, date));
    }
    let mut error = None;
    for sc in &codings {
        if let Some(d) = &sc.coded.discard {
            error = Some(
                if d.story {
                    "storydiscard"
                } else {
                    "sentencediscard"
                }
                .to_string(),
            );
        }
        for e in &sc.coded.events {
            got.insert((
                norm_actor(e.source.as_ref().map(|a| a.code.as_str())),
                norm_actor(e.target.as_ref().map(|a| a.code.as_str())),
                e.code.clone(),
            ));
        }
    }
    (got, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        assert!(is_dateline(
            "CEBU CITY: -- Cordova Mayor Adelino Sitoy filed a suit."
        ));
        assert!(!is_dateline(
            "Arnor is about to restore full diplomatic ties with Gondor."
        ));
        assert!(!is_dateline("Arnor said: we will come."));
    }

    #[test]
    fn suite_reader() {
        let xml = br#"<Validation><Environment><Verbfile>v.verbs.txt</Verbfile></Environment>
<Sentences><Config option="require_dyad" value="false"></Config>
<Sentence date="19950101" id="A-1" category="DEMO"><EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding><EventCoding noevents = "True"/>
<Text>
Arnor  met
Gondor.
</Text><Parse>(ROOT (S (NP (NNP Arnor))))</Parse></Sentence></Sentences></Validation>"#;
        let s = read_suite(xml).unwrap();
        assert_eq!(s.dictionaries, vec!["v.verbs.txt"]);
        assert!(matches!(&s.items[0], Item::Config(o, v) if o == "require_dyad" && v == "false"));
        let Item::Record(r) = &s.items[1] else {
            panic!()
        };
        assert_eq!(r.text, "Arnor met Gondor.");
        assert_eq!(
            r.expected[0],
            Expected::Event("ARN".into(), "GON".into(), "064".into())
        );
        assert_eq!(r.expected[1], Expected::NoEvents);
        assert_eq!(r.date, Date::new(1995, 1, 1));
    }
}
