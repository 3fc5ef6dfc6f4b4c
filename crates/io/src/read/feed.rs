//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one article per `<item>` or `<entry>`.
//!
//! ```xml
//! <rss version="2.0"><channel><title>News Test</title>
//! <item>
//!   <title>Foreign ministers meet in Antalya</title>
//!   <link>https://news.test/antalya</link>
//!   <pubDate>Thu, 10 Mar 2022 09:30:00 +0200</pubDate>
//!   <description>&lt;p&gt;Lavrov met Kuleba in Antalya.&lt;/p&gt;</description>
//! </item>
//! </channel></rss>
//! ```
//!
//! The text is the first of `content:encoded`, `content`, `description` and `summary` that holds
//! any; these usually hold HTML (escaped or in CDATA), whose markup is removed as for HTML pages.
//! Atom's `type="text"` content is taken as it is and `type="xhtml"` content is the text of its
//! elements. The link (Atom: the `alternate` one) is the article's URL and id; without one the
//! id is the `guid` or Atom `id`, else `path:line`. The date is the first that parses of
//! `pubDate`/`published`, `dc:date` and `updated`, as ISO 8601 or RFC 822. The feed's own
//! title is the source. Only an item's direct children count: an Atom entry's `<source>` and
//! `<author>` keep their titles and ids to themselves.
//!
//! The file is read as a stream, without checking that end tags match (feeds often carry
//! unescaped HTML such as `<br>`). After a syntax error the reader starts again after the bad
//! markup and looks for the next item.

use std::collections::VecDeque;
use std::io::{BufReader, Read};
use std::sync::Arc;

use dyad_core::{Article, Diagnostic, Doc, Published, RecordError, RecordErrorKind};
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

use super::html::{body_text, paragraphs};
use super::petrarch::{new_reader, resolve, LossyUtf8, XmlReader};
use super::source::{invalid_utf8, io_message, lowercase_first, parse_date};
use super::{rfc822, Record, Skips};

/// The element names that end a block of text inside XHTML content (or HTML that a feed did
/// not escape): a paragraph break is kept where they are.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "pre",
    "section",
    "article",
];

/// The fields of an item that dyad reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Title,
    Link,
    /// RSS `guid` or Atom `id`.
    Guid,
    /// A date, with its rank: lower is trusted more.
    Date(u8),
    /// A candidate text, with its rank: lower is preferred.
    Text(u8),
    /// The feed's own title.
    FeedTitle,
}

/// How a field's content is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Markup {
    /// Text that may hold HTML (RSS; Atom `type="html"`).
    Html,
    /// Plain text (Atom `type="text"`).
    Text,
}

/// A field whose end tag has not been read yet.
#[derive(Debug)]
struct Field {
    slot: Slot,
    /// The index of its element in the stack of open elements.
    depth: usize,
    markup: Markup,
    /// The element's name, for messages.
    name: String,
    text: String,
}

/// An `<item>` or `<entry>` whose end tag has not been read yet.
#[derive(Debug, Default)]
struct Item {
    /// The 1-based number of the item in the feed.
    number: u64,
    line: u64,
    depth: usize,
    title: Option<String>,
    link: Option<String>,
    guid: Option<String>,
    /// Whether an RSS `guid` is a permanent link (the default).
    guid_is_link: bool,
    dates: Vec<(u8, String)>,
    texts: Vec<(u8, String)>,
    /// Why the item cannot become an article, found while reading it.
    error: Option<(RecordErrorKind, String)>,
    /// Invalid UTF-8 bytes replaced in the stream before the item started.
    replaced_before: u64,
}

/// The records of a feed.
pub(crate) struct Records<R> {
    /// `None` only while a new reader replaces one that failed.
    reader: Option<XmlReader<R>>,
    /// Bytes consumed by the readers that failed before the current one.
    base: u64,
    file: String,
    limit: usize,
    skips: Arc<Skips>,
    buf: Vec<u8>,
    /// The local names of the open elements.
    stack: Vec<String>,
    feed_title: Option<String>,
    item: Option<Item>,
    field: Option<Field>,
    items: u64,
    out: VecDeque<Record>,
    /// True after a syntax error until the next item.
    resyncing: bool,
    errors: u64,
    done: bool,
}

/// One event, owned, so that the reader's buffer is free again when it is acted on.
enum Ev {
    Start(String, Vec<(String, String)>, bool),
    End(String),
    Text(String),
    Eof,
    Other,
    Io(String),
    /// The message and where the bad markup starts.
    Error(String, u64),
}

impl<R: Read> Records<R> {
    pub fn new(input: R, file: String, limit: usize, skips: Arc<Skips>) -> Records<R> {
        let mut reader = new_reader(BufReader::new(LossyUtf8::new(input)));
        reader.config_mut().check_end_names = false;
        Records {
            reader: Some(reader),
            base: 0,
            file,
            limit,
            skips,
            buf: Vec::new(),
            stack: Vec::new(),
            feed_title: None,
            item: None,
            field: None,
            items: 0,
            out: VecDeque::new(),
            resyncing: false,
            errors: 0,
            done: false,
        }
    }

    fn reader(&mut self) -> &mut XmlReader<R> {
        self.reader
            .as_mut()
            .expect("a reader is always in place between events")
    }

    fn lossy(&mut self) -> &mut LossyUtf8<R> {
        self.reader().get_mut().get_mut()
    }

    /// The 1-based line of byte `pos` of the current reader.
    fn line_at(&mut self, pos: u64) -> u64 {
        let pos = self.base + pos;
        self.lossy().line_at(pos)
    }

    /// An error record about item `number` at `line`.
    fn item_error(
        &mut self,
        item: &Item,
        id: Option<&str>,
        kind: RecordErrorKind,
        message: &str,
    ) -> Record {
        self.errors += 1;
        let message = format!("item {}: {message}", item.number);
        let error = RecordError::new(self.file.clone(), kind, message).at_line(item.line);
        Err(match id {
            Some(id) => error.with_id(id),
            None => error,
        })
    }

    /// Reads one event and acts on it, queueing any finished record.
    fn step(&mut self) {
        let start = self.reader().buffer_position();
        let line = self.line_at(start);
        let reader = self
            .reader
            .as_mut()
            .expect("a reader is always in place between events");
        let event = match reader.read_event_into(&mut self.buf) {
            Ok(Event::Start(e)) => Ev::Start(local_name(&e), attributes(&e), false),
            Ok(Event::Empty(e)) => Ev::Start(local_name(&e), attributes(&e), true),
            Ok(Event::End(e)) => Ev::End(e.name().local_name().as_ref().to_string()),
            Ok(Event::Text(t)) => Ev::Text(t.xml10_content().into_owned()),
            Ok(Event::CData(t)) => Ev::Text(t.xml10_content().into_owned()),
            Ok(Event::GeneralRef(r)) => Ev::Text(resolve(&r)),
            Ok(Event::Eof) => Ev::Eof,
            Ok(_) => Ev::Other,
            Err(quick_xml::Error::Io(e)) => Ev::Io(io_message("cannot read", &e)),
            Err(e) => Ev::Error(e.to_string(), reader.error_position()),
        };
        let end = reader.buffer_position();
        self.buf.clear();
        match event {
            Ev::Start(name, attrs, empty) => {
                self.start(name.clone(), &attrs, line);
                if empty {
                    self.line_at(end);
                    self.end(&name);
                }
            }
            Ev::End(name) => {
                self.line_at(end);
                self.end(&name);
            }
            Ev::Text(text) => self.text(&text),
            Ev::Other => {}
            Ev::Io(message) => {
                // A stream that failed once is not read again: the error would repeat.
                self.done = true;
                self.errors += 1;
                let error = RecordError::new(self.file.clone(), RecordErrorKind::Io, message);
                self.out.push_back(Err(error.at_line(line)));
            }
            Ev::Eof => {
                self.done = true;
                if let Some(item) = self.item.take() {
                    let message = "unexpected end of input inside the item";
                    let record =
                        self.item_error(&item, None, RecordErrorKind::MalformedMarkup, message);
                    self.out.push_back(record);
                } else if self.items == 0 && self.errors == 0 {
                    let message = "no `<item>` or `<entry>` elements in the feed";
                    let error =
                        RecordError::new(self.file.clone(), RecordErrorKind::Empty, message);
                    self.out.push_back(Err(error));
                }
            }
            Ev::Error(message, error_pos) => {
                let error_line = self.line_at(error_pos);
                let message = format!("invalid xml: {}", lowercase_first(&message));
                self.field = None;
                if let Some(item) = self.item.take() {
                    let message = format!("{message} (at line {error_line})");
                    let id = item.link.clone().or(item.guid.clone());
                    let kind = RecordErrorKind::MalformedMarkup;
                    let record = self.item_error(&item, id.as_deref(), kind, &message);
                    self.out.push_back(record);
                } else if !self.resyncing {
                    self.errors += 1;
                    let error = RecordError::new(
                        self.file.clone(),
                        RecordErrorKind::MalformedMarkup,
                        message,
                    );
                    self.out.push_back(Err(error.at_line(error_line)));
                }
                self.resyncing = true;
                self.restart();
            }
        }
    }

    /// Replaces the failed reader with a new one that reads on from where it stopped; a reader
    /// that failed without consuming anything ends the stream, since a new one would fail alike.
    fn restart(&mut self) {
        let failed = self
            .reader
            .take()
            .expect("a reader is always in place between events");
        let input = failed.into_inner();
        // Where the new reader starts: what the old one took from the buffered input, which
        // after an error may be more than the position it reports.
        let start = input.get_ref().emitted() - input.buffer().len() as u64;
        if start <= self.base {
            self.done = true;
            return;
        }
        self.base = start;
        let mut reader = new_reader(input);
        reader.config_mut().check_end_names = false;
        self.reader = Some(reader);
    }

    /// An element starts (its attributes unescaped).
    fn start(&mut self, name: String, attrs: &[(String, String)], line: u64) {
        let depth = self.stack.len();
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let is_entry = self.is_atom_entry();
        if let Some(field) = &mut self.field {
            // Markup inside a field: XHTML content, or HTML that the feed did not escape.
            if BLOCKS.contains(&name.as_str()) {
                field.text.push_str("\n\n");
            }
        } else if let Some(item) = &mut self.item {
            if depth == item.depth + 1 {
                let markup = match attr("type").map(str::to_ascii_lowercase).as_deref() {
                    Some("text" | "text/plain") => Markup::Text,
                    Some(_) => Markup::Html,
                    // Atom's text constructs are plain text by default; RSS fields have no
                    // type and may hold HTML.
                    None if is_entry
                        && matches!(name.as_str(), "title" | "content" | "summary") =>
                    {
                        Markup::Text
                    }
                    None => Markup::Html,
                };
                let slot = match name.as_str() {
                    "title" => Some(Slot::Title),
                    "link" => match (attr("href"), attr("rel")) {
                        // Atom: the `alternate` link (the default relation) is the article.
                        (Some(href), None | Some("alternate")) => {
                            if item.link.is_none() && !href.trim().is_empty() {
                                item.link = Some(href.trim().to_string());
                            }
                            None
                        }
                        (Some(_), Some(_)) => None,
                        (None, _) => Some(Slot::Link),
                    },
                    "guid" => {
                        item.guid_is_link = attr("isPermaLink") != Some("false");
                        Some(Slot::Guid)
                    }
                    "id" => Some(Slot::Guid),
                    "pubDate" | "published" | "issued" => Some(Slot::Date(0)),
                    "date" => Some(Slot::Date(1)),
                    "updated" | "modified" => Some(Slot::Date(2)),
                    "encoded" => Some(Slot::Text(0)),
                    "content" => Some(Slot::Text(1)),
                    "description" => Some(Slot::Text(2)),
                    "summary" => Some(Slot::Text(3)),
                    _ => None,
                };
                if let Some(slot) = slot {
                    self.field = Some(Field {
                        slot,
                        depth,
                        markup,
                        name: name.clone(),
                        text: String::new(),
                    });
                }
            }
        } else if name == "item" || name == "entry" {
            self.items += 1;
            self.resyncing = false;
            let replaced_before = self.lossy().replaced_passed;
            self.item = Some(Item {
                number: self.items,
                line,
                depth,
                guid_is_link: true,
                replaced_before,
                ..Item::default()
            });
        } else if name == "title"
            && self.feed_title.is_none()
            && matches!(
                self.stack.last().map(String::as_str),
                Some("channel" | "feed")
            )
        {
            let markup = match attr("type") {
                Some("html" | "xhtml") => Markup::Html,
                _ if self.stack.last().is_some_and(|p| p == "feed") => Markup::Text,
                _ => Markup::Html,
            };
            self.field = Some(Field {
                slot: Slot::FeedTitle,
                depth,
                markup,
                name: name.clone(),
                text: String::new(),
            });
        }
        self.stack.push(name);
    }

    /// Whether the open item is an Atom `<entry>`.
    fn is_atom_entry(&self) -> bool {
        self.item
            .as_ref()
            .and_then(|item| self.stack.get(item.depth))
            .is_some_and(|name| name == "entry")
    }

    /// An element ends: the open elements down to the last one of that name close.
    fn end(&mut self, name: &str) {
        let Some(at) = self.stack.iter().rposition(|n| n == name) else {
            // An end tag without a start, as after a restart: nothing to close.
            return;
        };
        if let Some(field) = &mut self.field {
            if field.depth > at && BLOCKS.contains(&name) {
                field.text.push_str("\n\n");
            }
        }
        if self.field.as_ref().is_some_and(|f| f.depth >= at) {
            let field = self.field.take().expect("checked above");
            self.finish_field(field);
        }
        if self.item.as_ref().is_some_and(|item| item.depth >= at) {
            let item = self.item.take().expect("checked above");
            if let Some(record) = self.finish(item) {
                self.out.push_back(record);
            }
        }
        self.stack.truncate(at);
    }

    /// Text inside the field being read, up to the size limit.
    fn text(&mut self, text: &str) {
        let limit = self.limit;
        let Some(field) = &mut self.field else { return };
        if field.text.len() + text.len() > limit {
            let message = format!("`<{}>` is over the limit of {limit} bytes", field.name);
            if let Some(item) = &mut self.item {
                item.error
                    .get_or_insert((RecordErrorKind::Oversize, message));
            }
            self.field = None;
            return;
        }
        field.text.push_str(text);
    }

    /// A field is complete: its value goes to the item (or the feed).
    fn finish_field(&mut self, field: Field) {
        let value = match field.slot {
            Slot::Title | Slot::Text(_) | Slot::FeedTitle => to_text(&field.text, field.markup),
            _ => field.text.trim().to_string(),
        };
        if value.is_empty() {
            return;
        }
        if field.slot == Slot::FeedTitle {
            self.feed_title = Some(value);
            return;
        }
        let Some(item) = &mut self.item else { return };
        match field.slot {
            Slot::Title => {
                item.title.get_or_insert(value);
            }
            Slot::Link => {
                item.link.get_or_insert(value);
            }
            Slot::Guid => {
                item.guid.get_or_insert(value);
            }
            Slot::Date(rank) => item.dates.push((rank, value)),
            Slot::Text(rank) => item.texts.push((rank, value)),
            Slot::FeedTitle => {}
        }
    }

    /// Turns a complete item into a record; `None` when it is skipped.
    fn finish(&mut self, mut item: Item) -> Option<Record> {
        let replaced = self.lossy().replaced_passed - item.replaced_before;
        let url = item.link.take().or_else(|| {
            item.guid
                .clone()
                .filter(|g| item.guid_is_link && g.starts_with("http"))
        });
        let id = url
            .clone()
            .or_else(|| item.guid.clone())
            .unwrap_or_else(|| format!("{}:{}", self.file, item.line));
        if let Some((kind, message)) = item.error.take() {
            return Some(self.item_error(&item, Some(&id), kind, &message));
        }
        // A stable sort keeps document order among fields of the same rank.
        item.texts.sort_by_key(|&(rank, _)| rank);
        let Some((_, text)) = item.texts.into_iter().next() else {
            self.skips.add("feed item without text");
            return None;
        };
        let mut diagnostics = Vec::new();
        if replaced > 0 {
            diagnostics.push(invalid_utf8(replaced as usize));
        }
        item.dates.sort_by_key(|&(rank, _)| rank);
        let published = item.dates.iter().find_map(|(_, d)| feed_date(d));
        if published.is_none() {
            if let Some((_, first)) = item.dates.first() {
                let message = format!("cannot parse date {first:?} and left it out");
                diagnostics.push(Diagnostic::warning("invalid-date", message));
            }
        }
        let article = Article {
            id,
            url,
            source: self.feed_title.clone(),
            title: item.title,
            published,
            text,
            origin: format!("{}:{}", self.file, item.line),
            ..Article::default()
        };
        let mut doc = Doc::new(article);
        doc.diagnostics = diagnostics;
        Some(Ok(doc))
    }
}

impl<R: Read> Iterator for Records<R> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.out.pop_front() {
                return Some(record);
            }
            if self.done {
                return None;
            }
            self.step();
        }
    }
}

/// A feed's date: ISO 8601 (Atom, `dc:date`) or RFC 822 (RSS `pubDate`), whichever it is.
fn feed_date(s: &str) -> Option<Published> {
    parse_date(s).or_else(|| rfc822::parse(s))
}

/// The text of a field: markup removed from HTML, lines trimmed, paragraphs kept.
fn to_text(value: &str, markup: Markup) -> String {
    match markup {
        Markup::Html if value.contains(['<', '&']) => body_text(value),
        _ => paragraphs(value),
    }
}

/// An element's local name (`content:encoded` → `encoded`).
fn local_name(e: &BytesStart) -> String {
    e.name().local_name().as_ref().to_string()
}

/// The attributes of an element by local name, values unescaped; bad ones are left out.
fn attributes(e: &BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .flatten()
        .filter_map(|attr| {
            let value = attr.normalized_value(XmlVersion::Implicit1_0).ok()?;
            let key = attr.key.local_name().as_ref().to_string();
            Some((key, value.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `input` as `in.rss` and renders every record on one line, then the skips.
    fn check(input: &str, expect: &[&str]) {
        let skips = Arc::new(Skips::new());
        let records = Records::new(input.as_bytes(), "in.rss".to_string(), 200, skips.clone());
        let mut got: Vec<String> = records.map(|r| crate::read::render_record(&r)).collect();
        for (reason, n) in skips.summary() {
            got.push(format!("skipped {n}: {reason}"));
        }
        assert_eq!(got, expect);
    }

    #[test]
    fn rss_items_with_escaped_html() {
        check(
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\n\
             <title>News Test</title><link>https://news.test/</link>\n\
             <item><title>Talks &amp; more</title><link>https://news.test/a</link>\n\
             <pubDate>Thu, 10 Mar 2022 09:30:00 +0200</pubDate>\n\
             <description>&lt;p&gt;Lavrov met Kuleba.&lt;/p&gt;&lt;p&gt;No progress.&lt;/p&gt;</description></item>\n\
             <item><guid isPermaLink=\"false\">x-1</guid><description><![CDATA[Short <b>news</b>.]]></description>\
             <content:encoded><![CDATA[<p>The full text.</p>]]></content:encoded></item>\n\
             </channel></rss>",
            &[
                r#"https://news.test/a @in.rss:4 "Lavrov met Kuleba.\n\nNo progress." url="https://news.test/a" source="News Test" title="Talks & more" date=2022-03-10T09:30:00+02:00"#,
                r#"x-1 @in.rss:7 "The full text." source="News Test""#,
            ],
        );
    }

    #[test]
    fn atom_entries() {
        check(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"text\">A &amp; B</title>\n\
             <entry><title>Plain &lt;text&gt;</title><id>urn:1</id>\
             <link rel=\"self\" href=\"https://x.test/self\"/><link href=\"https://x.test/1\"/>\
             <updated>2022-03-11T00:00:00Z</updated><published>2022-03-10</published>\
             <summary>Summary.</summary><content type=\"html\">&lt;p&gt;Body &amp;amp; more.&lt;/p&gt;</content>\
             <source><title>Other</title><id>urn:other</id></source></entry>\n\
             <entry><id>urn:2</id><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>One.</p><p>Two.</p></div></content></entry>\n\
             </feed>",
            &[
                r#"https://x.test/1 @in.rss:2 "Body & more." url="https://x.test/1" source="A & B" title="Plain <text>" date=2022-03-10"#,
                r#"urn:2 @in.rss:3 "One.\n\nTwo." source="A & B""#,
            ],
        );
    }

    #[test]
    fn rss_1_rdf_items() {
        check(
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
             <channel><title>RDF news</title><items><rdf:Seq><rdf:li resource=\"https://r.test/1\"/></rdf:Seq></items></channel>\
             <item rdf:about=\"https://r.test/1\"><title>T</title><link>https://r.test/1</link><dc:date>2022-03-10T09:30:00Z</dc:date>\
             <description>Guterres called for a ceasefire.</description></item></rdf:RDF>",
            &[
                r#"https://r.test/1 @in.rss:1 "Guterres called for a ceasefire." url="https://r.test/1" source="RDF news" title="T" date=2022-03-10T09:30:00Z"#,
            ],
        );
    }

    #[test]
    fn items_without_text_are_skipped_and_counted() {
        check(
            "<rss><channel><item><title>Headline only</title></item><item><description> </description></item>\
             <item><description>x</description></item></channel></rss>",
            &[r#"in.rss:1 @in.rss:1 "x""#, "skipped 2: feed item without text"],
        );
    }

    #[test]
    fn unescaped_html_in_a_description() {
        check(
            "<rss><channel><item><description>One<br>two<p>three</p></description></item></channel></rss>",
            &[r#"in.rss:1 @in.rss:1 "One\n\ntwo\n\nthree""#],
        );
    }

    #[test]
    fn bad_dates_are_warnings() {
        check(
            "<rss><channel><item><pubDate>someday</pubDate><description>x</description></item></channel></rss>",
            &[r#"in.rss:1 @in.rss:1 "x" [invalid-date: cannot parse date "someday" and left it out]"#],
        );
    }

    #[test]
    fn oversize_field_is_an_error_naming_the_item() {
        let input = format!(
            "<rss><channel>\n<item><link>https://x.test/1</link><description>{}</description></item>\n<item><description>ok</description></item></channel></rss>",
            "x".repeat(201)
        );
        check(
            &input,
            &[
                "error in.rss:2 (record https://x.test/1): oversize: item 1: `<description>` is over the limit of 200 bytes",
                r#"in.rss:3 @in.rss:3 "ok""#,
            ],
        );
    }

    #[test]
    fn syntax_error_in_an_item_then_reading_goes_on() {
        check(
            "<rss><channel>\n<item><link>https://x.test/1</link><description>a <!x></description></item>\n<item><description>ok</description></item>\n</channel></rss>",
            &[
                "error in.rss:2 (record https://x.test/1): malformed-markup: item 1: invalid xml: syntax error: unknown or missed symbol in markup (at line 2)",
                r#"in.rss:3 @in.rss:3 "ok""#,
            ],
        );
    }

    #[test]
    fn unclosed_item_and_empty_feed() {
        check(
            "<rss><channel><item><description>x</description>",
            &["error in.rss:1: malformed-markup: item 1: unexpected end of input inside the item"],
        );
        check(
            "<rss><channel><title>T</title></channel></rss>",
            &["error in.rss: empty: no `<item>` or `<entry>` elements in the feed"],
        );
    }
}
