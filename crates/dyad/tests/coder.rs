//! Event coding end to end: the PETRARCH conformance suite (when ../shared is there), the
//! behaviour cases in `tests/data/coder/*.tsv`, and the seed article's core events.

use std::path::{Path, PathBuf};

use dyad::coding::{self, Parses};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> Option<PathBuf> {
    let p = repo().join("../shared");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared is not here (the test runs in CI, which has it)");
        None
    }
}

/// Runs PETR.UnitTest.records.xml with `parses` and prints the summary line.
fn suite(shared: &std::path::Path, parses: Parses) -> dyad::validate::Report {
    let report = dyad::validate::run(
        &shared.join("petrarch/PETR.UnitTest.records.xml"),
        parses,
        None,
    )
    .unwrap();
    println!("{}", report.to_string().lines().last().unwrap());
    report
}

/// Records fully correct on PETR.UnitTest.records.xml with the supplied parses; measured
/// 243/284. A regression of more than two records fails.
#[test]
fn petrarch_suite_supplied_parses() {
    let Some(shared) = shared() else { return };
    let report = suite(&shared, Parses::Supplied);
    assert_eq!(report.records, 284);
    assert_eq!(report.codings, 385);
    assert!(report.records_ok >= 241, "{report}");
}

/// The same with dyad's own parses; measured 221/284 (306/385 codings) with the parser of
/// 2026-11-27 03:45 (version 4).
#[test]
fn petrarch_suite_own_parses() {
    let Some(shared) = shared() else { return };
    let report = suite(&shared, Parses::Own);
    assert!(report.records_ok >= 218, "{report}");
}

/// The behaviour cases with the built-in dictionaries and dyad's own parses.
#[test]
fn behaviour_cases() {
    let (lines, passed, total) =
        coding::eval_cases(&repo().join("tests/data/coder"), coding::builtin_lexicon()).unwrap();
    for l in &lines {
        println!("{l}");
    }
    println!("cases: {passed}/{total}");
    assert!(total >= 150, "only {total} cases");
    assert!(
        passed * 100 >= total * MIN_CASES_PERCENT,
        "cases: {passed}/{total} under {MIN_CASES_PERCENT}%"
    );
}

/// Share of behaviour cases that must pass: measured 249/265 (94.0 %), minus a little slack.
const MIN_CASES_PERCENT: usize = 88;

/// The seed article's core events (E1-E4, E6, E9-E12, E17, E27), and nothing from its
/// negated clauses.
#[test]
fn seed_article() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("seed/antalya-talks-2022-03-10.txt")).unwrap();
    let expected =
        std::fs::read_to_string(repo().join("tests/data/coder/seed/antalya-expected.tsv")).unwrap();
    let date = dyad_core::Date::new(2022, 3, 10).unwrap();
    let events = coding::code_article(&text, date, coding::builtin_lexicon());
    let (lines, found, total, forbidden) = coding::score_article(&events, &expected);
    for e in &events {
        println!("event {} {} {} ({})", e.0, e.1, e.2, e.3);
    }
    for l in &lines {
        println!("{l}");
    }
    println!("article: {found}/{total} expected events ({forbidden} forbidden)");
    assert_eq!(total, 11);
    assert_eq!(forbidden, 0, "events from negated clauses or non-events");
    assert!(found >= MIN_SEED, "{found}/{total} core events");
}

/// Core seed events that must be found: measured 11 of 11 (the issue asks at least 8).
const MIN_SEED: usize = 10;

#[test]
fn case_files_are_well_formed() {
    for e in std::fs::read_dir(repo().join("tests/data/coder")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "tsv") {
            let text = std::fs::read_to_string(&p).unwrap();
            coding::read_cases(&p.file_name().unwrap().to_string_lossy(), &text).unwrap();
        }
    }
}
