//! HTML: one page per file. The main text comes from `dom_smoothie` (a port of Mozilla's
//! Readability), the metadata from the page's `<meta>` tags, JSON-LD and `<time>` elements.

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use dyad_core::{Article, Diagnostic, Doc, Published, RecordErrorKind};
use serde_json::Value;

use super::source::{parse_date, Source};
use super::Record;

/// Meta tag names (`name`, `property` or `itemprop`, lowercased) that give the publication date,
/// in the order they are trusted.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "datepublished",
];

/// Reads one HTML page into an article.
pub(crate) fn read(source: &Source, html: &str) -> Record {
    let doc = Document::from(html);
    let meta = Meta::of(&doc);
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    let extracted = Readability::with_document(doc, None, Some(config)).and_then(|mut r| r.parse());
    let (mut text, title) = match extracted {
        Ok(page) => (paragraphs(&page.text_content), Some(page.title)),
        Err(_) => (String::new(), None),
    };
    if text.is_empty() {
        // Readability found no main content (a page that is all navigation, or a fragment):
        // the whole body is better than nothing.
        text = body_text(html);
    }
    if text.is_empty() {
        return Err(source.error(RecordErrorKind::Empty, "html page holds no text"));
    }
    let mut diagnostics = Vec::new();
    let published = meta.published(&mut diagnostics);
    let title = title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .or(meta.title);
    let article = Article {
        id: source.id.clone(),
        url: meta.url,
        source: meta.site_name,
        title,
        published,
        text,
        origin: source.file.clone(),
        ..Article::default()
    };
    let mut doc = Doc::new(article);
    doc.diagnostics = diagnostics;
    Ok(doc)
}

/// What the page says about itself.
#[derive(Debug, Default)]
struct Meta {
    title: Option<String>,
    url: Option<String>,
    site_name: Option<String>,
    /// Candidate publication dates, most trusted first.
    dates: Vec<String>,
}

impl Meta {
    fn of(doc: &Document) -> Meta {
        let mut meta = Meta::default();
        let mut named: Vec<(usize, String)> = Vec::new();
        let (mut og_url, mut og_title) = (None, None);
        for node in doc.select("meta[content]").nodes() {
            let Some(content) = node.attr("content") else {
                continue;
            };
            let content = content.trim();
            if content.is_empty() {
                continue;
            }
            for attr in ["property", "name", "itemprop"] {
                let Some(key) = node.attr(attr) else { continue };
                let key = key.trim().to_ascii_lowercase();
                if let Some(rank) = DATE_KEYS.iter().position(|&k| k == key) {
                    named.push((rank, content.to_string()));
                }
                match key.as_str() {
                    "og:url" => og_url = og_url.or(Some(content.to_string())),
                    "og:title" => og_title = og_title.or(Some(content.to_string())),
                    "og:site_name" => {
                        meta.site_name = meta.site_name.or(Some(content.to_string()));
                    }
                    _ => {}
                }
            }
        }
        // A stable sort keeps document order among tags of the same rank.
        named.sort_by_key(|&(rank, _)| rank);
        meta.dates.extend(named.into_iter().map(|(_, date)| date));
        for script in doc.select(r#"script[type="application/ld+json"]"#).iter() {
            let json = script.text();
            let json = json.trim();
            let json = json
                .strip_prefix("<![CDATA[")
                .and_then(|j| j.strip_suffix("]]>"))
                .unwrap_or(json);
            if let Ok(value) = serde_json::from_str::<Value>(json) {
                if let Some(date) = find_string(&value, "datePublished") {
                    meta.dates.push(date.to_string());
                }
            }
        }
        if let Some(time) = doc.select("time[datetime]").nodes().first() {
            meta.dates
                .extend(time.attr("datetime").map(|d| d.trim().to_string()));
        }
        let canonical = doc.select(r#"link[rel="canonical"][href]"#);
        meta.url = og_url.or_else(|| canonical.attr("href").map(|h| h.trim().to_string()));
        let title = doc.select("title").text();
        meta.title = og_title.or_else(|| Some(title.trim().to_string()).filter(|t| !t.is_empty()));
        meta.url = meta.url.filter(|u| !u.is_empty());
        meta
    }

    /// The first candidate date that parses; when there are candidates and none parses, a
    /// warning names the first.
    fn published(&self, diagnostics: &mut Vec<Diagnostic>) -> Option<Published> {
        let published = self.dates.iter().find_map(|d| parse_date(d));
        if published.is_none() {
            if let Some(first) = self.dates.first() {
                let message = format!("cannot parse date {first:?} and left it out");
                diagnostics.push(Diagnostic::warning("invalid-date", message));
            }
        }
        published
    }
}

/// The first string value of `key` in a JSON-LD document, searching objects, arrays and
/// `@graph` lists depth first.
fn find_string<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(s)) = map.get(key) {
                return Some(s);
            }
            map.values().find_map(|v| find_string(v, key))
        }
        Value::Array(items) => items.iter().find_map(|v| find_string(v, key)),
        _ => None,
    }
}

/// The text of the whole body, without scripts and styles.
pub(crate) fn body_text(html: &str) -> String {
    let doc = Document::from(html);
    doc.select("script, style, noscript, template").remove();
    let body = doc.select("body");
    let text = if body.exists() {
        body.formatted_text()
    } else {
        doc.formatted_text()
    };
    paragraphs(&text)
}

/// Normalizes extracted text: lines trimmed, paragraphs separated by exactly one blank line.
pub(crate) fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `html` and renders the article as `title | url | source | date | text`.
    fn check(html: &str, expect: &str) {
        let source = Source {
            file: "page.html".to_string(),
            id: "page".to_string(),
        };
        let got = match read(&source, html) {
            Ok(doc) => {
                let a = &doc.article;
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
                let date = a.published.map_or("-".to_string(), |p| p.to_string());
                let mut s = format!(
                    "{} | {} | {} | {date} | {:?}",
                    show(&a.title),
                    show(&a.url),
                    show(&a.source),
                    a.text
                );
                for d in &doc.diagnostics {
                    s += &format!(" [{}: {}]", d.code, d.message);
                }
                s
            }
            Err(e) => format!("error {e}"),
        };
        assert_eq!(got, expect);
    }

    fn page(head: &str, body: &str) -> String {
        format!("<!doctype html><html><head>{head}</head><body>{body}</body></html>")
    }

    const BODY: &str = "<article><h1>Talks</h1><p>Lavrov met Kuleba in Antalya on Thursday.</p>\
        <p>The talks  ended\n without progress.</p></article>";

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        check(
            &page("<title>Talks</title>", BODY),
            "Talks | - | - | - | \"Lavrov met Kuleba in Antalya on Thursday.\\n\\nThe talks ended without progress.\"",
        );
    }

    #[test]
    fn open_graph_and_article_meta() {
        check(
            &page(
                r#"<meta property="og:title" content="Talks"><meta property="og:url" content="https://x.test/a">
                <meta property="og:site_name" content="X News"><meta property="article:published_time" content="2022-03-10T09:30:00+02:00">"#,
                BODY,
            ),
            "Talks | https://x.test/a | X News | 2022-03-10T09:30:00+02:00 | \"Lavrov met Kuleba in Antalya on Thursday.\\n\\nThe talks ended without progress.\"",
        );
    }

    #[test]
    fn json_ld_graph_date_and_canonical_link() {
        check(
            &page(
                r#"<title>Talks</title><link rel="canonical" href="https://x.test/c">
                <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"NewsArticle","datePublished":"2022-03-10"}]}</script>"#,
                "<p>Lavrov met Kuleba.</p>",
            ),
            "Talks | https://x.test/c | - | 2022-03-10 | \"Lavrov met Kuleba.\"",
        );
    }

    #[test]
    fn meta_name_date_and_time_element() {
        check(
            &page(
                r#"<meta name="DC.date" content="20220310">"#,
                "<p>x y z</p>",
            ),
            "- | - | - | 2022-03-10 | \"x y z\"",
        );
        check(
            &page("", r#"<p><time datetime="2022-03-11">Friday</time> x</p>"#),
            "- | - | - | 2022-03-11 | \"Friday x\"",
        );
    }

    #[test]
    fn unparseable_date_is_a_warning() {
        check(
            &page(r#"<meta name="pubdate" content="Thursday">"#, "<p>x</p>"),
            "- | - | - | - | \"x\" [invalid-date: cannot parse date \"Thursday\" and left it out]",
        );
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        check(
            &page(
                "<style>p{}</style>",
                "<script>var x;</script><div>only text</div>",
            ),
            "- | - | - | - | \"only text\"",
        );
    }

    #[test]
    fn page_without_text_is_empty() {
        check(
            &page("<title>T</title>", "<img src=x>"),
            "error page.html: empty: html page holds no text",
        );
    }
}
