//! `dyad serve` over a store of the sample articles and a hostile one: every endpoint answers
//! JSON of the documented shape, errors carry stable codes, the analyze endpoint needs the
//! token, and the dashboard's pages carry a CSP that forbids inline script.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

/// One HTTP/1.1 request; (status, headers, body).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap();
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&resp[..split]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = resp[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (status, head, body)
}

fn unchunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&b[..end]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + n]);
        b = &b[end + 4 + n..];
    }
}

fn get(addr: &str, path: &str) -> (u16, serde_json::Value) {
    let (status, _, body) = request(addr, "GET", path, &[], b"");
    (status, serde_json::from_slice(&body).unwrap())
}

#[test]
fn api_and_dashboard() {
    let dir = std::env::temp_dir().join(format!("dyad-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("s.db");
    let hostile = dir.join("hostile.jsonl");
    std::fs::write(
        &hostile,
        r#"{"id":"hostile","date":"2024-05-01","title":"<img src=x onerror=alert(1)>","text":"Russia attacked Ukraine <script>alert(1)</script> near <a href=\"javascript:alert(2)\">Kharkiv</a>. The minister said \"<b onmouseover=alert(3)>we will respond</b> with all means available\"."}"#,
    )
    .unwrap();
    common::ingest_sample(&db, &[&hostile]);
    let server = common::serve(&db, &["--token", "s3cret"]);
    let a = server.addr.as_str();

    assert_eq!(
        get(a, "/healthz"),
        (200, serde_json::json!({"status": "ok"}))
    );
    let (status, stats) = get(a, "/api/stats");
    assert_eq!(status, 200);
    assert_eq!(stats["articles"], 9);
    let (_, page) = get(a, "/api/events?actor=RUS&limit=2");
    assert_eq!(page["limit"], 2);
    assert!(page["total"].as_u64().unwrap() >= 2);
    assert_eq!(page["events"].as_array().unwrap().len(), 2);
    let id = page["events"][0]["article_id"].as_i64().unwrap();
    let (status, article) = get(a, &format!("/api/articles/{id}"));
    assert_eq!(status, 200);
    assert!(article["text"].as_str().unwrap().len() > 100);
    assert!(article["sentences"].as_array().unwrap().len() > 2);
    assert!(!article["entities"].as_array().unwrap().is_empty());
    assert!(!article["events"].as_array().unwrap().is_empty());
    let (_, tl) = get(a, "/api/timeline?code=04");
    assert!(!tl["days"].as_array().unwrap().is_empty());
    let (_, actors) = get(a, "/api/actors?limit=5");
    assert_eq!(actors["actors"].as_array().unwrap().len(), 5);
    let (_, dyads) = get(a, "/api/dyads?limit=3");
    assert_eq!(dyads["dyads"].as_array().unwrap().len(), 3);
    let (_, found) = get(a, "/api/articles?text=Myanmar");
    assert_eq!(found["articles"][0]["article"], "sample-003");
    let (status, _) = get(a, "/api/openapi.json");
    assert_eq!(status, 200);

    // Errors: JSON with a stable code.
    for (path, status, code) in [
        ("/api/events?actor=RUS%25", 400, "bad-request"),
        ("/api/events?limit=5000", 400, "bad-request"),
        ("/api/events?colour=red", 400, "bad-request"),
        ("/api/events?near=1,2", 400, "bad-request"),
        ("/api/articles/999999", 404, "not-found"),
        ("/api/articles/abc", 400, "bad-request"),
        ("/no/such/thing", 404, "not-found"),
    ] {
        let (s, v) = get(a, path);
        assert_eq!(
            (s, v["error"]["code"].as_str()),
            (status, Some(code)),
            "{path}: {v}"
        );
    }

    // Analyze: the token, then the article in, events out; oversize bodies refused.
    let article = br#"{"text": "Russia attacked Ukraine on Monday.", "date": "2022-03-10"}"#;
    let json = ("Content-Type", "application/json");
    let (s, _, body) = request(a, "POST", "/api/analyze", &[json], article);
    assert_eq!(s, 401, "{}", String::from_utf8_lossy(&body));
    let auth = ("Authorization", "Bearer s3cret");
    let (s, _, body) = request(a, "POST", "/api/analyze", &[json, auth], article);
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&body));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["events"][0]["cameo"].as_str().unwrap().get(..2),
        Some("19")
    );
    assert_eq!(v["events"][0]["source"]["code"], "RUS");
    let big = vec![b'a'; (1 << 20) + 10];
    let (s, _, body) = request(a, "POST", "/api/analyze", &[auth], &big);
    assert_eq!(s, 413, "{}", String::from_utf8_lossy(&body));

    // The hostile article comes back as data; the dashboard forbids inline script.
    let (_, found) = get(a, "/api/articles?text=attacked");
    let hostile_id = found["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["article"] == "hostile")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, art) = get(a, &format!("/api/articles/{hostile_id}"));
    assert!(art["text"]
        .as_str()
        .unwrap()
        .contains("<script>alert(1)</script>"));
    let (s, head, page) = request(a, "GET", "/", &[], b"");
    assert_eq!(s, 200);
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-security-policy: default-src 'self'; script-src 'self';"));
    assert!(head.contains("x-content-type-options: nosniff"));
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("<script src=\"/assets/app.js\""));
    let (_, _, js) = request(a, "GET", "/assets/app.js", &[], b"");
    let js = String::from_utf8(js).unwrap();
    assert!(!js.contains("innerHTML") && !js.contains("insertAdjacentHTML"));
    drop(server);

    // The rate limit answers 429 with its code.
    let server = common::serve(&db, &["--rate", "1"]);
    let codes: Vec<u16> = (0..6).map(|_| get(&server.addr, "/healthz").0).collect();
    assert!(codes.contains(&429), "{codes:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Answers are kept only while the store is unchanged: an ingest by another process while the
/// server runs shows up in the next answer, with or without the cache.
#[test]
fn cached_answers_follow_the_store() {
    let dir = std::env::temp_dir().join(format!("dyad-serve-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("s.db");
    let more = dir.join("more.jsonl");
    std::fs::write(
        &more,
        r#"{"id":"later","date":"2024-06-01","text":"Russia attacked Ukraine near Kharkiv on Saturday."}"#,
    )
    .unwrap();
    common::ingest_sample(&db, &[]);
    for extra in [&[][..], &["--no-cache"][..]] {
        let server = common::serve(&db, extra);
        let a = server.addr.as_str();
        let (_, before) = get(a, "/api/stats");
        let (_, again) = get(a, "/api/stats");
        assert_eq!(before, again, "{extra:?}");
        let (_, page) = get(a, "/api/events?limit=1000");
        common::ingest_sample(&db, &[&more]);
        let (_, after) = get(a, "/api/stats");
        assert_ne!(
            before, after,
            "{extra:?}: stats did not change after an ingest"
        );
        let (_, page_after) = get(a, "/api/events?limit=1000");
        let n = |p: &serde_json::Value| p["events"].as_array().unwrap().len();
        assert!(n(&page_after) > n(&page), "{extra:?}");
        assert!(page_after["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["article"] == "later"));
        // Back to the store before this round, for the next one.
        drop(server);
        std::fs::remove_file(&db).unwrap();
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        common::ingest_sample(&db, &[]);
    }
}
