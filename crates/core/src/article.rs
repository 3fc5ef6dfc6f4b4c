use crate::{Date, DateTime};

/// When an article was published: a calendar date, or a date with a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Only the day is known.
    Date(Date),
    /// The day and the time of day are known.
    DateTime(DateTime),
}

impl Published {
    /// The calendar day of publication (in the offset the source gave).
    pub fn date(&self) -> Date {
        match self {
            Published::Date(d) => *d,
            Published::DateTime(dt) => dt.date,
        }
    }

    /// Parses an ISO 8601 date or date-time (`2022-03-10`, `2022-03-10T09:30:00+02:00`,
    /// `2022-03-10 09:30Z`) or a compact `YYYYMMDD` date as PETRARCH and GDELT write it.
    pub fn parse(s: &str) -> Option<Published> {
        let s = s.trim();
        if let Some(d) = Date::parse_compact(s) {
            return Some(Published::Date(d));
        }
        if s.len() <= 10 {
            return Date::parse_iso(s).map(Published::Date);
        }
        DateTime::parse_iso(s).map(Published::DateTime)
    }
}

impl std::fmt::Display for Published {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Published::Date(d) => d.fmt(f),
            Published::DateTime(dt) => dt.fmt(f),
        }
    }
}

/// One news article as a reader produced it: metadata plus plain text.
///
/// The text is never rewritten after this point: every later annotation is a byte span into it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Article {
    /// Identifier, unique within a run (from the record, or derived from the file path).
    pub id: String,
    /// Where the article was published, when known.
    pub url: Option<String>,
    /// The outlet or collection, when known.
    pub source: Option<String>,
    /// Headline, when known and not part of `text`.
    pub title: Option<String>,
    /// Publication date or time, when known.
    pub published: Option<Published>,
    /// ISO 639-3 code of the detected language (`eng`), when detection was confident.
    pub language: Option<String>,
    /// The article body.
    pub text: String,
    /// A Penn Treebank parse supplied with the record (PETRARCH XML), kept for the coder.
    pub parse: Option<String>,
    /// Where the record came from: a file path, `path:line` or `-` for stdin.
    pub origin: String,
    /// Fields of the input record that dyad does not interpret, as `(name, raw JSON value)`,
    /// kept so that output can carry them through.
    pub extra: Vec<(String, String)>,
}

impl Article {
    /// An article with an id and a text and nothing else.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            text: text.into(),
            ..Article::default()
        }
    }
}
