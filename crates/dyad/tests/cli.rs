//! The command line as a user runs it: exit codes, error records, determinism across threads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn dyad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("running dyad")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn demo_runs_clean() {
    let out = dyad(&["demo", "--format", "text", "--quiet"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# sample-001"), "{text}");
}

/// The default demo: a short table of events per article, the outputs and the store written,
/// and the command that serves them.
#[test]
fn demo_tables_outputs_and_store() {
    let dir = std::env::temp_dir().join(format!("dyad-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = dyad(&["demo", "--dir", dir.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\nsample-005  2024-01-11  Moldova demands withdrawal"),
        "{text}"
    );
    assert!(text.contains("  source "), "{text}");
    assert!(text.contains("102 Demand diplomatic cooperation"), "{text}");
    assert!(text.contains("serve --db"), "{text}");
    assert!(
        !text.contains("|"),
        "no token dump without --verbose: {text}"
    );
    assert!(text.lines().count() < 200, "{text}");
    for f in [
        "dyad.db",
        "out/events.jsonl",
        "out/events.tsv",
        "out/gkg.parquet",
    ] {
        assert!(dir.join(f).exists(), "{f}");
    }
    // Twice in a row: the store is made afresh, not duplicated.
    let again = dyad(&["demo", "--dir", dir.to_str().unwrap()]);
    assert_eq!(again.stdout, text.as_bytes());
    let verbose = dyad(&["demo", "--verbose", "--dir", dir.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&verbose.stdout).contains("|"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let one = dyad(&[
        "demo",
        "--threads",
        "1",
        "--quiet",
        "--with-text",
        "--format",
        "jsonl",
    ]);
    let four = dyad(&[
        "demo",
        "--threads",
        "4",
        "--quiet",
        "--with-text",
        "--format",
        "jsonl",
    ]);
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn bad_records_give_exit_code_1_and_the_batch_goes_on() {
    let errors = std::env::temp_dir().join(format!("dyad-cli-errors-{}.jsonl", std::process::id()));
    let out = dyad(&[
        "annotate",
        "tests/data/readers",
        "--quiet",
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().count() >= 3,
        "good articles were lost: {stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("malformed-json"), "{stderr}");
    let records = std::fs::read_to_string(&errors).unwrap();
    std::fs::remove_file(&errors).ok();
    for line in records.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["file"].as_str().is_some_and(|f| !f.is_empty()), "{line}");
        assert!(v["error"].is_string() && v["message"].is_string(), "{line}");
    }
    assert!(records.lines().count() >= 2, "{records}");
}

#[test]
fn usage_error_is_exit_code_2() {
    assert_eq!(dyad(&["annotate"]).status.code(), Some(2));
    assert_eq!(
        dyad(&["annotate", "--format", "yaml", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn missing_input_is_an_error_record_not_a_crash() {
    let out = dyad(&["annotate", "no/such/file.txt", "--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.txt"));
}

#[test]
fn stdin_is_read() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["annotate", "-", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"x1\",\"date\":\"20220310\",\"text\":\"Lavrov met Kuleba in Antalya. They didn't agree.\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], "x1");
    assert_eq!(v["date"], "2022-03-10");
    assert_eq!(v["sentences"].as_array().unwrap().len(), 2);
    let tokens: Vec<&str> = v["sentences"][1]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(tokens, ["They", "did", "n't", "agree", "."]);
}

#[test]
fn bench_reports_every_stage() {
    let out = dyad(&["bench", "--corpus-bytes", "50000", "--runs", "1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    for stage in [
        "read",
        "language",
        "segment",
        "code",
        "coder",
        "coder-threads",
        "pipeline",
    ] {
        assert!(report.contains(&format!("bench {stage}: ")), "{report}");
    }
}

#[test]
fn dict_check_names_file_and_line_and_fails_on_errors() {
    let dir = std::env::temp_dir().join(format!("dyad-dict-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("test.actors.txt"),
        "# test actors\nSERGEI_LAVROV [RUSGOV >20040309]\nBROKEN_ENTRY [RUSGOV >2004XX09]\n",
    )
    .unwrap();
    let out = dyad(&["dict", "check", dir.to_str().unwrap()]);
    let stats = dyad(&["dict", "stats", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("test.actors.txt:3:"), "{stdout}");
    let stats = String::from_utf8(stats.stdout).unwrap();
    assert!(stats.contains("actors:    2 entries"), "{stats}");
}

#[test]
fn code_writes_events_with_provenance() {
    let dir = std::env::temp_dir().join(format!("dyad-code-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("story.txt");
    std::fs::write(&input, "Turkish Foreign Minister Mevlut Cavusoglu met Russian Foreign Minister Sergei Lavrov in Antalya.\n").unwrap();
    let out = dyad(&[
        "code",
        input.to_str().unwrap(),
        "--date",
        "2022-03-10",
        "--quiet",
    ]);
    // Without a date the article cannot be coded: one error line naming it, exit 0.
    let undated = dyad(&["code", input.to_str().unwrap(), "--quiet"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).unwrap();
    let e: serde_json::Value =
        serde_json::from_str(line.lines().next().expect("an event")).unwrap();
    assert_eq!(e["source"]["code"], "TURGOV");
    assert_eq!(e["target"]["code"], "RUSGOV");
    assert_eq!(e["cameo"], "040");
    assert_eq!(e["root"], "04");
    assert_eq!(e["quad"], 1);
    assert_eq!(e["plover"]["type"], "CONSULT");
    assert_eq!(e["date"], "2022-03-10");
    assert_eq!(e["negated"], false);
    assert_eq!(e["provenance"]["verb"]["text"], "met");
    assert_eq!(e["provenance"]["pattern"]["file"], "dicts/verbs.tsv");
    let span = e["source"]["span"].as_array().unwrap();
    assert_eq!(span[0], 0);
    let u = String::from_utf8(undated.stdout).unwrap();
    assert!(u.contains("\"error\":\"no-date\""), "{u}");
}

#[test]
fn explain_shows_parse_phrases_and_pattern() {
    let out = dyad(&[
        "explain",
        "Russia didn't invade Ukraine.",
        "--date",
        "2022-03-10",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for part in [
        "## tokens and parse",
        "## phrases found",
        "\"Russia\": actor",
        "## events",
    ] {
        assert!(text.contains(part), "{text}");
    }
    // A negated invasion is not an invasion.
    assert!(!text.contains(" 192 "), "{text}");
}

#[test]
fn code_refuses_a_dictionary_folder_without_dictionaries() {
    let dir = std::env::temp_dir().join(format!("dyad-nodicts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dyad(&[
        "code",
        "data/sample/statement.txt",
        "--dicts",
        dir.to_str().unwrap(),
        "--date",
        "2022-01-01",
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no actor or verb dictionary"));
}

#[test]
fn dict_convert_round_trips_petrarch_files() {
    let dir = std::env::temp_dir().join(format!("dyad-convert-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("t.actors.txt"),
        "ARNOR_ [ARN]\n+ARNORIAN\nARAGORN [ARNGOV >20010101]\n",
    )
    .unwrap();
    std::fs::write(src.join("t.agents.txt"), "MINISTER [~GOV]\n").unwrap();
    std::fs::write(
        src.join("t.verbs.txt"),
        "--- MEET [040] ---\nMEET {MET}\n- * WITH + [041]\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = dyad(&[
        "dict",
        "convert",
        src.to_str().unwrap(),
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = dyad(&["dict", "check", out_dir.to_str().unwrap()]);
    let verbs = std::fs::read_to_string(out_dir.join("verbs.tsv")).unwrap();
    let actors = std::fs::read_to_string(out_dir.join("actors/t-actors.tsv")).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert!(verbs.contains("040\t[meet]"), "{verbs}");
    assert!(verbs.contains("041\t[meet] with +"), "{verbs}");
    assert!(actors.contains("ARNGOV\tARAGORN\t2001-01-01"), "{actors}");
    assert!(actors.contains("ARN\tARNOR | ARNORIAN"), "{actors}");
}

#[test]
fn validate_reports_the_summary_line() {
    let Some(suite) = common::shared("petrarch/PETR.UnitTest.records.xml") else {
        return;
    };
    let out = dyad(&["validate", suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("validate: ") && last.ends_with("/385 codings)"),
        "{last}"
    );
    assert!(
        text.contains("FAIL "),
        "failing records are listed one per line"
    );
}

/// `dyad code -` answers each article as it arrives: a pipe that sends one JSONL article and
/// waits gets its events before it sends the next (no waiting for a full batch or buffer).
#[test]
fn code_stdin_answers_each_article_as_it_comes() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut child = Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["code", "-", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let articles = [
        (
            "s1",
            "Russian forces attacked Ukraine near Kharkiv on Thursday.",
        ),
        ("s2", "Lavrov met Kuleba in Antalya on Thursday."),
        ("s3", "no date here"),
    ];
    for (id, text) in articles {
        let date = if id == "s3" { "" } else { "2022-03-10" };
        let line = serde_json::json!({"id": id, "date": date, "text": text});
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
        // This article's first record arrives while stdin is still open.
        loop {
            let got = rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no output for {id} while the pipe stays open"));
            let v: serde_json::Value = serde_json::from_str(&got).unwrap();
            if v["article"] == id || v["id"] == id {
                break;
            }
        }
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

/// WARC and feed inputs go through `dyad code`: records passed over on purpose are counted by
/// reason on stderr, a malformed WARC record is an error record (exit 1), and the pages and
/// feed items are coded with their URLs as article ids.
#[test]
fn code_reads_warc_and_feeds_and_counts_what_it_skips() {
    let out = dyad(&[
        "code",
        "tests/data/readers/crawl.warc",
        "tests/data/readers/feed.rss",
        "--date",
        "2024-01-01",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("malformed-markup: record 5"), "{stderr}");
    assert!(
        stderr.contains("skipped 4 records:") && stderr.contains("1 warc request record"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(r#""article":"https://news.test/antalya""#),
        "{stdout}"
    );
}
