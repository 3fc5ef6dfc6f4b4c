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
    // The Parquet files hold the same rows, typed: GDELT's column names, integers as Int64.
    for (name, n) in [("events", 61), ("mentions", 16), ("gkg", 27)] {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let tsv = std::fs::read_to_string(dir.join(format!("{name}.tsv"))).unwrap();
        let file = std::fs::File::open(dir.join(format!("{name}.parquet"))).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows() as usize, tsv.lines().count(), "{name}");
        let schema = meta.schema_descr();
        assert_eq!(schema.num_columns(), n, "{name}");
        let first = reader.get_row_iter(None).unwrap().next().unwrap().unwrap();
        let id_field = tsv.lines().next().unwrap().split('\t').next().unwrap();
        let (col, value) = first.get_column_iter().next().unwrap();
        assert!(
            col == "GLOBALEVENTID" || col == "GKGRECORDID",
            "{name}: first column {col}"
        );
        assert_eq!(value.to_string().trim_matches('"'), id_field, "{name}");
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

/// `--format` picks the files `--out` writes; the table formats need `--out`.
#[test]
fn format_picks_the_files() {
    let dir = std::env::temp_dir().join(format!("dyad-gdelt-format-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sample = common::repo().join("data/sample/articles.jsonl");
    let run = |format: &str, out: Option<&std::path::Path>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"));
        cmd.args(["code", "--quiet", "--format", format])
            .arg(&sample);
        if let Some(out) = out {
            cmd.arg("--out").arg(out);
        }
        cmd.output().unwrap()
    };
    let listing = |d: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names.join(" ")
    };
    for (format, files) in [
        ("gdelt", "events.tsv gkg.tsv mentions.tsv"),
        ("parquet", "events.parquet gkg.parquet mentions.parquet"),
        ("jsonl", "events.jsonl gkg.jsonl"),
    ] {
        let d = dir.join(format);
        let out = run(format, Some(&d));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(listing(&d), files, "--format {format}");
    }
    let out = run("parquet", None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--out"));
    std::fs::remove_dir_all(&dir).ok();
}
