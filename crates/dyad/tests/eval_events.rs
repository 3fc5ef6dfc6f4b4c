//! `dyad eval events`: its scorer agrees with the reference scorer `../shared/eval/score_events.py`
//! byte for byte (on the invented fixture in `tests/data/eval/`, and on dyad's own output for the
//! dev set), and the command runs end to end.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dyad::eval_events::{read_gold, read_predicted, score};

fn fixture(name: &str) -> PathBuf {
    common::repo().join("tests/data/eval").join(name)
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The Rust scorer's summary for a gold file and an events file, as printed.
fn rust_summary(gold: &Path, events: &Path) -> String {
    let gold = read_gold(&read(gold)).unwrap();
    let pred = read_predicted(&read(events));
    score(&gold, &pred)
        .summary()
        .iter()
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The reference scorer's output, or `None` (skipped) without `../shared` or `python3`.
fn python_summary(gold: &Path, events: &Path) -> Option<String> {
    let script = common::shared("eval/score_events.py")?;
    let out = match Command::new("python3")
        .arg(&script)
        .arg(gold)
        .arg(events)
        .output()
    {
        Ok(out) => out,
        Err(e) => return common::skip(&format!("python3 ({e})")),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Without `../shared`: the Rust scorer prints what the reference scorer printed for the fixture
/// (`scores.txt`, checked in).
#[test]
fn scorer_prints_the_reference_output_on_the_fixture() {
    let got = rust_summary(&fixture("passages.jsonl"), &fixture("predicted.jsonl"));
    assert_eq!(got, read(&fixture("scores.txt")));
}

/// The reference scorer, run now on the fixture, prints the same bytes as dyad's.
#[test]
fn scorer_agrees_with_score_events_py_on_the_fixture() {
    let (gold, events) = (fixture("passages.jsonl"), fixture("predicted.jsonl"));
    let Some(reference) = python_summary(&gold, &events) else {
        return;
    };
    assert_eq!(rust_summary(&gold, &events), reference);
    assert_eq!(
        reference,
        read(&fixture("scores.txt")),
        "scores.txt is stale"
    );
}

fn dyad(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(args)
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dyad-eval-events-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// `dyad eval events --errors --out` on the fixture passages: every miss and false event is
/// listed with a sentence, a reason and a category, the categories are counted, the summary
/// comes last, and it is the summary of the events written to `--out`.
#[test]
fn eval_events_runs_end_to_end() {
    let gold = fixture("passages.jsonl");
    let out = temp("fixture-events.jsonl");
    let report = dyad(&[
        "eval",
        "events",
        "--gold",
        gold.to_str().unwrap(),
        "--errors",
        "--out",
        out.to_str().unwrap(),
    ]);
    print!("{report}");
    let lines: Vec<&str> = report.lines().collect();
    let n = lines.len();
    assert!(n >= 6, "{report}");
    assert!(lines[n - 5].starts_with("passages=8 gold_events=10 predicted="));
    assert!(lines[n - 4].starts_with("per root (recall): "));
    assert!(lines[n - 3].starts_with("events exact: P="));
    assert!(lines[n - 2].starts_with("events source-root: P="));
    assert!(lines[n - 1].starts_with("events root: P="));
    let summary: String = lines[n - 5..].iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(summary, rust_summary(&gold, &out));

    // Each error: a header with its category, then its sentence and its reason.
    let mut errors = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("MISS ") || l.starts_with("FALSE ") {
            errors += 1;
            let (_, category) = l.rsplit_once("  [").expect("a category");
            assert!(
                category.starts_with("miss/") || category.starts_with("false/"),
                "{l}"
            );
            assert!(lines[i + 1].starts_with("    sentence: "), "{l}");
            assert!(lines[i + 2].starts_with("    why: "), "{l}");
        }
    }
    let table = lines
        .iter()
        .position(|l| l.starts_with("error categories (root level, "))
        .expect("the category table");
    assert_eq!(
        lines[table],
        format!("error categories (root level, {errors} errors):")
    );
    let counted: usize = lines[table + 1..n - 5]
        .iter()
        .map(|l| {
            l.split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, errors);

    // `--out` holds what `dyad code` writes for the same passages.
    let code = dyad(&["code", "--quiet", gold.to_str().unwrap()]);
    assert_eq!(read(&out), code);
}

/// On the dev set, the reference scorer reads dyad's `--out` file and prints dyad's summary.
#[test]
fn dev_set_summary_agrees_with_score_events_py() {
    let Some(gold) = common::shared("eval/news-events-dev.jsonl") else {
        return;
    };
    let out = temp("dev-events.jsonl");
    let report = dyad(&[
        "eval",
        "events",
        "--gold",
        gold.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    print!("{report}");
    let Some(reference) = python_summary(&gold, &out) else {
        return;
    };
    assert_eq!(report, reference);
}
