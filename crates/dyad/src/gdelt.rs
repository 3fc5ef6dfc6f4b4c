//! GDELT 2.0 tables from dyad's records: Events (61 columns), Mentions (16) and GKG 2.1 (27),
//! in GDELT's column order and field formats, written by `dyad code … --out DIR` from the run's
//! `events.jsonl` and `gkg.jsonl` as `events.tsv`, `mentions.tsv`, `gkg.tsv` and/or as Parquet
//! (see [`crate::tables`]).
//!
//! Actor1Geo and Actor2Geo are each actor's place (see [`crate::geo::actor_place`]), ActionGeo
//! the event's.
//!
//! The same event — same source, target, code and day — reported in several sentences or
//! articles of a run is one Events row with a Mentions row per report: `NumMentions` counts the
//! reports, `NumArticles` the distinct articles, `NumSources` the distinct sources (the
//! article's source, else its URL's host, else its id); `IsRootEvent` is 1 when one report is
//! in its article's first sentence; `AvgTone` is the mean tone of the articles of its
//! mentions (see [`crate::tone`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context as _;
use dyad_core::cameo::{self, ActorKind};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;

use crate::tables::{self, Formats, TableWriter};

/// No tab, newline or GDELT delimiter inside a field.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            _ => c,
        })
        .collect()
}

/// A field of a delimited list: GDELT's delimiters (`#`, `;`, `,`, `|`) replaced.
fn part(s: &str) -> String {
    clean(s)
        .chars()
        .map(|c| {
            if matches!(c, '#' | ';' | ',' | '|') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or("")
}

/// An actor code's GDELT parts: country, known group, types.
fn actor_parts(code: &str) -> (String, String, [String; 3]) {
    let mut country = String::new();
    let mut group = String::new();
    let mut types: Vec<String> = Vec::new();
    for k in (0..code.len()).step_by(3) {
        let Some(c) = code.get(k..k + 3) else { break };
        match cameo::actor(c).map(|a| a.kind) {
            Some(ActorKind::Country) if country.is_empty() && k == 0 => country = c.to_string(),
            Some(ActorKind::Role) => types.push(c.to_string()),
            Some(_) if group.is_empty() && k > 0 => group = c.to_string(),
            _ => {}
        }
    }
    let t = |i: usize| types.get(i).cloned().unwrap_or_default();
    (country, group, [t(0), t(1), t(2)])
}

fn actor_fields(code: &str, text: &str) -> Vec<String> {
    let (country, group, types) = actor_parts(code);
    let mut v = vec![
        code.to_string(),
        clean(text).to_uppercase(),
        country,
        group,
        String::new(),
        String::new(),
        String::new(),
    ];
    v.extend(types);
    v
}

fn geo_fields(p: Option<&PlaceLine>) -> Vec<String> {
    let Some(p) = p else {
        return vec![
            "0".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
    };
    vec![
        p.kind.to_string(),
        clean(&p.name),
        p.fips.clone().unwrap_or_default(),
        p.adm1.clone(),
        String::new(),
        format!("{}", p.lat),
        format!("{}", p.lon),
        clean(&p.feature_id),
    ]
}

/// The fields of an `events.jsonl` record the tables use.
#[derive(Debug, Deserialize)]
struct EventLine {
    #[serde(default)]
    error: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    article: String,
    #[serde(default)]
    sentence: u64,
    #[serde(default)]
    date: String,
    #[serde(default)]
    cameo: String,
    #[serde(default)]
    source: Option<ActorLine>,
    #[serde(default)]
    target: Option<ActorLine>,
    #[serde(default)]
    place: Option<PlaceLine>,
    #[serde(default)]
    provenance: ProvenanceLine,
}

#[derive(Debug, Deserialize)]
struct ActorLine {
    code: String,
    #[serde(default)]
    text: String,
    span: [u64; 2],
    #[serde(default)]
    place: Option<PlaceLine>,
}

/// A place as [`crate::geo::place_json`] writes it.
#[derive(Debug, Deserialize)]
struct PlaceLine {
    #[serde(rename = "type")]
    kind: u8,
    name: String,
    #[serde(default)]
    fips: Option<String>,
    #[serde(default)]
    adm1: String,
    lat: f64,
    lon: f64,
    #[serde(default)]
    feature_id: String,
}

#[derive(Debug, Default, Deserialize)]
struct ProvenanceLine {
    #[serde(default)]
    verb: VerbLine,
    #[serde(default)]
    rule: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct VerbLine {
    #[serde(default)]
    span: Option<[u64; 2]>,
}

/// One report of an event: a Mentions row.
struct Report {
    article: String,
    sentence: u64,
    /// `YYYYMMDD`.
    date: String,
    /// Actor1, Actor2 and action offsets.
    offsets: [Option<u64>; 3],
    /// Coded by a rule rather than a dictionary pattern.
    rule: bool,
}

/// An Events row: its first report's actor fields (10 actor fields then 8 geo fields each),
/// its ActionGeo, and every report.
struct Group {
    actor1: Vec<String>,
    actor2: Vec<String>,
    action_geo: Vec<String>,
    date: String,
    code: String,
    reports: Vec<Report>,
}

/// The date of an event record as `YYYYMMDD`.
fn compact(date: &str) -> String {
    date.chars().filter(char::is_ascii_digit).collect()
}

/// GDELT's FractionDate: the year plus (month × 30 + day) / 365, as its codebook defines it.
fn fraction_date(date: &str) -> String {
    let Some(d) = dyad_core::Date::parse_iso(date) else {
        return String::new();
    };
    let part = (f64::from(d.month()) * 30.0 + f64::from(d.day())) / 365.0;
    format!("{:.4}", f64::from(d.year()) + part)
}

/// GDELT's V2Tone from a GKG record's `tone`.
fn tone_field(t: &Value) -> String {
    let f = |k: &str| format!("{:.4}", t[k].as_f64().unwrap_or(0.0));
    format!(
        "{},{},{},{},{},{},{}",
        f("tone"),
        f("positive"),
        f("negative"),
        f("polarity"),
        f("activity"),
        f("self_group"),
        t["words"].as_u64().unwrap_or(0)
    )
}

/// What the tables take from an article: GDELT's source name and document identifier, its
/// length and its tone.
struct Article {
    source: String,
    url: String,
    len: usize,
    tone: f64,
}

impl Article {
    /// The article `id` from its GKG record's `source`, `url`, `length` and tone: the source
    /// name is the source, else the URL's host, else the id; the identifier the URL, else the id.
    fn new(id: &str, source: String, url: String, len: usize, tone: f64) -> Article {
        let host = url
            .split("://")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .unwrap_or("")
            .to_string();
        Article {
            source: if !source.is_empty() {
                source
            } else if !host.is_empty() {
                host
            } else {
                id.to_string()
            },
            url: if url.is_empty() { id.to_string() } else { url },
            len,
            tone,
        }
    }
}

type GroupKey = (String, String, String, String);

impl EventLine {
    /// The key events are grouped by: source, target, code and day.
    fn key(&self) -> GroupKey {
        let actor_code =
            |a: &Option<ActorLine>| a.as_ref().map_or(String::new(), |a| a.code.clone());
        (
            actor_code(&self.source),
            actor_code(&self.target),
            self.cameo.clone(),
            self.date.clone(),
        )
    }

    /// The record as one report of its event.
    fn report(&self) -> Report {
        Report {
            article: self.article.clone(),
            sentence: self.sentence,
            date: compact(&self.date),
            offsets: [
                self.source.as_ref().map(|a| a.span[0]),
                self.target.as_ref().map(|a| a.span[0]),
                self.provenance.verb.span.map(|s| s[0]),
            ],
            rule: self.provenance.rule.is_some(),
        }
    }

    /// The Events row of which the record is the first report.
    fn into_group(self) -> Group {
        let actor = |a: &Option<ActorLine>| match a {
            Some(a) => {
                let mut f = actor_fields(&a.code, &a.text);
                f.extend(geo_fields(a.place.as_ref()));
                f
            }
            None => {
                let mut f = vec![String::new(); 10];
                f.extend(geo_fields(None));
                f
            }
        };
        let report = self.report();
        Group {
            actor1: actor(&self.source),
            actor2: actor(&self.target),
            action_geo: geo_fields(self.place.as_ref()),
            date: self.date,
            code: self.cameo,
            reports: vec![report],
        }
    }
}

/// The Events row of a group of reports; `global_id` empty for none.
fn events_row(global_id: String, g: &Group, art: &dyn Fn(&str) -> Article) -> Vec<String> {
    let reports = &g.reports;
    let first = &reports[0];
    let date = g.date.as_str();
    let code = g.code.as_str();
    let info = cameo::event(code);
    let ids: std::collections::BTreeSet<&str> =
        reports.iter().map(|r| r.article.as_str()).collect();
    let sources: std::collections::BTreeSet<String> = ids.iter().map(|a| art(a).source).collect();
    let root = reports.iter().any(|r| r.sentence == 0);
    let mut row: Vec<String> = vec![
        global_id,
        compact(date),
        compact(date).get(..6).unwrap_or("").to_string(),
        compact(date).get(..4).unwrap_or("").to_string(),
        fraction_date(date),
    ];
    row.extend_from_slice(&g.actor1[..10]);
    row.extend_from_slice(&g.actor2[..10]);
    row.extend([
        u8::from(root).to_string(),
        code.to_string(),
        code.get(..3).unwrap_or(code).to_string(),
        code.get(..2).unwrap_or(code).to_string(),
        info.map_or(String::new(), |i| i.quad_class.number().to_string()),
        info.map_or(String::new(), |i| format!("{:.1}", i.goldstein)),
        reports.len().to_string(),
        sources.len().to_string(),
        ids.len().to_string(),
        format!(
            "{:.4}",
            reports.iter().map(|r| art(&r.article).tone).sum::<f64>() / reports.len() as f64
        ),
    ]);
    row.extend_from_slice(&g.actor1[10..]);
    row.extend_from_slice(&g.actor2[10..]);
    row.extend_from_slice(&g.action_geo);
    row.push(format!("{}000000", compact(date)));
    row.push(clean(&art(&first.article).url));
    row
}

/// The facts of one article that its events' rows carry: what its GKG record gives the
/// tables (`source`, `url`, `length` and the tone as that record rounds it).
#[derive(Debug, Clone, Default)]
pub struct ArticleFacts {
    /// The article's source name, if given.
    pub source: Option<String>,
    /// Its URL, if given.
    pub url: Option<String>,
    /// Its text's length in bytes.
    pub len: usize,
    /// Its tone, rounded to 4 decimals as the GKG record writes it.
    pub tone: f64,
}

/// The Events row (61 fields, GDELT's formats) of one event record reported once, in the
/// article `facts` describes: the row `dyad code --out` writes for an event no other sentence
/// or article of the run reports, without its GLOBALEVENTID (an empty field), which numbers
/// the events of a whole run.
pub fn single_event_row(record: &Value, facts: &ArticleFacts) -> anyhow::Result<Vec<String>> {
    let r = EventLine::deserialize(record).context("not an event record")?;
    anyhow::ensure!(r.error.is_none(), "an error record, not an event");
    let group = r.into_group();
    let id = group.reports[0].article.clone();
    let art = |_: &str| {
        Article::new(
            &id,
            facts.source.clone().unwrap_or_default(),
            facts.url.clone().unwrap_or_default(),
            facts.len,
            facts.tone,
        )
    };
    Ok(events_row(String::new(), &group, &art))
}

/// Writes `events.tsv`, `mentions.tsv` and `gkg.tsv` in `dir` from `dir/events.jsonl` and
/// `dir/gkg.jsonl`; returns the numbers of Events, Mentions and GKG rows.
pub fn write_tables(dir: &Path, formats: Formats) -> anyhow::Result<(usize, usize, usize)> {
    let open = |name: &str| -> anyhow::Result<BufReader<std::fs::File>> {
        let p = dir.join(name);
        Ok(BufReader::new(
            std::fs::File::open(&p).with_context(|| format!("opening {}", p.display()))?,
        ))
    };
    // Each article's source, URL and length, from its GKG record.
    let mut articles: BTreeMap<String, (String, String, usize, f64)> = BTreeMap::new();
    for line in open("gkg.jsonl")?.lines() {
        let v: Value = serde_json::from_str(&line?).context("gkg.jsonl: not JSON")?;
        articles.insert(
            str_of(&v, "article").to_string(),
            (
                str_of(&v, "source").to_string(),
                str_of(&v, "url").to_string(),
                v["length"].as_u64().unwrap_or(0) as usize,
                v["tone"]["tone"].as_f64().unwrap_or(0.0),
            ),
        );
    }
    let art = |id: &str| -> Article {
        let (source, url, len, tone) = articles.get(id).cloned().unwrap_or_default();
        Article::new(id, source, url, len, tone)
    };
    // Events grouped by (source, target, code, day), in order of first report. A group keeps
    // its first report's fields as GDELT writes them and a few numbers per report, not the
    // records: memory grows with the events, not with the bytes of their records.
    let mut order: Vec<GroupKey> = Vec::new();
    let mut groups: FxHashMap<GroupKey, Group> = FxHashMap::default();
    for (n, line) in open("events.jsonl")?.lines().enumerate() {
        let line = line?;
        let r: EventLine = serde_json::from_str(&line)
            .with_context(|| format!("events.jsonl line {}: not an event record", n + 1))?;
        if r.error.is_some() {
            continue;
        }
        let key = r.key();
        match groups.get_mut(&key) {
            Some(g) => g.reports.push(r.report()),
            None => {
                order.push(key.clone());
                groups.insert(key, r.into_group());
            }
        }
    }
    let mut events = TableWriter::create(dir, tables::EVENTS, formats)?;
    let mut mentions = TableWriter::create(dir, tables::MENTIONS, formats)?;
    for (id, key) in order.iter().enumerate() {
        let g = &groups[key];
        let reports = &g.reports;
        let global_id = id + 1;
        let added = format!("{}000000", compact(&g.date));
        events.row(events_row(global_id.to_string(), g, &art))?;
        for r in reports {
            let a = art(&r.article);
            let offset = |x: Option<u64>| x.map_or(String::new(), |o| o.to_string());
            let m = [
                global_id.to_string(),
                added.clone(),
                format!("{}000000", r.date),
                "1".into(),
                clean(&a.source),
                clean(&a.url),
                (r.sentence + 1).to_string(),
                offset(r.offsets[0]),
                offset(r.offsets[1]),
                offset(r.offsets[2]),
                "1".into(),
                if r.rule { "50" } else { "100" }.into(),
                a.len.to_string(),
                format!("{:.4}", a.tone),
                String::new(),
                String::new(),
            ];
            mentions.row(m.into())?;
        }
    }
    let n_events = events.finish()?;
    let n_mentions = mentions.finish()?;
    let mut gkg = TableWriter::create(dir, tables::GKG, formats)?;
    for (k, line) in open("gkg.jsonl")?.lines().enumerate() {
        let v: Value = serde_json::from_str(&line?).context("gkg.jsonl: not JSON")?;
        let id = str_of(&v, "article");
        let a = art(id);
        let date = compact(str_of(&v, "date"));
        let list = |key: &str| v[key].as_array().cloned().unwrap_or_default();
        let places: Vec<Value> = list("places")
            .into_iter()
            .filter(|p| p["demonym"] != Value::Bool(true))
            .collect();
        let loc = |p: &Value, v2: bool| {
            let place = PlaceLine::deserialize(p).ok();
            let f = geo_fields(place.as_ref());
            let mut parts = vec![f[0].clone(), part(&f[1]), f[2].clone(), f[3].clone()];
            if v2 {
                parts.push(String::new());
            }
            parts.extend([f[5].clone(), f[6].clone(), part(&f[7])]);
            if v2 {
                parts.push(p["span"][0].as_u64().unwrap_or(0).to_string());
            }
            parts.join("#")
        };
        let mut seen = std::collections::BTreeSet::new();
        let locations: Vec<String> = places
            .iter()
            .map(|p| loc(p, false))
            .filter(|l| seen.insert(l.clone()))
            .collect();
        let v2_locations: Vec<String> = places.iter().map(|p| loc(p, true)).collect();
        let count = |c: &Value, v2: bool| {
            let mut s = format!(
                "{}#{}#{}#0######",
                part(str_of(c, "type")),
                c["number"].as_u64().unwrap_or(0),
                part(str_of(c, "object"))
            );
            if v2 {
                let _ = write!(s, "#{}", c["span"][0].as_u64().unwrap_or(0));
            }
            s
        };
        let names = |key: &str, v2: bool| -> String {
            let mut seen = std::collections::BTreeSet::new();
            list(key)
                .iter()
                .filter_map(|n| {
                    let t = part(str_of(n, "text"));
                    if v2 {
                        Some(format!("{t},{}", n["span"][0].as_u64().unwrap_or(0)))
                    } else {
                        seen.insert(t.clone()).then_some(t)
                    }
                })
                .collect::<Vec<_>>()
                .join(";")
        };
        let dates: Vec<String> = list("dates")
            .iter()
            .filter(|d| str_of(d, "type") == "DATE")
            .filter_map(|d| {
                let value = str_of(d, "value");
                let off = d["span"][0].as_u64().unwrap_or(0);
                let b = value.as_bytes();
                let ok = |i: usize, j: usize| {
                    value
                        .get(i..j)
                        .filter(|x| x.bytes().all(|c| c.is_ascii_digit()))
                };
                match b.len() {
                    10 => Some(format!(
                        "4#{}#{}#{}#{off}",
                        ok(5, 7)?,
                        ok(8, 10)?,
                        ok(0, 4)?
                    )),
                    7 => Some(format!("3#{}#0#{}#{off}", ok(5, 7)?, ok(0, 4)?)),
                    4 => Some(format!("1#0#0#{}#{off}", ok(0, 4)?)),
                    _ => None,
                }
            })
            .collect();
        let quotes: Vec<String> = list("quotes")
            .iter()
            .filter(|q| q["direct"] == Value::Bool(true))
            .map(|q| {
                let s = q["span"][0].as_u64().unwrap_or(0);
                let e = q["span"][1].as_u64().unwrap_or(s);
                format!(
                    "{s}|{}|{}|{}",
                    e - s,
                    part(q["speaker"].as_str().unwrap_or("")),
                    part(str_of(q, "text"))
                )
            })
            .collect();
        let mut seen_themes = std::collections::BTreeSet::new();
        let themes: String = list("themes")
            .iter()
            .filter_map(|t| {
                let name = part(str_of(t, "theme"));
                seen_themes.insert(name.clone()).then_some(name)
            })
            .collect::<Vec<_>>()
            .join(";");
        let v2_themes: String = list("themes")
            .iter()
            .map(|t| {
                format!(
                    "{},{}",
                    part(str_of(t, "theme")),
                    t["offset"].as_u64().unwrap_or(0)
                )
            })
            .collect::<Vec<_>>()
            .join(";");
        let amounts: Vec<String> = list("counts")
            .iter()
            .map(|c| {
                format!(
                    "{},{},{}",
                    c["number"].as_u64().unwrap_or(0),
                    part(str_of(c, "object")),
                    c["span"][0].as_u64().unwrap_or(0)
                )
            })
            .collect();
        let all_names: Vec<String> = list("persons")
            .iter()
            .chain(list("organizations").iter())
            .map(|n| {
                format!(
                    "{},{}",
                    part(str_of(n, "text")),
                    n["span"][0].as_u64().unwrap_or(0)
                )
            })
            .collect();
        let row = [
            format!("{date}-{k}"),
            format!("{date}000000"),
            "1".into(),
            clean(&a.source),
            clean(&a.url),
            list("counts")
                .iter()
                .map(|c| count(c, false))
                .collect::<Vec<_>>()
                .join(";"),
            list("counts")
                .iter()
                .map(|c| count(c, true))
                .collect::<Vec<_>>()
                .join(";"),
            themes,
            v2_themes,
            locations.join(";"),
            v2_locations.join(";"),
            names("persons", false),
            names("persons", true),
            names("organizations", false),
            names("organizations", true),
            tone_field(&v["tone"]),
            dates.join(";"),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            quotes.join("#"),
            all_names.join(";"),
            amounts.join(";"),
            String::new(),
            String::new(),
        ];
        gkg.row(row.into())?;
    }
    Ok((n_events, n_mentions, gkg.finish()?))
}
