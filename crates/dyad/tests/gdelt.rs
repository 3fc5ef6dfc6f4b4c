//! `dyad code --out DIR`: GDELT's three tables load in pandas under GDELT's published header
//! rows, with exactly 61, 16 and 27 fields per row. pandas comes from `DYAD_PYTHON` (CI makes a
//! virtual environment with it); without pandas the test skips, unless `DYAD_REQUIRE_PANDAS=1`.

mod common;

#[test]
fn gdelt_tables_load_in_pandas() {
    let Some(reference) = common::shared("reference/gdelt") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("dyad-gdelt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["code", "--quiet", "--out"])
        .arg(&dir)
        .arg(common::repo().join("data/sample/articles.jsonl"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every row has GDELT's number of fields, whatever Python finds.
    for (name, n) in [("events.tsv", 61), ("mentions.tsv", 16), ("gkg.tsv", 27)] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(!text.is_empty(), "{name} is empty");
        for line in text.lines() {
            assert_eq!(line.split('\t').count(), n, "{name}: {line}");
        }
    }
    let python = std::env::var("DYAD_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_pandas = std::process::Command::new(&python)
        .args(["-c", "import pandas"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pandas {
        assert!(
            std::env::var("DYAD_REQUIRE_PANDAS").as_deref() != Ok("1"),
            "{python} has no pandas, and DYAD_REQUIRE_PANDAS=1 says the test must run"
        );
        eprintln!("skipped: {python} has no pandas (set DYAD_PYTHON to one that has)");
        return;
    }
    let run = std::process::Command::new(&python)
        .arg(common::repo().join("tests/data/gdelt/load_tables.py"))
        .arg(&dir)
        .arg(reference)
        .output()
        .unwrap();
    println!("{}", String::from_utf8_lossy(&run.stdout));
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}
