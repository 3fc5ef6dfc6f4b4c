//! The store commands end to end: `dyad ingest` is idempotent and survives SIGKILL, `query`
//! filters, `recode` with other dictionaries reports and stores what changed, `export` writes
//! what `dyad code --out` writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn dyad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dyad-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sample() -> String {
    common::repo()
        .join("data/sample/articles.jsonl")
        .to_string_lossy()
        .into_owned()
}

fn stats(db: &Path) -> dyad_store::Stats {
    dyad_store::Store::open_read_only(db)
        .unwrap()
        .stats()
        .unwrap()
}

#[test]
fn ingest_twice_changes_nothing_and_export_matches_code() {
    let dir = temp("idem");
    let db = dir.join("s.db");
    ok(&dyad(&["ingest", "--quiet", "--db", s(&db), &sample()]));
    let first = stats(&db);
    assert_eq!(first.articles, 8);
    assert!(first.events > 30, "{first:?}");
    let again = dyad(&["ingest", "--db", s(&db), &sample()]);
    ok(&again);
    assert!(
        String::from_utf8_lossy(&again.stderr)
            .contains("0 articles stored with 0 events, 8 already stored"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(stats(&db), first);

    // The store exports what `dyad code --out` writes.
    let (code, export) = (dir.join("code"), dir.join("export"));
    ok(&dyad(&["code", "--quiet", "--out", s(&code), &sample()]));
    ok(&dyad(&["export", "--db", s(&db), "--out", s(&export)]));
    for name in [
        "events.jsonl",
        "gkg.jsonl",
        "events.tsv",
        "mentions.tsv",
        "gkg.tsv",
    ] {
        let a = std::fs::read(code.join(name)).unwrap();
        let b = std::fs::read(export.join(name)).unwrap();
        assert!(
            a == b,
            "{name} differs between dyad code --out and dyad export"
        );
    }
    assert!(export.join("events.parquet").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn query_filters() {
    let dir = temp("query");
    let db = dir.join("s.db");
    ok(&dyad(&["ingest", "--quiet", "--db", s(&db), &sample()]));
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec![
            "query",
            "--db",
            s(&db),
            "--format",
            "jsonl",
            "--limit",
            "1000",
        ];
        all.extend_from_slice(args);
        ok(&dyad(&all))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let all = lines(&[]);
    assert_eq!(all.len() as u64, stats(&db).events);
    let rus = lines(&["--actor", "RUS"]);
    assert!(!rus.is_empty());
    for e in &rus {
        let codes = format!("{} {}", e["source"]["code"], e["target"]["code"]);
        assert!(codes.contains("\"RUS"), "{codes}");
    }
    for e in lines(&["--code", "04"]) {
        assert!(e["cameo"].as_str().unwrap().starts_with("04"));
    }
    // Within 200 km of Chisinau.
    let near = lines(&["--near", "47.0,28.86,200"]);
    assert!(!near.is_empty());
    for e in &near {
        let lat = e["place"]["lat"].as_f64().unwrap();
        assert!((lat - 47.0).abs() < 2.0, "{e}");
    }
    let text = lines(&["--text", "Myanmar embargo"]);
    assert!(!text.is_empty());
    assert!(text.iter().all(|e| e["article"] == "sample-003"));
    let dated = lines(&["--from", "2022-01-01", "--to", "2022-12-31"]);
    assert!(dated
        .iter()
        .all(|e| e["date"].as_str().unwrap().starts_with("2022")));
    // A table and CSV too; a bad filter is a usage error that says why.
    assert!(ok(&dyad(&["query", "--db", s(&db), "--actor", "RUS"])).contains("of"));
    let csv = ok(&dyad(&["query", "--db", s(&db), "--format", "csv"]));
    assert!(csv.starts_with("date,source,event,target,place,article#sentence\n"));
    let bad = dyad(&["query", "--db", s(&db), "--actor", "RUS%"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("letters and digits"));
    std::fs::remove_dir_all(&dir).ok();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn recode_with_other_dictionaries() {
    let dir = temp("recode");
    let db = dir.join("s.db");
    ok(&dyad(&["ingest", "--quiet", "--db", s(&db), &sample()]));
    let before = stats(&db);
    // The same dictionaries: nothing changes.
    let same = ok(&dyad(&["recode", "--db", s(&db)]));
    assert!(same.contains("(+0 -0)"), "{same}");
    assert_eq!(stats(&db), before, "places, quotes and counts stay");
    // Without the meeting patterns (040), their events go.
    let dicts = dir.join("dicts");
    copy_dir(&common::repo().join("dicts"), &dicts);
    let verbs = std::fs::read_to_string(dicts.join("verbs.tsv")).unwrap();
    let kept: String = verbs
        .lines()
        .filter(|l| !l.starts_with("040\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dicts.join("verbs.tsv"), kept).unwrap();
    let n_040 = |db: &Path| {
        dyad_store::Store::open_read_only(db)
            .unwrap()
            .events(&dyad_store::Filter {
                code: Some("040".into()),
                limit: 1000,
                ..Default::default()
            })
            .unwrap()
            .1
    };
    let had = n_040(&db);
    assert!(had > 0);
    let dry = ok(&dyad(&[
        "recode",
        "--db",
        s(&db),
        "--dicts",
        s(&dicts),
        "--dry-run",
    ]));
    assert!(dry.contains("dry run"), "{dry}");
    assert_eq!(n_040(&db), had, "a dry run stores nothing");
    let report = ok(&dyad(&["recode", "--db", s(&db), "--dicts", s(&dicts)]));
    assert!(report.contains("root 04: +"), "{report}");
    assert_eq!(n_040(&db), 0, "{report}");
    assert_eq!(stats(&db).articles, before.articles);
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGKILL in the middle of a batch loses nothing and stores nothing twice once ingest runs
/// again.
#[cfg(unix)]
#[test]
fn ingest_survives_sigkill() {
    let dir = temp("kill");
    let corpus = dir.join("corpus.jsonl");
    ok(&dyad(&[
        "bench",
        "--corpus-bytes",
        "1500000",
        "--write-corpus",
        s(&corpus),
    ]));
    let reference = dir.join("reference.db");
    ok(&dyad(&[
        "ingest",
        "--quiet",
        "--db",
        s(&reference),
        s(&corpus),
    ]));
    let want = stats(&reference);
    assert!(want.articles > 300, "{want:?}");

    let db = dir.join("killed.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args([
            "ingest",
            "--quiet",
            "--threads",
            "2",
            "--db",
            s(&db),
            s(&corpus),
        ])
        .spawn()
        .unwrap();
    // Kill once some batches are in and before the end.
    let started = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let stored = dyad_store::Store::open_read_only(&db)
            .ok()
            .and_then(|s| s.stats().ok())
            .map_or(0, |s| s.articles);
        if stored > 0 || started.elapsed().as_secs() > 60 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = stats(&db);
    assert!(
        partial.articles < want.articles,
        "killed too late: {partial:?}"
    );
    ok(&dyad(&["ingest", "--quiet", "--db", s(&db), s(&corpus)]));
    let got = stats(&db);
    assert_eq!(got, want);
    // The same records, in the same order.
    let (a, b) = (dir.join("a"), dir.join("b"));
    ok(&dyad(&[
        "export",
        "--db",
        s(&reference),
        "--out",
        s(&a),
        "--format",
        "jsonl",
    ]));
    ok(&dyad(&[
        "export",
        "--db",
        s(&db),
        "--out",
        s(&b),
        "--format",
        "jsonl",
    ]));
    for name in ["events.jsonl", "gkg.jsonl"] {
        assert!(
            std::fs::read(a.join(name)).unwrap() == std::fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
