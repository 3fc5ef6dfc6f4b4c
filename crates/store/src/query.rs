//! Reading the store: events by filter (actor, code, dates, distance, text), an article with
//! every annotation, actors, dyads, a timeline and totals.

use rusqlite::types::ToSql;
use rusqlite::OptionalExtension;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::{Result, Store, StoreError};

/// Totals of [`Store::events`] are counted up to this many (the timeline counts exactly).
pub const COUNT_CAP: u64 = 2_000;

/// Which events to read. Codes are prefixes (`RUS` matches `RUSGOV`; `19` matches `190`,
/// `193`); dates are inclusive `YYYY-MM-DD`; `text` is words all found in the article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Source or target code prefix.
    pub actor: Option<String>,
    /// Source code prefix.
    pub source: Option<String>,
    /// Target code prefix.
    pub target: Option<String>,
    /// CAMEO code prefix.
    pub code: Option<String>,
    /// First day.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// Within `km` of (`lat`, `lon`): the event's place.
    pub near: Option<(f64, f64, f64)>,
    /// Words of the article's text (full-text search).
    pub text: Option<String>,
    /// One article's events (its row id).
    pub article: Option<i64>,
    /// Most events returned.
    pub limit: usize,
    /// Events skipped, for paging.
    pub offset: usize,
}

/// An actor code and its number of events (as source or target).
#[derive(Debug, Clone, PartialEq)]
pub struct ActorCount {
    /// CAMEO actor code.
    pub code: String,
    /// Events it is the source or target of.
    pub events: u64,
}

/// Events per day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Events that day.
    pub events: u64,
    /// Their mean Goldstein score.
    pub goldstein: f64,
}

/// Totals of a store.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Schema version.
    pub schema: u32,
    /// Articles stored.
    pub articles: u64,
    /// Events stored.
    pub events: u64,
    /// Places, quotes and counts stored.
    pub places: u64,
    /// Quotes stored.
    pub quotes: u64,
    /// Counts stored.
    pub counts: u64,
    /// First and last event day.
    pub first: Option<String>,
    /// Last event day.
    pub last: Option<String>,
    /// Events per CAMEO root code.
    pub roots: Vec<(String, u64)>,
}

fn code_prefix(what: &str, v: &str) -> Result<String> {
    if v.is_empty() || v.len() > 30 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(StoreError(format!(
            "{what} {v:?}: a code is 1 to 30 letters and digits"
        )));
    }
    Ok(format!("{}*", v.to_ascii_uppercase()))
}

fn day(what: &str, v: &str) -> Result<String> {
    let ok = v.len() == 10
        && v.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !ok {
        return Err(StoreError(format!("{what} {v:?}: expected YYYY-MM-DD")));
    }
    Ok(v.to_string())
}

/// The words of a search as an FTS5 query: each word a quoted term, all required.
fn fts_query(text: &str) -> Result<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return Err(StoreError("text: no words to search for".into()));
    }
    Ok(words.join(" "))
}

/// Great-circle distance in km.
fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().min(1.0).asin()
}

impl Filter {
    /// The WHERE clause and its parameters.
    fn sql(&self) -> Result<(String, Vec<Box<dyn ToSql>>)> {
        self.sql_for(false)
    }

    /// The WHERE clause for reading a page in date order when a filter matches many events:
    /// walking the date index in order (a `+` keeps SQLite off the code and actor indexes)
    /// finds a page sooner than sorting every match.
    fn page_sql(&self) -> Result<(String, Vec<Box<dyn ToSql>>)> {
        self.sql_for(true)
    }

    fn sql_for(&self, date_order: bool) -> Result<(String, Vec<Box<dyn ToSql>>)> {
        let p = if date_order { "+" } else { "" };
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Box<dyn ToSql>> = Vec::new();
        fn bind(
            clauses: &mut Vec<String>,
            params: &mut Vec<Box<dyn ToSql>>,
            clause: &str,
            v: Box<dyn ToSql>,
        ) {
            params.push(v);
            clauses.push(clause.replace('?', &format!("?{}", params.len())));
        }
        if let Some(a) = &self.actor {
            params.push(Box::new(code_prefix("actor", a)?));
            let k = params.len();
            clauses.push(format!("({p}e.source GLOB ?{k} OR {p}e.target GLOB ?{k})"));
        }
        if let Some(a) = &self.source {
            bind(
                &mut clauses,
                &mut params,
                &format!("{p}e.source GLOB ?"),
                Box::new(code_prefix("source", a)?),
            );
        }
        if let Some(a) = &self.target {
            bind(
                &mut clauses,
                &mut params,
                &format!("{p}e.target GLOB ?"),
                Box::new(code_prefix("target", a)?),
            );
        }
        if let Some(c) = &self.code {
            bind(
                &mut clauses,
                &mut params,
                if date_order && c.len() <= 2 {
                    "+e.code GLOB ?"
                } else {
                    "e.code GLOB ?"
                },
                Box::new(code_prefix("code", c)?),
            );
        }
        if let Some(d) = &self.from {
            bind(
                &mut clauses,
                &mut params,
                "e.date >= ?",
                Box::new(day("from", d)?),
            );
        }
        if let Some(d) = &self.to {
            bind(
                &mut clauses,
                &mut params,
                "e.date <= ?",
                Box::new(day("to", d)?),
            );
        }
        if let Some((lat, lon, km)) = self.near {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) || km <= 0.0 {
                return Err(StoreError(format!(
                    "near {lat},{lon},{km}: expected LAT (-90..90), LON (-180..180), KM > 0"
                )));
            }
            // A box around the circle for the index, then the distance itself.
            let dlat = km / 111.0;
            bind(
                &mut clauses,
                &mut params,
                "e.lat >= ?",
                Box::new(lat - dlat),
            );
            bind(
                &mut clauses,
                &mut params,
                "e.lat <= ?",
                Box::new(lat + dlat),
            );
            params.push(Box::new(lat));
            let a = params.len();
            params.push(Box::new(lon));
            params.push(Box::new(km));
            clauses.push(format!(
                "dyad_km(e.lat, e.lon, ?{a}, ?{}) <= ?{}",
                a + 1,
                a + 2
            ));
        }
        if let Some(t) = &self.text {
            bind(
                &mut clauses,
                &mut params,
                "e.article IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
                Box::new(fts_query(t)?),
            );
        }
        if let Some(id) = self.article {
            bind(&mut clauses, &mut params, "e.article = ?", Box::new(id));
        }
        let clause = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        Ok((clause, params))
    }
}

impl Store {
    fn register_functions(&self) -> Result<()> {
        use rusqlite::functions::FunctionFlags;
        self.conn().create_scalar_function(
            "dyad_km",
            4,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let v = |i: usize| ctx.get::<Option<f64>>(i);
                Ok(match (v(0)?, v(1)?, v(2)?, v(3)?) {
                    (Some(a), Some(b), Some(c), Some(d)) => Some(distance_km(a, b, c, d)),
                    _ => None,
                })
            },
        )?;
        Ok(())
    }

    /// The events a filter selects, oldest first, each its `dyad code` record with the
    /// store's `event_id` and `article_id`; and how many the filter selects in all, counted up
    /// to [`COUNT_CAP`] (a total of `COUNT_CAP` means at least that many).
    pub fn events_raw(&self, filter: &Filter) -> Result<(Vec<Box<RawValue>>, u64)> {
        self.register_functions()?;
        let (clause, params) = filter.sql()?;
        let total: i64 = {
            let refs: Vec<&dyn ToSql> = params.iter().map(AsRef::as_ref).collect();
            self.conn()
                .prepare_cached(&format!(
                    "SELECT count(*) FROM (SELECT 1 FROM events e {clause} LIMIT {COUNT_CAP})"
                ))?
                .query_row(refs.as_slice(), |r| r.get(0))?
        };
        // Few matches: the indexes find them all and sorting them is cheap. Many: walking the
        // date index finds a page sooner.
        let (clause, mut params) = if (total as u64) < COUNT_CAP {
            filter.sql()?
        } else {
            filter.page_sql()?
        };
        params.push(Box::new(filter.limit.min(10_000) as i64));
        params.push(Box::new(filter.offset as i64));
        let n = params.len();
        let sql = format!(
            // The page's ids first (the narrow table only), then their records: rows skipped
            // by OFFSET never touch a record.
            "SELECT p.id, p.article, r.record FROM (
                 SELECT e.id, e.article, e.date FROM events e {clause}
                 ORDER BY e.date, e.id LIMIT ?{} OFFSET ?{n}) p
             JOIN event_records r ON r.id = p.id ORDER BY p.date, p.id",
            n - 1
        );
        let refs: Vec<&dyn ToSql> = params.iter().map(AsRef::as_ref).collect();
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(refs.as_slice(), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, article, record) = row?;
            // The stored record as it is, with the two ids spliced in front: no parsing.
            let body = record.trim_start().strip_prefix('{').ok_or_else(|| {
                StoreError(format!(
                    "store: event {id}: its record is not a JSON object"
                ))
            })?;
            let sep = if body.trim_start().starts_with('}') {
                ""
            } else {
                ","
            };
            let json = format!("{{\"event_id\":{id},\"article_id\":{article}{sep}{body}");
            out.push(RawValue::from_string(json)?);
        }
        Ok((out, total as u64))
    }

    /// [`Store::events_raw`] with each record parsed.
    pub fn events(&self, filter: &Filter) -> Result<(Vec<Value>, u64)> {
        let (raw, total) = self.events_raw(filter)?;
        let parsed = raw
            .iter()
            .map(|r| serde_json::from_str(r.get()))
            .collect::<std::result::Result<_, _>>()?;
        Ok((parsed, total))
    }

    /// Events per day for a filter, with their mean Goldstein score.
    pub fn timeline(&self, filter: &Filter) -> Result<Vec<DayCount>> {
        self.register_functions()?;
        let (clause, params) = filter.sql()?;
        let refs: Vec<&dyn ToSql> = params.iter().map(AsRef::as_ref).collect();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT e.date, count(*), avg(e.goldstein) FROM events e {clause}
             GROUP BY e.date ORDER BY e.date"
        ))?;
        let rows = stmt.query_map(refs.as_slice(), |r| {
            Ok(DayCount {
                date: r.get(0)?,
                events: r.get::<_, i64>(1)? as u64,
                goldstein: r.get::<_, Option<f64>>(2)?.unwrap_or(0.0),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The actors with most events, as source or target.
    pub fn actors(&self, limit: usize) -> Result<Vec<ActorCount>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT code, count(*) AS n FROM (
                 SELECT source AS code FROM events UNION ALL SELECT target FROM events)
             WHERE code != '' GROUP BY code ORDER BY n DESC, code LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(ActorCount {
                code: r.get(0)?,
                events: r.get::<_, i64>(1)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pairs (source, target) with most events: their count and mean Goldstein score.
    pub fn top_dyads(
        &self,
        filter: &Filter,
        limit: usize,
    ) -> Result<Vec<(String, String, u64, f64)>> {
        self.register_functions()?;
        let (clause, mut params) = filter.sql()?;
        let joiner = if clause.is_empty() { "WHERE" } else { "AND" };
        params.push(Box::new(limit as i64));
        let n = params.len();
        let refs: Vec<&dyn ToSql> = params.iter().map(AsRef::as_ref).collect();
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT e.source, e.target, count(*) AS n, avg(e.goldstein) FROM events e {clause}
             {joiner} e.source != '' AND e.target != ''
             GROUP BY e.source, e.target ORDER BY n DESC, e.source, e.target LIMIT ?{n}"
        ))?;
        let rows = stmt.query_map(refs.as_slice(), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, Option<f64>>(3)?.unwrap_or(0.0),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One stored article: its metadata and text, its sentences and entities (spans), its GKG
    /// facts and its events.
    pub fn article(&self, id: i64) -> Result<Option<Value>> {
        let row = self
            .conn()
            .query_row(
                "SELECT ext_id, url, published, source, title, language, text, annotation, gkg
                 FROM articles WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        (
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, Option<String>>(3)?,
                            r.get::<_, Option<String>>(4)?,
                            r.get::<_, Option<String>>(5)?,
                        ),
                        r.get::<_, String>(6)?,
                        r.get::<_, Vec<u8>>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                },
            )
            .optional()?;
        let Some(((ext_id, url, published, source, title, language), text, annotation, gkg)) = row
        else {
            return Ok(None);
        };
        let doc =
            dyad_core::codec::decode(dyad_core::Article::new(&ext_id, text.as_str()), &annotation)
                .map_err(|e| StoreError(format!("article {id}: {e}")))?;
        let sentences: Vec<[u32; 2]> = doc.sentences.iter().map(|s| [s.start, s.end]).collect();
        let entities: Vec<Value> = doc
            .entities
            .iter()
            .map(|e| json!({"label": e.label, "span": [e.span.start, e.span.end], "text": doc.text_of(e.span)}))
            .collect();
        let (events, _) = self.events(&Filter {
            article: Some(id),
            limit: 10_000,
            ..Filter::default()
        })?;
        let gkg: Value = serde_json::from_str(&gkg)?;
        Ok(Some(json!({
            "id": id,
            "article": ext_id,
            "url": url,
            "published": published,
            "source": source,
            "title": title,
            "language": language,
            "text": text,
            "sentences": sentences,
            "entities": entities,
            "places": gkg["places"],
            "quotes": gkg["quotes"],
            "counts": gkg["counts"],
            "dates": gkg["dates"],
            "themes": gkg["themes"],
            "tone": gkg["tone"],
            "events": events,
        })))
    }

    /// Articles whose text matches a search, newest first: (id, title or id, date).
    pub fn search_articles(&self, text: &str, limit: usize) -> Result<Vec<Value>> {
        let q = fts_query(text)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.id, a.ext_id, a.title, a.date FROM articles a
             WHERE a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1)
             ORDER BY a.date DESC, a.id LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![q, limit as i64], |r| {
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "article": r.get::<_, String>(1)?,
                "title": r.get::<_, Option<String>>(2)?,
                "date": r.get::<_, Option<String>>(3)?,
            }))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Totals.
    pub fn stats(&self) -> Result<Stats> {
        let count = |table: &str| -> Result<u64> {
            Ok(self
                .conn()
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64)
        };
        let (first, last) =
            self.conn()
                .query_row("SELECT min(date), max(date) FROM events", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT root, count(*) FROM events GROUP BY root ORDER BY root")?;
        let roots = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Stats {
            schema: self.schema_version()?,
            articles: count("articles")?,
            events: count("events")?,
            places: count("places")?,
            quotes: count("quotes")?,
            counts: count("counts")?,
            first,
            last,
            roots,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_refuse_bad_values() {
        let bad = [
            Filter {
                actor: Some("RUS%".into()),
                ..Filter::default()
            },
            Filter {
                from: Some("2022-3-1".into()),
                ..Filter::default()
            },
            Filter {
                near: Some((95.0, 0.0, 10.0)),
                ..Filter::default()
            },
            Filter {
                text: Some("  ".into()),
                ..Filter::default()
            },
        ];
        for f in bad {
            assert!(f.sql().is_err(), "{f:?}");
        }
        assert_eq!(fts_query("cease \"fire").unwrap(), "\"cease\" \"\"\"fire\"");
        assert!((distance_km(36.9, 30.7, 39.93, 32.86) - 390.0).abs() < 20.0);
    }
}
