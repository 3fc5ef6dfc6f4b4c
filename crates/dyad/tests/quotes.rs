//! Quotes and speakers: the project's own gold set's floor.

mod common;

/// `dyad eval quotes` on `tests/data/quotes/quotes.jsonl` (101 quotes written for the
/// project): F1 97.0, speaker 86.7 on 2026-12-06 (the minimum is 85).
#[test]
fn own_gold_set_floor() {
    let report = dyad::quotes::eval(
        &common::repo().join("tests/data/quotes/quotes.jsonl"),
        false,
    )
    .unwrap();
    println!("{report}");
    let field = |name: &str| common::report_field(&report, name);
    assert!(field("F1=") >= 95.0);
    assert!(field("speaker=") >= 85.0);
}
