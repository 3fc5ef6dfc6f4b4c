//! The readers on the fixture files in `tests/data/readers`, through the public API.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dyad_io::read::{
    open, open_with_skips, read_bytes, read_bytes_with_skips, InputFormat, ReaderConfig, Record,
    Skips,
};
use proptest::prelude::*;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/readers")
}

fn data(name: &str) -> PathBuf {
    data_dir().join(name)
}

/// Renders a record on one line with paths relative to the fixture directory.
fn render(record: &Record) -> String {
    let root = format!("{}/", data_dir().display());
    let s = match record {
        Ok(doc) => {
            let a = &doc.article;
            let mut s = format!("{} @{} {:?}", a.id, a.origin, a.text);
            let fields = [("url", &a.url), ("source", &a.source), ("title", &a.title)];
            for (field, value) in fields {
                if let Some(v) = value {
                    s += &format!(" {field}={v:?}");
                }
            }
            if let Some(p) = a.published {
                s += &format!(" date={p}");
            }
            if let Some(parse) = &a.parse {
                s += &format!(" parse={parse:?}");
            }
            for (k, v) in &a.extra {
                s += &format!(" +{k}={v}");
            }
            for d in &doc.diagnostics {
                s += &format!(" [{}: {}]", d.code, d.message);
            }
            assert!(!doc.annotated, "readers never annotate");
            s
        }
        Err(e) => format!("error {e}"),
    };
    s.replace(&root, "")
}

/// Opens the fixtures named by `inputs` and compares every record.
fn check(inputs: &[&str], expect: &[&str]) {
    check_with(inputs, &ReaderConfig::default(), expect);
}

fn check_with(inputs: &[&str], config: &ReaderConfig, expect: &[&str]) {
    let inputs: Vec<PathBuf> = inputs.iter().map(|name| data(name)).collect();
    let got: Vec<String> = open(&inputs, config).map(|r| render(&r)).collect();
    assert_eq!(got, expect);
}

#[test]
fn directory_walk_is_sorted_recursive_and_skips_hidden() {
    check(
        &["dir"],
        &[
            r#"a.txt @dir/a.txt "Lavrov met Kuleba in Antalya.\n""#,
            r#"sub/b.txt @dir/sub/b.txt "Guterres called for a ceasefire.\n""#,
        ],
    );
}

#[test]
fn file_argument_id_is_its_path() {
    check(
        &["dir/sub/b.txt"],
        &[r#"dir/sub/b.txt @dir/sub/b.txt "Guterres called for a ceasefire.\n""#],
    );
}

#[test]
fn hidden_file_named_explicitly_is_read() {
    check(
        &["dir/.hidden.txt"],
        &[r#"dir/.hidden.txt @dir/.hidden.txt "hidden file, never read\n""#],
    );
}

#[test]
fn jsonl_good_and_bad_lines() {
    check(
        &["articles.jsonl"],
        &[
            r#"good @articles.jsonl:1 "Lavrov met Kuleba in Antalya." url="https://news.test/1" source="afp" title="Talks" date=2022-03-10"#,
            "error articles.jsonl:2: malformed-json: invalid json at column 39: end of line while parsing a string",
            "error articles.jsonl:3 (record no-text): malformed-json: missing field `text`",
            r#"bad-date @articles.jsonl:5 "Guterres called for a ceasefire." [invalid-date: cannot parse date "2022-13-45" and left it out]"#,
            r#"extra @articles.jsonl:6 "Turkey hosted the talks." +lang="en" +tags=["diplomacy", "ukraine"]"#,
        ],
    );
}

#[test]
fn html_page_with_json_ld() {
    check(
        &["page.html"],
        &[concat!(
            r#"page.html @page.html "Russian Foreign Minister Sergei Lavrov met his Ukrainian counterpart Dmytro Kuleba in the Turkish resort of Antalya on Thursday, the first high-level talks since the invasion began.\n\n"#,
            r#"Kuleba said after the meeting that no progress had been made on a ceasefire, while Lavrov repeated Moscow's demands.\n\n"#,
            r#"Turkish Foreign Minister Mevlut Cavusoglu, who hosted the talks, said the meeting was a start.""#,
            r#" url="https://news.test/antalya" source="News Test" title="Foreign ministers meet in Antalya" date=2022-03-10T09:30:00+02:00"#,
        )],
    );
}

#[test]
fn petrarch_two_records() {
    check(
        &["records.xml"],
        &[
            r#"AFP0808-01 @records.xml:2 "Arnor is about to restore full diplomatic ties with Gondor almost\nfive years after crowds trashed its embassy." source="afp" date=2008-08-01 parse="(ROOT (S (NP (NNP Arnor)) (VP (VBZ is))))" +sentence="True""#,
            r#"AFP0808-02 @records.xml:11 "Gondor welcomed the decision." source="afp" date=2008-08-02 +sentence="True""#,
        ],
    );
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_a_warning() {
    check(
        &["latin1.txt"],
        &["latin1.txt @latin1.txt \"Caf\u{fffd} talks in Gen\u{fffd}ve ended.\\n\" [invalid-utf8: 2 bytes of invalid utf-8 replaced with U+FFFD]"],
    );
}

#[test]
fn binary_file_is_an_error() {
    check(
        &["binary.bin"],
        &["error binary.bin: binary: nul byte at offset 8"],
    );
}

#[test]
fn empty_file_is_an_error() {
    check(&["empty.txt"], &["error empty.txt: empty: input is empty"]);
}

#[test]
fn missing_file_is_an_io_error_and_reading_goes_on() {
    check(
        &["no-such-file.txt", "dir/a.txt"],
        &[
            "error no-such-file.txt: io: cannot open: no such file or directory (os error 2)",
            r#"dir/a.txt @dir/a.txt "Lavrov met Kuleba in Antalya.\n""#,
        ],
    );
}

#[test]
fn oversize_file_is_rejected_before_reading() {
    let config = ReaderConfig {
        max_article_bytes: 10,
        ..ReaderConfig::default()
    };
    check_with(
        &["dir/a.txt"],
        &config,
        &["error dir/a.txt: oversize: input is 30 bytes, over the limit of 10 bytes"],
    );
}

#[test]
fn fixed_format_overrides_the_extension() {
    let config = ReaderConfig {
        format: InputFormat::Text,
        ..ReaderConfig::default()
    };
    check_with(
        &["records.xml"],
        &config,
        &[&format!(
            "records.xml @records.xml {:?}",
            std::fs::read_to_string(data("records.xml")).unwrap()
        )],
    );
}

/// Reads `input` as standard input and renders the records.
fn check_stdin(input: &str, expect: &[&str]) {
    let records = read_bytes(
        "-",
        input.as_bytes(),
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    let got: Vec<String> = records.iter().map(render).collect();
    assert_eq!(got, expect);
}

#[test]
fn stdin_format_is_sniffed() {
    check_stdin("\n {\"id\":\"j\",\"text\":\"x\"}", &[r#"j @-:2 "x""#]);
    check_stdin(
        "<Sentence id=\"p\"><Text>x</Text></Sentence>",
        &[r#"p @-:1 "x""#],
    );
    check_stdin(
        "<html><body><p>Lavrov met Kuleba.</p></body></html>",
        &[r#"- @- "Lavrov met Kuleba.""#],
    );
    check_stdin("Lavrov met Kuleba.", &[r#"- @- "Lavrov met Kuleba.""#]);
    check_stdin(" \n\t", &["error -: empty: input holds only whitespace"]);
}

#[test]
fn utf8_bom_is_dropped() {
    let records = read_bytes(
        "a.txt",
        b"\xEF\xBB\xBFtext",
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [r#"a.txt @a.txt "text""#]
    );
}

/// `Published::parse` in dyad-core panicked on `"2022-\u{fffd}"` (found by the `read_jsonl`
/// fuzz target): it slices dates by byte offset. The readers only hand it ASCII.
#[test]
fn non_ascii_date_is_a_warning_not_a_panic() {
    let config = ReaderConfig::default();
    let jsonl = "{\"id\":\"a\",\"date\":\"2022-\u{fffd}\",\"text\":\"x\"}";
    let records = read_bytes("a.jsonl", jsonl.as_bytes(), InputFormat::Auto, &config);
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        ["a @a.jsonl:1 \"x\" [invalid-date: cannot parse date \"2022-\u{fffd}\" and left it out]"]
    );
    let xml = "<Sentence id=\"b\" date=\"2022-\u{e9}01\"><Text>x</Text></Sentence>";
    let records = read_bytes("b.xml", xml.as_bytes(), InputFormat::Auto, &config);
    assert!(records[0].as_ref().unwrap().article.published.is_none());
    let html = "<meta name=\"date\" content=\"2022-\u{e9}01\"><p>x</p>";
    let records = read_bytes("c.html", html.as_bytes(), InputFormat::Auto, &config);
    assert!(records[0].as_ref().unwrap().article.published.is_none());
}

#[test]
fn readers_stream_jsonl_lazily() {
    // The first record is available before the rest of the input is parsed: a reader that
    // slurped the whole input would have to read past the bad lines first.
    let mut records = open(&[data("articles.jsonl")], &ReaderConfig::default());
    assert!(records.next().unwrap().is_ok());
    assert!(records.next().unwrap().is_err());
}

const FORMATS: [InputFormat; 7] = [
    InputFormat::Auto,
    InputFormat::Text,
    InputFormat::Jsonl,
    InputFormat::Html,
    InputFormat::Petrarch,
    InputFormat::Warc,
    InputFormat::Feed,
];

proptest! {
    #[test]
    fn read_bytes_never_panics_and_ok_records_have_text(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        format in 0..FORMATS.len(),
    ) {
        let config = ReaderConfig { max_article_bytes: 256, ..ReaderConfig::default() };
        for doc in read_bytes("-", &bytes, FORMATS[format], &config).into_iter().flatten() {
            prop_assert!(!doc.article.text.trim().is_empty(), "{:?}", doc.article);
        }
    }

    #[test]
    fn markup_like_input_never_panics(
        text in "(<Sentence( id=\"[a-z]{0,3}\")?>|</Sentence>|<Text>|</Text>|<p>|</p>|\\{\"text\":|\"[a-z &;<>]{0,8}\"|\\}|\n| |[a-z&;#0-9]{1,5}){0,40}",
        format in 0..FORMATS.len(),
    ) {
        let config = ReaderConfig::default();
        for doc in read_bytes("-", text.as_bytes(), FORMATS[format], &config).into_iter().flatten() {
            prop_assert!(!doc.article.text.trim().is_empty(), "{:?}", doc.article);
        }
    }
}

/// The repository's root, where `data/sample` is.
fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// A file for one test under Cargo's scratch directory for integration tests.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// One WARC record with the fields given and its `Content-Length`.
fn warc_record(kind: &str, fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut record = format!("WARC/1.0\r\nWARC-Type: {kind}\r\n");
    for (name, value) in fields {
        record += &format!("{name}: {value}\r\n");
    }
    record += &format!("Content-Length: {}\r\n\r\n", block.len());
    let mut record = record.into_bytes();
    record.extend_from_slice(block);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

/// A `response` record of `uri` holding an HTTP response with these header lines and body.
fn warc_response(uri: &str, date: &str, http_head: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!("{http_head}\r\n\r\n").into_bytes();
    block.extend_from_slice(body);
    let fields = [
        ("WARC-Target-URI", uri),
        ("WARC-Date", date),
        ("Content-Type", "application/http; msgtype=response"),
    ];
    warc_record("response", &fields, &block)
}

/// The HTML pages of the repository, and one without a date of its own.
fn html_pages() -> Vec<(String, Vec<u8>)> {
    let mut pages: Vec<(String, Vec<u8>)> = [
        "data/sample/page.html",
        "tests/data/readers/page.html",
        "tests/data/golden/page.html",
    ]
    .iter()
    .map(|path| (path.to_string(), std::fs::read(repo(path)).unwrap()))
    .collect();
    let undated = "<html><head><title>Undated</title></head><body><p>Kenya and Ethiopia \
                   signed a trade agreement in Nairobi.</p></body></html>";
    pages.push(("undated.html".to_string(), undated.as_bytes().to_vec()));
    pages
}

/// A compressor of one gzip member.
type Compress = fn(&[u8]) -> Vec<u8>;

/// The records of a crawl of [`html_pages`] as `warc_response` records, each in its own gzip
/// member when `per_member` is given: a warcinfo record, a request before each response (the
/// second page chunked and gzipped by the server), a redirect, a PDF, a metadata record and a
/// revisit.
fn crawl(per_member: Option<Compress>) -> (Vec<u8>, Vec<(String, String)>) {
    let wrap = |record: Vec<u8>| match per_member {
        Some(compress) => compress(&record),
        None => record,
    };
    let mut warc = wrap(warc_record(
        "warcinfo",
        &[("Content-Type", "application/warc-fields")],
        b"software: dyad tests\r\n",
    ));
    let mut urls = Vec::new();
    for (i, (name, page)) in html_pages().into_iter().enumerate() {
        let uri = format!("https://crawl.test/{i}");
        let request = format!("GET /{i} HTTP/1.1\r\nHost: crawl.test\r\n\r\n");
        warc.extend(wrap(warc_record(
            "request",
            &[("WARC-Target-URI", &uri)],
            request.as_bytes(),
        )));
        let date = "2024-06-01T12:00:00Z";
        let response = if i == 1 {
            let gzipped = gzip(&page);
            let mut chunked = Vec::new();
            for chunk in gzipped.chunks(100) {
                chunked.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
                chunked.extend(chunk);
                chunked.extend(b"\r\n");
            }
            chunked.extend(b"0\r\n\r\n");
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                        Transfer-Encoding: chunked\r\nContent-Encoding: gzip";
            warc_response(&uri, date, head, &chunked)
        } else {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8";
            warc_response(&uri, date, head, &page)
        };
        warc.extend(wrap(response));
        urls.push((name, uri));
    }
    let redirect = "HTTP/1.1 301 Moved Permanently\r\nLocation: https://crawl.test/0";
    warc.extend(wrap(warc_response(
        "https://crawl.test/old",
        "2024-06-01T12:00:00Z",
        redirect,
        b"",
    )));
    let pdf = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf";
    warc.extend(wrap(warc_response(
        "https://crawl.test/a.pdf",
        "2024-06-01T12:00:00Z",
        pdf,
        b"%PDF-1.4\x00\x01",
    )));
    warc.extend(wrap(warc_record(
        "metadata",
        &[("WARC-Target-URI", "https://crawl.test/0")],
        b"fetchTimeMs: 12\r\n",
    )));
    warc.extend(wrap(warc_record(
        "revisit",
        &[("WARC-Target-URI", "https://crawl.test/0")],
        b"",
    )));
    (warc, urls)
}

/// The skips of [`crawl`].
fn crawl_skips(pages: usize) -> Vec<(String, u64)> {
    vec![
        ("http response not html".to_string(), 1),
        ("http status 3xx".to_string(), 1),
        ("warc metadata record".to_string(), 1),
        ("warc request record".to_string(), pages as u64),
        ("warc revisit record".to_string(), 1),
        ("warc warcinfo record".to_string(), 1),
    ]
}

/// Reads a crawl file and checks that its articles are the HTML pages read directly, with the
/// URL as id and url, and the counts of what was skipped.
fn check_crawl(name: &str, warc: &[u8], urls: &[(String, String)]) {
    let path = scratch(name, warc);
    let skips = Arc::new(Skips::new());
    let records: Vec<Record> = open_with_skips(
        std::slice::from_ref(&path),
        &ReaderConfig::default(),
        &skips,
    )
    .collect();
    assert_eq!(records.len(), urls.len(), "{records:?}");
    let pages = html_pages();
    for ((record, (page_name, url)), (_, page)) in records.iter().zip(urls).zip(&pages) {
        let got = record.as_ref().unwrap();
        let direct = read_bytes(page_name, page, InputFormat::Html, &ReaderConfig::default());
        let direct = direct[0].as_ref().unwrap();
        assert_eq!(
            (&got.article.id, got.article.url.as_deref()),
            (url, Some(url.as_str()))
        );
        assert!(got
            .article
            .origin
            .starts_with(&format!("{}@", path.display())));
        let (a, b) = (&got.article, &direct.article);
        assert_eq!(
            (&a.title, &a.text, &a.source),
            (&b.title, &b.text, &b.source),
            "{page_name}"
        );
        assert_eq!(got.diagnostics, direct.diagnostics, "{page_name}");
        match b.published {
            Some(date) => assert_eq!(a.published, Some(date), "{page_name}"),
            // A page without a date of its own takes the WARC record's.
            None => assert_eq!(a.published.unwrap().to_string(), "2024-06-01T12:00:00Z"),
        }
    }
    assert_eq!(skips.summary(), crawl_skips(urls.len()));
}

#[test]
fn warc_gz_one_member_a_record_reads_as_the_html_pages() {
    let (warc, urls) = crawl(Some(gzip));
    check_crawl("crawl.warc.gz", &warc, &urls);
}

#[test]
fn plain_and_zstd_warc_read_as_the_html_pages() {
    let (warc, urls) = crawl(None);
    check_crawl("crawl.warc", &warc, &urls);
    check_crawl("crawl.warc.zst", &zstd(&warc), &urls);
    // All records in one gzip member, as some tools write them.
    check_crawl("one-member.warc.gz", &gzip(&warc), &urls);
}

#[test]
fn warc_offsets_name_gzip_members() {
    let first = gzip(&warc_record("warcinfo", &[], b"x"));
    let page = "HTTP/1.1 200 OK\r\nContent-Type: text/html";
    let second = gzip(&warc_response(
        "https://a.test/",
        "2024-06-01",
        page,
        b"<p>Talks ended.</p>",
    ));
    let warc = [first.clone(), second].concat();
    let records = read_bytes(
        "c.warc.gz",
        &warc,
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [format!(
            r#"https://a.test/ @c.warc.gz@{} "Talks ended." url="https://a.test/" date=2024-06-01"#,
            first.len()
        )]
    );
}

#[test]
fn warc_fixture_with_a_malformed_record() {
    let skips = Arc::new(Skips::new());
    let got: Vec<String> = open_with_skips(&[data("crawl.warc")], &ReaderConfig::default(), &skips)
        .map(|r| render(&r))
        .collect();
    assert_eq!(
        got,
        [
            r#"https://news.test/guterres @crawl.warc@547 "UN Secretary-General Antonio Guterres called on Wednesday for an immediate ceasefire in Sudan.\n\nHe said humanitarian workers must be allowed to reach the wounded." url="https://news.test/guterres" title="Guterres calls for ceasefire" date=2023-04-19T12:00:02Z"#,
            "error crawl.warc: malformed-markup: record 5 at byte 1544: content-length \"twelve\" is not a number",
            r#"https://news.test/kenya @crawl.warc@1617 "Kenya and Ethiopia signed a trade agreement in Nairobi." url="https://news.test/kenya" date=2023-04-18"#,
        ]
    );
    assert_eq!(
        skips.summary(),
        [
            ("http status 4xx".to_string(), 1),
            ("warc request record".to_string(), 1),
            ("warc warcinfo record".to_string(), 1)
        ]
    );
}

#[test]
fn corrupt_gzip_member_is_an_error_and_reading_goes_on() {
    let page = |text: &str| {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html";
        let body = format!("<p>{text}</p>");
        warc_response("https://a.test/", "2024-06-01", head, body.as_bytes())
    };
    let mut bad = gzip(&page("Two."));
    // A compression method other than deflate makes the member's header invalid.
    bad[2] = 9;
    let members = [
        gzip(&page("One.")),
        bad,
        gzip(&page("Three.")),
        // A record cut inside its header, then one whose header is not WARC's.
        gzip(&page("Four.")[..60]),
        gzip(&page("Five.")),
        gzip(b"HTTP/1.1 200 OK\r\n\r\n"),
        gzip(&page("Six.")),
    ];
    let at = |n: usize| members[..n].iter().map(Vec::len).sum::<usize>();
    let records = read_bytes(
        "c.warc.gz",
        &members.concat(),
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    let got: Vec<String> = records.iter().map(render).collect();
    let page_at = |n: usize, text: &str| {
        format!(
            r#"https://a.test/ @c.warc.gz@{} "{text}" url="https://a.test/" date=2024-06-01"#,
            at(n)
        )
    };
    assert_eq!(
        got,
        [
            page_at(0, "One."),
            format!("error c.warc.gz: io: record 2: cannot read: invalid gzip data in the member at byte {}: invalid gzip header", at(1)),
            page_at(2, "Three."),
            format!("error c.warc.gz: malformed-markup: record 4 at byte {}: the warc header is truncated", at(3)),
            page_at(4, "Five."),
            format!("error c.warc.gz: malformed-markup: record 6 at byte {}: expected a warc version line, found \"HTTP/1.1 200 OK\"", at(5)),
            page_at(6, "Six."),
        ]
    );
}

#[test]
fn warc_payload_over_the_limit_is_an_error_record() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html";
    let big = format!("<p>{}</p>", "x".repeat(300));
    let first = warc_response("https://a.test/big", "2024-06-01", head, big.as_bytes());
    let second = warc_response("https://a.test/small", "2024-06-01", head, b"<p>Small.</p>");
    let warc = [first.clone(), second].concat();
    let config = ReaderConfig {
        max_article_bytes: 200,
        ..ReaderConfig::default()
    };
    let records = read_bytes("c.warc", &warc, InputFormat::Auto, &config);
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [
            "error c.warc (record https://a.test/big): oversize: record 1 at byte 0: the html payload is over the limit of 200 bytes".to_string(),
            format!(r#"https://a.test/small @c.warc@{} "Small." url="https://a.test/small" date=2024-06-01"#, first.len()),
        ]
    );
}

#[test]
fn empty_warc_is_an_error() {
    let records = read_bytes(
        "e.warc.gz",
        &gzip(b""),
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        ["error e.warc.gz: empty: no warc records in the input"]
    );
}

#[test]
fn compressed_jsonl_reads_as_the_plain_file() {
    let plain = std::fs::read(repo("data/sample/articles.jsonl")).unwrap();
    let expect: Vec<String> = read_bytes(
        "a.jsonl",
        &plain,
        InputFormat::Auto,
        &ReaderConfig::default(),
    )
    .iter()
    .map(render)
    .collect();
    assert!(expect.len() >= 3);
    for (name, bytes) in [("a.jsonl.gz", gzip(&plain)), ("a.jsonl.zst", zstd(&plain))] {
        let path = scratch(name, &bytes);
        let got: Vec<String> = open(&[path], &ReaderConfig::default())
            .map(|r| render(&r).replace(name, "a.jsonl"))
            .map(|r| r.replace(&format!("{}/", env!("CARGO_TARGET_TMPDIR")), ""))
            .collect();
        assert_eq!(got, expect, "{name}");
    }
}

#[test]
fn stdin_is_sniffed_for_compression_then_format() {
    let jsonl = b"{\"id\":\"j\",\"text\":\"Lavrov met Kuleba.\"}\n";
    for compressed in [gzip(jsonl), zstd(jsonl)] {
        let records = read_bytes(
            "-",
            &compressed,
            InputFormat::Auto,
            &ReaderConfig::default(),
        );
        assert_eq!(
            records.iter().map(render).collect::<Vec<_>>(),
            [r#"j @-:1 "Lavrov met Kuleba.""#]
        );
    }
    let (warc, urls) = crawl(Some(gzip));
    let skips = Arc::new(Skips::new());
    let records = read_bytes_with_skips(
        "-",
        &warc,
        InputFormat::Auto,
        &ReaderConfig::default(),
        &skips,
    );
    assert_eq!(records.iter().filter(|r| r.is_ok()).count(), urls.len());
    assert_eq!(skips.summary(), crawl_skips(urls.len()));
    let feed = std::fs::read(data("feed.rss")).unwrap();
    let records = read_bytes(
        "-",
        &zstd(&feed),
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(records.len(), 2);
}

#[test]
fn compressed_text_and_a_fixed_format() {
    let text = b"Guterres called for a ceasefire.";
    let records = read_bytes(
        "a.txt.zst",
        &zstd(text),
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [r#"a.txt.zst @a.txt.zst "Guterres called for a ceasefire.""#]
    );
    let config = ReaderConfig {
        format: InputFormat::Text,
        ..ReaderConfig::default()
    };
    let records = read_bytes("news.gz", &gzip(text), InputFormat::Text, &config);
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [r#"news.gz @news.gz "Guterres called for a ceasefire.""#]
    );
}

#[test]
fn corrupt_jsonl_gz_keeps_the_records_before() {
    let mut lines = String::new();
    for i in 0..2000 {
        lines += &format!("{{\"id\":\"a{i}\",\"text\":\"Article number {i} of the batch.\"}}\n");
    }
    let mut bytes = gzip(lines.as_bytes());
    let cut = bytes.len() * 3 / 4;
    bytes.truncate(cut);
    let records = read_bytes(
        "b.jsonl.gz",
        &bytes,
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    let (ok, errors): (Vec<_>, Vec<_>) = records.iter().partition(|r| r.is_ok());
    assert!(ok.len() > 1000, "{}", ok.len());
    assert_eq!(errors.len(), 1);
    let error = render(errors[0]);
    assert!(
        error.contains(
            ": io: cannot read: invalid gzip data in the member at byte 0: the member is truncated"
        ),
        "{error}"
    );
}

#[test]
fn corrupt_gzip_inside_the_first_bytes_keeps_the_lines_before() {
    let jsonl = b"{\"id\":\"a\",\"text\":\"Lavrov met Kuleba.\"}\n{\"id\":\"b\",\"text\":\"x\"}\n";
    let mut bytes = gzip(jsonl);
    let crc = bytes.len() - 8;
    bytes[crc] ^= 0xff;
    let records = read_bytes(
        "c.jsonl.gz",
        &bytes,
        InputFormat::Auto,
        &ReaderConfig::default(),
    );
    assert_eq!(
        records.iter().map(render).collect::<Vec<_>>(),
        [
            r#"a @c.jsonl.gz:1 "Lavrov met Kuleba.""#,
            r#"b @c.jsonl.gz:2 "x""#,
            "error c.jsonl.gz:3: io: cannot read: invalid gzip data in the member at byte 0: corrupt gzip stream does not have a matching checksum",
        ]
    );
}

#[test]
fn rss_feed_fixture() {
    let skips = Arc::new(Skips::new());
    let got: Vec<String> = open_with_skips(&[data("feed.rss")], &ReaderConfig::default(), &skips)
        .map(|r| render(&r))
        .collect();
    assert_eq!(
        got,
        [
            r#"https://news.test/antalya @feed.rss:7 "Russian Foreign Minister Sergei Lavrov met his Ukrainian counterpart Dmytro Kuleba in Antalya on Thursday.\n\nTurkish Foreign Minister Mevlut Cavusoglu hosted the talks." url="https://news.test/antalya" source="News Test" title="Foreign ministers meet in Antalya" date=2022-03-10T09:30:00+02:00"#,
            r#"news-test-3 @feed.rss:20 "Guterres called for a ceasefire & talks." source="News Test" date=2022-03-11"#,
        ]
    );
    assert_eq!(skips.summary(), [("feed item without text".to_string(), 1)]);
}

#[test]
fn atom_feed_in_a_xml_file() {
    check(
        &["atom.xml"],
        &[
            r#"https://atom.test/antalya @atom.xml:7 "Lavrov met Kuleba in Antalya.\n\nNo progress was made." url="https://atom.test/antalya" source="Atom Test" title="Talks in Antalya" date=2022-03-10T09:30:00+02:00"#,
        ],
    );
}

proptest! {
    #[test]
    fn any_bytes_as_warc_or_feed_give_records_or_errors(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        name in 0..6usize,
    ) {
        let names = ["x.warc", "x.warc.gz", "x.warc.zst", "x.rss", "x.xml", "x.jsonl.gz"];
        let config = ReaderConfig { max_article_bytes: 256, ..ReaderConfig::default() };
        for doc in read_bytes(names[name], &bytes, InputFormat::Auto, &config).into_iter().flatten() {
            prop_assert!(!doc.article.text.trim().is_empty(), "{:?}", doc.article);
        }
    }

    #[test]
    fn warc_like_input_never_panics(
        parts in proptest::collection::vec(
            "(WARC/1\\.0\r\n|WARC-Type: (response|request|warcinfo)\r\n|Content-Length: [0-9]{1,3}\r\n|Content-Type: application/http\r\n|\r\n|HTTP/1\\.1 [1-5]0[0-9] OK\r\n|Content-Type: text/html\r\n|Transfer-Encoding: chunked\r\n|Content-Encoding: (gzip|deflate|zstd|br)\r\n|[0-9a-f]{1,2}\r\n|<p>[a-z ]{0,12}</p>|WARC-Target-URI: [a-z:/.]{0,12}\r\n|[ -~]{0,8})",
            0..40,
        ),
        compress in 0..3usize,
    ) {
        let warc: Vec<u8> = parts.concat().into_bytes();
        let (name, bytes) = match compress {
            0 => ("x.warc", warc),
            1 => ("x.warc.gz", gzip(&warc)),
            _ => ("x.warc.zst", zstd(&warc)),
        };
        let config = ReaderConfig { max_article_bytes: 256, ..ReaderConfig::default() };
        for doc in read_bytes(name, &bytes, InputFormat::Auto, &config).into_iter().flatten() {
            prop_assert!(!doc.article.text.trim().is_empty(), "{:?}", doc.article);
        }
    }

    #[test]
    fn feed_like_input_never_panics(
        text in "(<rss>|<feed>|<channel>|<item>|</item>|<entry>|</entry>|<title>|</title>|<link( href=\"[a-z]{0,3}\")?>|</link>|<description>|</description>|<content type=\"(html|xhtml|text)\">|</content>|<pubDate>|</pubDate>|<p>|<br>|&lt;p&gt;|&amp;|<!\\[CDATA\\[|\\]\\]>|[A-Za-z0-9 ,:+]{1,12}|\n){0,40}",
    ) {
        let config = ReaderConfig { max_article_bytes: 256, ..ReaderConfig::default() };
        for doc in read_bytes("x.rss", text.as_bytes(), InputFormat::Auto, &config).into_iter().flatten() {
            prop_assert!(!doc.article.text.trim().is_empty(), "{:?}", doc.article);
        }
    }
}
