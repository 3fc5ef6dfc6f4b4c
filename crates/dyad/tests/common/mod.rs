//! Helpers shared by the integration tests: the repository root and `../shared`, the read-only
//! data next to the checkout. Tests that need `../shared` skip with a message when it is absent,
//! and fail instead when `DYAD_REQUIRE_SHARED=1` (CI sets it, so that a missing folder cannot
//! turn the accuracy and conformance tests into silent passes).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether `DYAD_REQUIRE_SHARED=1` is set.
pub fn shared_required() -> bool {
    std::env::var("DYAD_REQUIRE_SHARED").is_ok_and(|v| v == "1")
}

/// Skips (returns `None` with a message on stderr) or, with `DYAD_REQUIRE_SHARED=1`, fails:
/// `what` is missing.
#[track_caller]
pub fn skip<T>(what: &str) -> Option<T> {
    assert!(
        !shared_required(),
        "{what} is missing, and DYAD_REQUIRE_SHARED=1 says the test must run"
    );
    eprintln!("skipped: {what} is missing (set DYAD_REQUIRE_SHARED=1 to make this a failure)");
    None
}

/// `../shared/<rel>` when it exists; otherwise skips or fails as [`skip`] says.
#[track_caller]
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.exists() {
        Some(p)
    } else {
        skip(&format!("../shared/{rel}"))
    }
}

/// The number after `name` (`F1=`, `speaker=`) in an evaluation report.
pub fn report_field(report: &str, name: &str) -> f64 {
    report
        .split_whitespace()
        .find_map(|w| w.strip_prefix(name))
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

/// A running `dyad serve`, killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// The `HOST:PORT` it listens on.
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `dyad serve` over the store `db` on a free port of 127.0.0.1, with `extra`
/// arguments, and waits until it listens.
pub fn serve(db: &Path, extra: &[&str]) -> Server {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(extra)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// Ingests the sample articles and `more` files into the store `db`, failing on any error.
pub fn ingest_sample(db: &Path, more: &[&Path]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dyad"))
        .args(["ingest", "--quiet", "--db"])
        .arg(db)
        .arg(repo().join("data/sample/articles.jsonl"))
        .args(more)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
