//! Places: the geoparser on the seed article and on the project's own place cases, and the
//! LGL dev set's floor.

mod common;

use dyad::geo::places;
use dyad_core::{Article, Doc};
use dyad_geo::{distance_km, Gazetteer};

/// Resolved places of a text: `(name as written, place)`.
fn resolved(text: &str) -> Vec<(String, dyad_geo::Place)> {
    let mut doc = Doc::new(Article::new("t", text));
    dyad::pipeline::Annotator::new().annotate(&mut doc);
    let gaz = Gazetteer::builtin();
    places(&doc)
        .into_iter()
        .map(|p| {
            (
                text[p.span.0..p.span.1].to_string(),
                gaz.places[p.resolved.place as usize].clone(),
            )
        })
        .collect()
}

#[test]
fn seed_article_places() {
    let Some(path) = common::shared("seed/antalya-talks-2022-03-10.txt") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let found = resolved(&text);
    let at = |name: &str| found.iter().find(|(n, _)| n == name).map(|(_, p)| p);
    let antalya = at("Antalya").expect("Antalya is found");
    assert!(
        distance_km((antalya.lat, antalya.lon), (36.90, 30.70)) < 25.0,
        "{antalya:?}"
    );
    assert_eq!(antalya.country, "TR");
    // Ankara opens the body as its dateline: it is found, and marked so.
    let mut doc = Doc::new(Article::new("seed", text.clone()));
    dyad::pipeline::Annotator::new().annotate(&mut doc);
    let ankara: Vec<_> = places(&doc)
        .into_iter()
        .filter(|p| &text[p.span.0..p.span.1] == "Ankara")
        .collect();
    assert!(
        !ankara.is_empty() && ankara.iter().all(|p| p.dateline),
        "{ankara:?}"
    );
    for (name, cc) in [
        ("Kyiv", "UA"),
        ("Crimea", "UA"),
        ("Donbas", "UA"),
        ("Belarus", "BY"),
    ] {
        let p = at(name).unwrap_or_else(|| panic!("{name} is not resolved: {found:?}"));
        assert_eq!(p.country, cc, "{name}: {p:?}");
    }
}

/// The project's own cases: `text<TAB>name<TAB>lat<TAB>lon<TAB>note`; the name must resolve
/// within 50 km of the point.
#[test]
fn own_place_cases() {
    let cases = std::fs::read_to_string(common::repo().join("tests/data/geo/places.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for line in cases
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 4, "bad case line: {line}");
        let (text, name) = (f[0], f[1]);
        let (lat, lon): (f32, f32) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        n += 1;
        let found = resolved(text);
        match found.iter().find(|(x, _)| x == name) {
            Some((_, p)) if distance_km((p.lat, p.lon), (lat, lon)) <= 50.0 => {}
            other => failures.push(format!("{name} in {text:?}: got {:?}", other.map(|o| &o.1))),
        }
    }
    println!("own place cases: {}/{n}", n - failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `dyad eval geo` on the LGL dev set: 79.6 % within 161 km with the mentions given on
/// 2026-12-06 (the minimum is 78).
#[test]
fn lgl_dev_floor() {
    let Some(gold) = common::shared("eval/geo-lgl-dev.jsonl") else {
        return;
    };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["eval", "geo", "--gold"])
        .arg(gold)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    let acc: f64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("geo: acc@161="))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|x| x.parse().ok())
        .expect("a geo line");
    assert!(acc >= 79.0, "acc@161 {acc}");
}

/// `dyad eval geo` on the project's own place set (`tests/data/geo/places-gold.jsonl`, 383
/// mentions with the hard cases): 97.1 % within 161 km on 2026-12-06 (the minimum is 90).
#[test]
fn own_place_set_floor() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["eval", "geo", "--gold"])
        .arg(common::repo().join("tests/data/geo/places-gold.jsonl"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        common::report_field(&stdout, "acc@161=") >= 95.0,
        "{stdout}"
    );
}
