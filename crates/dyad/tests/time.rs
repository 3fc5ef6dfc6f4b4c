//! Time expressions: the seed article's dates, and the project's own gold set's floor.

mod common;

use dyad_core::{Article, Date, Doc};

#[test]
fn seed_article_dates() {
    let Some(path) = common::shared("seed/antalya-talks-2022-03-10.txt") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc = Doc::new(Article::new("seed", text));
    dyad::pipeline::Annotator::new().annotate(&mut doc);
    let found = dyad::time::timexes(&doc, Date::new(2022, 3, 10).unwrap());
    let values: Vec<&str> = found.iter().map(|t| t.value.as_str()).collect();
    for v in [
        "2022-03-10",
        "2022-03-09",
        "2022-02-24",
        "2014",
        "P2W",
        "PT90M",
    ] {
        assert!(values.contains(&v), "{v} not among {values:?}");
    }
}

/// `dyad eval time` on `tests/data/time/timexes.jsonl` (176 expressions written by the
/// project): strict-F1 97.7, value accuracy 97.1 on 2026-12-06 (the minimum is 85).
#[test]
fn own_gold_set_floor() {
    let report =
        dyad::time::eval(&common::repo().join("tests/data/time/timexes.jsonl"), false).unwrap();
    println!("{report}");
    let field = |name: &str| common::report_field(&report, name);
    assert!(field("strict-F1=") >= 95.0);
    assert!(field("value-accuracy=") >= 95.0);
}
