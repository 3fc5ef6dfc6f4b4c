//! `dyad dict mine` on a few invented sentences: an uncovered verb and noun between known
//! countries are listed with counts and examples, a covered verb is not, an unknown name is.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn mine(extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["dict", "mine", "tests/data/mine/articles.jsonl", "--quiet"])
        .args(extra)
        .current_dir(root())
        .output()
        .expect("running dyad")
}

fn rows(out: &Output) -> Vec<serde_json::Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn find<'a>(
    rows: &'a [serde_json::Value],
    section: &str,
    key: &str,
) -> Option<&'a serde_json::Value> {
    rows.iter()
        .find(|r| r["section"] == section && r["key"] == key)
}

#[test]
fn uncovered_verbs_nouns_and_names_are_listed() {
    let rows = rows(&mine(&["--format", "jsonl", "--examples", "2"]));
    let verb = find(&rows, "verbs", "frobnicate").expect("frobnicate is listed");
    assert_eq!(verb["count"], 3, "{verb}");
    assert_eq!(verb["trigger"], false, "{verb}");
    assert_eq!(verb["kinds"][0]["kind"], "[frobnicate] +", "{verb}");
    let examples = verb["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 2, "{verb}");
    assert_eq!(examples[0]["article"], "m1");
    assert_eq!(examples[0]["dyad"], "KEN → UGA");
    assert!(examples[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("Kenya frobnicated Uganda on Tuesday"));
    assert_eq!(examples[1]["dyad"], "FRA → DEU");
    // "met" fired a pattern: not a candidate.
    assert!(find(&rows, "verbs", "meet").is_none(), "{rows:?}");
    let noun = find(&rows, "nouns", "frobnication").expect("the noun is listed");
    assert_eq!(noun["count"], 1, "{noun}");
    assert_eq!(noun["examples"][0]["dyad"], "GHA → TGO");
    let name = find(&rows, "names", "Zorblax Quentavian").expect("the unknown name is listed");
    assert_eq!(name["count"], 2, "{name}");
    assert_eq!(name["examples"][1]["article"], "m2");
    // Names the dictionaries know are not.
    assert!(find(&rows, "names", "Kenya").is_none(), "{rows:?}");
}

#[test]
fn the_text_report_has_three_sections_and_is_the_same_whatever_the_threads() {
    let one = mine(&["--threads", "1", "--top", "5"]);
    let two = mine(&["--threads", "2", "--top", "5"]);
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, two.stdout);
    let text = String::from_utf8(one.stdout).unwrap();
    assert!(text.contains("## 1. Uncovered governing verbs"), "{text}");
    assert!(text.contains("## 2. Uncovered nouns"), "{text}");
    assert!(text.contains("## 3. Frequent uncoded names"), "{text}");
    assert!(text.contains("     3  frobnicate  trigger: no"), "{text}");
    assert!(
        text.contains("m1#0 (KEN → UGA): Kenya frobnicated Uganda"),
        "{text}"
    );
}
