//! Golden files: every input under `tests/data/golden/` is annotated in-process and compared
//! with `<input>.expected` (the human-readable text format followed by the JSONL record).
//! Run with `UPDATE_EXPECT=1` to bless new output after checking the diff.

use std::path::{Path, PathBuf};

use dyad::pipeline::{self, Annotator, RunConfig};
use dyad_io::output;
use dyad_io::read::{self, ReaderConfig};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/golden")
}

/// Reads `path` (format from its name), runs the whole pipeline on one thread and lets `write`
/// render each document (or `error: …` for a record that failed); returns what was written.
fn each_doc(
    path: &Path,
    mut write: impl FnMut(&dyad_core::Doc, &mut Vec<u8>) -> std::io::Result<()>,
) -> String {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let records = read::read_bytes(
        &name,
        &bytes,
        read::InputFormat::Auto,
        &ReaderConfig::default(),
    );
    let mut out = Vec::new();
    pipeline::run(
        &Annotator::new(),
        Box::new(records.into_iter()),
        RunConfig { threads: 1 },
        |_| (),
        |r| {
            match r {
                Ok((doc, ())) => write(doc, &mut out)?,
                Err(e) => {
                    use std::io::Write;
                    writeln!(out, "error: {e}")?;
                }
            }
            std::io::Result::Ok(())
        },
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn render(path: &Path) -> String {
    each_doc(path, |doc, out| {
        output::write_text(&mut *out, doc)?;
        output::write_jsonl(out, doc, false)
    })
}

/// Renders every input in `dir` (files whose extension `keep` accepts) and compares it with
/// `<input>.expected`; with `UPDATE_EXPECT` set, writes the expectations instead.
fn check_dir(dir: &Path, keep: &dyn Fn(&str) -> bool, render: &dyn Fn(&Path) -> String) {
    let bless = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| keep(&e.to_string_lossy())))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no golden inputs in {}", dir.display());
    let mut failed = Vec::new();
    for input in &inputs {
        let got = render(input);
        let expected_path = input.with_extension(format!(
            "{}.expected",
            input.extension().unwrap().to_string_lossy()
        ));
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            eprintln!(
                "--- {} differs from {}",
                input.display(),
                expected_path.display()
            );
            for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
                if g != e {
                    eprintln!(
                        "first difference at line {}:\n  expected: {e}\n  got:      {g}",
                        i + 1
                    );
                    break;
                }
            }
            failed.push(input.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "golden files differ (UPDATE_EXPECT=1 to bless): {failed:?}"
    );
}

#[test]
fn golden_files() {
    check_dir(&golden_dir(), &|e| e != "expected", &render);
}

/// Event coding of the files in `tests/data/golden-code/` against `<input>.expected` (the JSON
/// lines of `dyad code`).
#[test]
fn golden_code_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/golden-code");
    let lex = dyad::coding::builtin_lexicon();
    check_dir(&dir, &|e| e == "jsonl" || e == "txt", &|input| {
        each_doc(input, |doc, out| {
            // The records `dyad code` writes, through the same functions.
            let events = dyad::coding::code_events(
                doc,
                lex,
                dyad_coder::Config::default(),
                dyad::coding::Parses::Own,
                None,
            );
            let facts = dyad::coding::facts(doc, &events, None);
            for line in dyad::coding::code_lines(doc, lex, &events, &facts) {
                // Each line is a typed record that reads back to itself.
                let mut buf = Vec::new();
                dyad_io::output::write_line(&mut buf, &line)?;
                let back: dyad_io::output::CodeLine = serde_json::from_slice(&buf).unwrap();
                assert_eq!(back, line, "{}", String::from_utf8_lossy(&buf));
                out.extend_from_slice(&buf);
            }
            Ok(())
        })
    });
}
