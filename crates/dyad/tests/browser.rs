//! The dashboard in headless Chromium (`tests/browser/dashboard.mjs`, playwright-core over the
//! Debian `chromium` package): it loads, a search filters the events, the article view
//! highlights the spans, and a hostile article (`<script>`, `onerror=`, `javascript:` links)
//! runs no script. The screenshot is kept in `target/test-artifacts/dashboard.png`.
//!
//! Needs node, Chromium (`CHROMIUM`, default `/usr/bin/chromium`) and
//! `tests/browser/node_modules` (`npm ci --prefix tests/browser`); without them the test
//! skips, unless `DYAD_REQUIRE_BROWSER=1` (set by `.ci/run`, which installs them).

mod common;

use std::process::Command;

#[test]
fn dashboard_in_chromium() {
    let repo = common::repo();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let script = repo.join("tests/browser/dashboard.mjs");
    let has_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing = if !has_node {
        Some("node")
    } else if !std::path::Path::new(&chromium).exists() {
        Some("chromium")
    } else if !repo
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        Some("tests/browser/node_modules (npm ci --prefix tests/browser)")
    } else {
        None
    };
    if let Some(what) = missing {
        assert!(
            std::env::var("DYAD_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "{what} is missing, and DYAD_REQUIRE_BROWSER=1 says the browser test must run"
        );
        eprintln!("skipped: {what} is missing (set DYAD_REQUIRE_BROWSER=1 to make this a failure)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("dyad-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let hostile = dir.join("hostile.jsonl");
    std::fs::write(
        &hostile,
        r#"{"id":"hostile","date":"2024-05-01","title":"<img src=x onerror=alert(1)> headline","text":"Russia attacked Ukraine <script>alert(1)</script> near <a href=\"javascript:alert(2)\">Kharkiv</a> on Monday. <b onmouseover=alert(3)>Officials</b> said the strikes hit <img src=x onerror=alert(4)> power stations."}"#,
    )
    .unwrap();
    let db = dir.join("s.db");
    common::ingest_sample(&db, &[&hostile]);
    let server = common::serve(&db, &[]);
    let url = format!("http://{}/", server.addr);
    let artifacts = repo.join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("dashboard.png");
    let run = Command::new("node")
        .arg(&script)
        .arg(&url)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .current_dir(repo.join("tests/browser"))
        .output()
        .unwrap();
    drop(server);
    println!("{}", String::from_utf8_lossy(&run.stdout));
    assert!(
        run.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
    std::fs::remove_dir_all(&dir).ok();
}
