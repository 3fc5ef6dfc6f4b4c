//! The geoparser: which place each place name of a document means.
//!
//! A name alone ("Georgia", "Paris", "Alexandria") has many candidates. The document decides:
//! 1. "X, Y": a name followed by a state or country ("Alexandria, La.", "Paris, Texas") is a
//!    place inside it.
//! 2. Prior: a country outranks a first-level division, which outranks a city; among cities,
//!    population, a capital or a seat; a main name outranks an alternate name.
//! 3. Context: the names that are clear on their own (one candidate, or a clear winner) vote
//!    for their countries and first-level divisions; every name is scored again with those
//!    votes and with the nearness of clear places, twice.
//! 4. A name the gazetteer lacks (a county, a small town) is placed at the document's main
//!    region when it has one: the nearest guess a reader would make.

use crate::{distance_km, Gazetteer, Kind, NameKind, Place};

/// A place name in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention<'a> {
    /// Byte span in the document's text.
    pub span: (usize, usize),
    /// The name as written.
    pub text: &'a str,
    /// A demonym or nationality ("Russian"): it points to its country and is no place name.
    pub demonym: bool,
    /// Known to be a place name (given by a person, or "… County"): when the gazetteer lacks
    /// it, it takes the document's main region.
    pub certain: bool,
}

/// The place a mention was resolved to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved {
    /// Index in [`Gazetteer::places`].
    pub place: u32,
    /// Why this place: `only candidate`, `X, Y`, `context`, `prior`, `document region`.
    pub rule: &'static str,
}

/// Score weights.
const COUNTRY_VOTE: f32 = 4.0;
const ADM1_VOTE: f32 = 4.0;
const NEAR_BONUS: f32 = 2.5;
const NEAR_KM: f64 = 150.0;
/// A prior lead that makes a name clear on its own.
const CLEAR_LEAD: f32 = 3.0;

fn prior(p: &Place, name: NameKind) -> f32 {
    let base = match p.kind {
        Kind::Country => 9.0,
        Kind::Adm1 => 6.0,
        Kind::Region => 6.5,
        Kind::City => {
            let pop = (p.population as f32 + 1.0).log10();
            pop + match p.feature.as_str() {
                "PPLC" => 1.5,
                "PPLA" => 0.7,
                "PPLA2" => 0.3,
                _ => 0.0,
            }
        }
    };
    base + if name == NameKind::Main {
        MAIN_NAME
    } else {
        0.0
    }
}

/// What a place's main name adds over an alternate name ("Gaza Strip" is a region's name, and
/// only an alternate of the Palestinian territories).
const MAIN_NAME: f32 = 3.0;
/// What a first-level division's seat of the same name adds: "Kherson" is the city.
const SEAT_OF_SAME_NAME: f32 = 1.0;

/// Resolves every mention of one document (`text` is the document's text; mentions in text
/// order). `None` where no place fits.
pub fn resolve(gaz: &Gazetteer, text: &str, mentions: &[Mention<'_>]) -> Vec<Option<Resolved>> {
    let n = mentions.len();
    // Candidates with their prior.
    let mut cands: Vec<Vec<(u32, f32)>> = mentions
        .iter()
        .map(|m| {
            gaz.lookup(m.text)
                .iter()
                .filter(|c| !m.demonym || gaz.places[c.place as usize].kind == Kind::Country)
                .map(|c| (c.place, prior(&gaz.places[c.place as usize], c.name)))
                .collect()
        })
        .collect();
    for c in cands.iter_mut() {
        let seats: Vec<usize> = (0..c.len())
            .filter(|&k| {
                let p = &gaz.places[c[k].0 as usize];
                p.feature == "PPLA"
                    && c.iter().any(|&(a, _)| {
                        let a = &gaz.places[a as usize];
                        a.kind == Kind::Adm1 && a.country == p.country && a.admin1 == p.admin1
                    })
            })
            .collect();
        for k in seats {
            c[k].1 += SEAT_OF_SAME_NAME;
        }
    }
    let mut fixed: Vec<Option<&'static str>> = vec![None; n];
    // "X, Y": X lies in Y.
    for i in 0..n.saturating_sub(1) {
        let (a, b) = (mentions[i], mentions[i + 1]);
        let between = text.get(a.span.1..b.span.0).unwrap_or("");
        if between.trim() != "," || cands[i].is_empty() {
            continue;
        }
        let containers: Vec<u32> = cands[i + 1]
            .iter()
            .map(|&(p, _)| p)
            .filter(|&p| matches!(gaz.places[p as usize].kind, Kind::Adm1 | Kind::Country))
            .collect();
        let inside = |p: u32, c: u32| {
            let (p, c) = (&gaz.places[p as usize], &gaz.places[c as usize]);
            p.country == c.country && (c.kind == Kind::Country || p.admin1 == c.admin1)
        };
        let kept: Vec<(u32, f32)> = cands[i]
            .iter()
            .copied()
            .filter(|&(p, _)| containers.iter().any(|&c| inside(p, c)))
            .collect();
        if kept.is_empty() {
            continue;
        }
        let used: Vec<(u32, f32)> = cands[i + 1]
            .iter()
            .copied()
            .filter(|&(c, _)| kept.iter().any(|&(p, _)| inside(p, c)))
            .collect();
        cands[i] = kept;
        fixed[i] = Some("X, Y");
        if !used.is_empty() {
            cands[i + 1] = used;
            fixed[i + 1] = Some("X, Y");
        }
    }
    // Clear names vote.
    let mut choice: Vec<Option<(u32, &'static str)>> = (0..n)
        .map(|i| {
            let mut v = cands[i].clone();
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            match v.as_slice() {
                [] => None,
                [(p, _)] => Some((*p, fixed[i].unwrap_or("only candidate"))),
                [(p, s), (_, t), ..] if fixed[i].is_some() || s - t >= CLEAR_LEAD => {
                    Some((*p, fixed[i].unwrap_or("prior")))
                }
                _ => None,
            }
        })
        .collect();
    let keys: Vec<String> = mentions.iter().map(|m| crate::key(m.text)).collect();
    for _round in 0..2 {
        let mut next = choice.clone();
        for i in 0..n {
            if fixed[i].is_some() && choice[i].is_some() || cands[i].len() < 2 {
                continue;
            }
            // The other names' places vote; a name does not vote for itself, nor do its
            // repetitions.
            let anchors: Vec<u32> = (0..n)
                .filter(|&j| j != i && keys[j] != keys[i])
                .filter_map(|j| choice[j].map(|(p, _)| p))
                .collect();
            let total = anchors.len().max(1) as f32;
            let country_share = |cc: &str| {
                anchors
                    .iter()
                    .filter(|&&a| gaz.places[a as usize].country == cc && !cc.is_empty())
                    .count() as f32
                    / total
            };
            let adm1_share = |p: &Place| {
                if p.admin1.is_empty() {
                    return 0.0;
                }
                anchors
                    .iter()
                    .filter(|&&a| {
                        let a = &gaz.places[a as usize];
                        a.kind != Kind::Country && a.country == p.country && a.admin1 == p.admin1
                    })
                    .count() as f32
                    / total
            };
            let best = cands[i].iter().max_by(|a, b| {
                let score = |&(p, s): &(u32, f32)| {
                    let place = &gaz.places[p as usize];
                    let near = anchors.iter().any(|&a| {
                        a != p
                            && gaz.places[a as usize].kind == Kind::City
                            && distance_km(
                                (place.lat, place.lon),
                                (gaz.places[a as usize].lat, gaz.places[a as usize].lon),
                            ) < NEAR_KM
                    });
                    s + COUNTRY_VOTE * country_share(&place.country)
                        + ADM1_VOTE * adm1_share(place)
                        + if near { NEAR_BONUS } else { 0.0 }
                };
                score(a).total_cmp(&score(b))
            });
            if let Some(&(p, _)) = best {
                next[i] = Some((p, "context"));
            }
        }
        choice = next;
    }
    // Names the gazetteer lacks: the document's main region.
    let region = main_region(gaz, &choice);
    (0..n)
        .map(|i| match choice[i] {
            Some((place, rule)) => Some(Resolved { place, rule }),
            None if cands[i].is_empty() && mentions[i].certain && !mentions[i].demonym => region
                .map(|place| Resolved {
                    place,
                    rule: "document region",
                }),
            None => None,
        })
        .collect()
}

/// The place that stands for the document's main first-level division: its city the document
/// names most often (the first named of equals), else the division itself.
fn main_region(gaz: &Gazetteer, choice: &[Option<(u32, &'static str)>]) -> Option<u32> {
    let mut counts: Vec<((&str, &str), usize)> = Vec::new();
    for &(p, _) in choice.iter().flatten() {
        let p = &gaz.places[p as usize];
        if p.kind == Kind::Country || p.admin1.is_empty() {
            continue;
        }
        let k = (p.country.as_str(), p.admin1.as_str());
        match counts.iter_mut().find(|(c, _)| *c == k) {
            Some((_, n)) => *n += 1,
            None => counts.push((k, 1)),
        }
    }
    let &((cc, a1), _) = counts.iter().max_by_key(|(_, n)| *n)?;
    let mut cities: Vec<(u32, usize)> = Vec::new();
    for &(p, _) in choice.iter().flatten() {
        let x = &gaz.places[p as usize];
        if x.kind == Kind::City && x.country == cc && x.admin1 == a1 {
            match cities.iter_mut().find(|(c, _)| *c == p) {
                Some((_, n)) => *n += 1,
                None => cities.push((p, 1)),
            }
        }
    }
    // `max_by_key` keeps the last of equals: scan in reverse for the first named.
    cities
        .iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|&(p, _)| p)
        .or_else(|| gaz.adm1_place(cc, a1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "country\tFR\tFRA\tFR\tFrance\t46\t2\t67000000\t\t3017382
country\tUS\tUSA\tUS\tUnited States\t39.8\t-98.6\t327000000\tU.S.\t6252001
adm1\tUS\tTX\tTexas\t31.5\t-99.3\tTex.\t4736286
adm1\tUS\tIL\tIllinois\t40.0\t-89.2\t\t4896861
place\t2988507\tFR\t11\tPPLC\t48.85\t2.35\t2138551\tParis\t
place\t4717560\tUS\tTX\tPPLA2\t33.66\t-95.56\t24782\tParis\t
place\t4699066\tUS\tTX\tPPLA2\t29.76\t-95.36\t2296224\tHouston\t
place\t4250542\tUS\tIL\tPPLA\t39.80\t-89.64\t114394\tSpringfield\t
";

    fn run(gaz: &Gazetteer, names: &[&str], seps: &[&str]) -> Vec<Option<String>> {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (k, n) in names.iter().enumerate() {
            let start = text.len();
            text.push_str(n);
            spans.push((start, text.len()));
            text.push_str(seps.get(k).copied().unwrap_or(". "));
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
        resolve(gaz, &text, &mentions)
            .into_iter()
            .map(|r| r.map(|r| gaz.places[r.place as usize].id.clone()))
            .collect()
    }

    #[test]
    fn a_capital_alone_a_town_in_its_state() {
        let gaz = Gazetteer::parse(TINY).unwrap();
        assert_eq!(
            run(&gaz, &["Paris"], &[]),
            [Some("geonames:2988507".into())]
        );
        assert_eq!(
            run(&gaz, &["Paris", "Texas"], &[", "]),
            [Some("geonames:4717560".into()), Some("adm1:US.TX".into())]
        );
        // The state's other city votes for the Texan Paris.
        assert_eq!(
            run(&gaz, &["Houston", "Paris"], &[]),
            [
                Some("geonames:4699066".into()),
                Some("geonames:4717560".into())
            ]
        );
    }

    #[test]
    fn unknown_names_take_the_document_region() {
        let gaz = Gazetteer::parse(TINY).unwrap();
        let r = run(&gaz, &["Springfield", "Sangamon County"], &[]);
        assert_eq!(r[1].as_deref(), Some("geonames:4250542"));
        // No region to fall back on: unresolved.
        assert_eq!(run(&gaz, &["Nowhere"], &[]), [None]);
    }
}
