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
