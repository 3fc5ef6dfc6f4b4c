//! The readers on the fixture files in `tests/data/readers`, through the public API.

use std::path::PathBuf;

use dyad_io::read::{open, read_bytes, InputFormat, ReaderConfig, Record};
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

const FORMATS: [InputFormat; 5] = [
    InputFormat::Auto,
    InputFormat::Text,
    InputFormat::Jsonl,
    InputFormat::Html,
    InputFormat::Petrarch,
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
