//! dyad's embedded store: one SQLite file (WAL) with the articles, their annotation in
//! [`dyad_core::codec`]'s compact form (so that `dyad recode` codes them again without
//! annotating), their events and their GKG facts (places, quotes, counts, themes), and a
//! full-text index over their text (FTS5).
//!
//! - **Deduplication.** An article whose URL or whose text (by a 128-bit hash of its
//!   whitespace-normalized text) is already stored is a duplicate and is not stored again, so
//!   that ingesting the same files twice changes nothing.
//! - **Batches.** [`Store::insert`] writes a batch in one transaction: a crash loses at most
//!   the batch in flight, and ingesting again stores it.
//! - **Migrations.** [`MIGRATIONS`] in order; `schema_version` records those applied.
//! - **Events.** One row per report of an event (a GDELT mention): its fields for querying as
//!   columns of a narrow `events` table (scans and counts stay fast), its `dyad code` record as
//!   JSON in `event_records`; `dyad export` merges reports into GDELT's Events and Mentions.

#![deny(missing_docs)]

use std::path::Path;

use dyad_core::{Article, Published};
use dyad_io::output::{ActorOut, EventRecord};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde_json::Value;

mod query;

pub use query::{ActorCount, DayCount, Filter, Stats, COUNT_CAP};

/// The schema, one migration per entry; entry `k` takes the store to version `k + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: articles, annotation, events, GKG facts, full-text index.
    "CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        ext_id TEXT NOT NULL,
        url TEXT UNIQUE,
        hash BLOB NOT NULL UNIQUE,
        published TEXT,
        date TEXT,
        source TEXT,
        title TEXT,
        language TEXT,
        origin TEXT NOT NULL,
        text TEXT NOT NULL,
        annotation BLOB NOT NULL,
        gkg TEXT NOT NULL,
        ingested INTEGER NOT NULL
    );
    CREATE INDEX articles_date ON articles(date);
    CREATE INDEX articles_ext_id ON articles(ext_id);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        sentence INTEGER NOT NULL,
        date TEXT NOT NULL,
        code TEXT NOT NULL,
        root TEXT NOT NULL,
        quad INTEGER,
        goldstein REAL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        lat REAL,
        lon REAL
    );
    CREATE TABLE event_records (
        id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
        record TEXT NOT NULL
    );
    CREATE INDEX events_article ON events(article);
    CREATE INDEX events_date ON events(date);
    CREATE INDEX events_source ON events(source, date);
    CREATE INDEX events_target ON events(target, date);
    CREATE INDEX events_code ON events(code);
    CREATE INDEX events_lat ON events(lat);
    CREATE TABLE places (
        article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        name TEXT NOT NULL, kind TEXT, country TEXT, lat REAL, lon REAL,
        start INTEGER NOT NULL, end INTEGER NOT NULL, demonym INTEGER NOT NULL,
        dateline INTEGER NOT NULL
    );
    CREATE INDEX places_article ON places(article);
    CREATE TABLE quotes (
        article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        speaker TEXT, text TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
        direct INTEGER NOT NULL
    );
    CREATE INDEX quotes_article ON quotes(article);
    CREATE TABLE counts (
        article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        type TEXT NOT NULL, number INTEGER NOT NULL, object TEXT,
        start INTEGER NOT NULL, end INTEGER NOT NULL
    );
    CREATE INDEX counts_article ON counts(article);
    CREATE TABLE themes (
        article INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        theme TEXT NOT NULL, offset INTEGER NOT NULL
    );
    CREATE INDEX themes_article ON themes(article);
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
    END;",
];

/// An error of the store, naming what it was doing.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("store: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(format!("store: a stored record is not JSON: {e}"))
    }
}

/// The store's result.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The 128-bit hash of an article's text with its whitespace normalized: two copies of a
/// story that differ only in spacing or line breaks are one article.
pub fn content_hash(text: &str) -> [u8; 16] {
    let mut norm = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !norm.is_empty() {
            norm.push(' ');
        }
        norm.push_str(w);
    }
    xxhash_rust::xxh3::xxh3_128(norm.as_bytes()).to_le_bytes()
}

/// An article to store: the article, its encoded annotation, its `dyad code` event records
/// and its GKG record (`dyad code --gkg`).
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// The article (its text and metadata).
    pub article: Article,
    /// [`dyad_core::codec::encode`] of its annotated document.
    pub annotation: Vec<u8>,
    /// Its event records.
    pub events: Vec<EventRecord>,
    /// Its GKG record.
    pub gkg: Value,
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inserted {
    /// Articles stored.
    pub added: usize,
    /// Articles already stored (same URL or same text), not stored again.
    pub duplicates: usize,
    /// Events stored.
    pub events: usize,
}

/// A stored article, as recoding reads it.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    /// Row id.
    pub id: i64,
    /// The article.
    pub article: Article,
    /// Its encoded annotation.
    pub annotation: Vec<u8>,
}

/// The new coding of a stored article.
#[derive(Debug, Clone)]
pub struct Recoded {
    /// Row id.
    pub id: i64,
    /// Its event records.
    pub events: Vec<EventRecord>,
    /// Its GKG record, when it changed (dictionaries change events, not GKG facts): `None`
    /// keeps the stored record and its places, quotes, counts and themes.
    pub gkg: Option<Value>,
}

/// What identifies an event within its article: sentence, source code, CAMEO code, target
/// code (empty when there is no such actor).
pub type EventKey = (i64, String, String, String);

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)
            .map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    /// Opens an existing store for reading only (the HTTP server's connections).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError(format!("{}: no such store", path.display())));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError(format!("opening {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let store = Store { conn };
        let version = store.schema_version()?;
        if version != MIGRATIONS.len() as u32 {
            return Err(StoreError(format!(
                "{}: schema version {version}, this dyad reads {} (open it once with `dyad ingest` to migrate)",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)",
        )?;
        let current = self.schema_version()? as usize;
        if current > MIGRATIONS.len() {
            return Err(StoreError(format!(
                "the store has schema version {current}, newer than this dyad ({})",
                MIGRATIONS.len()
            )));
        }
        for (k, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)",
                params![k as i64 + 1, unix_now()],
            )?;
            tx.commit()?;
        }
        Ok(())
    }

    /// SQLite's `data_version` of this connection: it changes when another connection commits,
    /// so a reader can tell that what it read before may be stale.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<u32> {
        let v: Option<i64> = self
            .conn
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(v.unwrap_or(0) as u32)
    }

    /// Whether an article with this URL or this text is stored.
    pub fn contains(&self, url: Option<&str>, text: &str) -> Result<bool> {
        let hash = content_hash(text);
        let mut by_hash = self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE hash = ?1")?;
        if by_hash.exists([&hash[..]])? {
            return Ok(true);
        }
        match url.filter(|u| !u.is_empty()) {
            Some(u) => {
                let mut by_url = self
                    .conn
                    .prepare_cached("SELECT 1 FROM articles WHERE url = ?1")?;
                Ok(by_url.exists([u])?)
            }
            None => Ok(false),
        }
    }

    /// Stores a batch in one transaction; articles already stored are skipped.
    pub fn insert(&mut self, batch: &[NewArticle]) -> Result<Inserted> {
        let tx = self.conn.transaction()?;
        let mut done = Inserted::default();
        for a in batch {
            match insert_article(&tx, a)? {
                Some(n) => {
                    done.added += 1;
                    done.events += n;
                }
                None => done.duplicates += 1,
            }
        }
        tx.commit()?;
        Ok(done)
    }

    /// Articles in id order, `chunk` at a time, with their annotation; `f` returns false to
    /// stop.
    pub fn for_each_chunk(
        &self,
        chunk: usize,
        mut f: impl FnMut(Vec<StoredArticle>) -> Result<bool>,
    ) -> Result<()> {
        let mut after = 0i64;
        let mut stmt = self.conn.prepare(
            "SELECT id, ext_id, url, published, source, title, language, origin, text, annotation
             FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        loop {
            let rows: Vec<StoredArticle> = stmt
                .query_map(params![after, chunk as i64], |r| {
                    let published: Option<String> = r.get(3)?;
                    let article = Article {
                        id: r.get(1)?,
                        url: r.get(2)?,
                        published: published.as_deref().and_then(Published::parse),
                        source: r.get(4)?,
                        title: r.get(5)?,
                        language: r.get(6)?,
                        origin: r.get(7)?,
                        text: r.get(8)?,
                        ..Article::default()
                    };
                    Ok(StoredArticle {
                        id: r.get(0)?,
                        article,
                        annotation: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.id;
            if !f(rows)? {
                return Ok(());
            }
        }
    }

    /// What identifies each stored event of some articles, by article: sentence, source code,
    /// CAMEO code, target code (read from the columns, no record parsed).
    pub fn event_keys(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, Vec<EventKey>>> {
        let mut out: std::collections::HashMap<i64, Vec<_>> = Default::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT sentence, source, code, target FROM events WHERE article = ?1 ORDER BY id",
        )?;
        for &id in ids {
            let rows =
                stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            out.insert(id, rows.collect::<rusqlite::Result<_>>()?);
        }
        Ok(out)
    }

    /// Replaces the events and GKG facts of stored articles, in one transaction.
    pub fn replace_codings(&mut self, batch: &[Recoded]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        for r in batch {
            let tables: &[&str] = if r.gkg.is_some() {
                &["events", "places", "quotes", "counts", "themes"]
            } else {
                &["events"]
            };
            for table in tables {
                tx.prepare_cached(&format!("DELETE FROM {table} WHERE article = ?1"))?
                    .execute([r.id])?;
            }
            if let Some(gkg) = &r.gkg {
                tx.prepare_cached("UPDATE articles SET gkg = ?2 WHERE id = ?1")?
                    .execute(params![r.id, gkg.to_string()])?;
            }
            n += insert_codings(&tx, r.id, &r.events, r.gkg.as_ref())?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// The event records of every article in id order and each article's GKG record, as
    /// `dyad code` writes `events.jsonl` and `gkg.jsonl`.
    pub fn export_jsonl(
        &self,
        events: &mut dyn std::io::Write,
        gkg: &mut dyn std::io::Write,
    ) -> Result<(usize, usize)> {
        let io = |e: std::io::Error| StoreError(format!("export: {e}"));
        let mut n_events = 0;
        let mut stmt = self.conn.prepare(
            "SELECT r.record FROM events e JOIN event_records r ON r.id = e.id
                 ORDER BY e.article, e.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record: String = r.get(0)?;
            events.write_all(record.as_bytes()).map_err(io)?;
            events.write_all(b"\n").map_err(io)?;
            n_events += 1;
        }
        let mut n_gkg = 0;
        let mut stmt = self.conn.prepare("SELECT gkg FROM articles ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record: String = r.get(0)?;
            gkg.write_all(record.as_bytes()).map_err(io)?;
            gkg.write_all(b"\n").map_err(io)?;
            n_gkg += 1;
        }
        Ok((n_events, n_gkg))
    }

    /// The connection, for queries of the store's own modules.
    fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Stores one article unless its URL or text is stored; returns its number of events.
fn insert_article(tx: &Transaction<'_>, a: &NewArticle) -> Result<Option<usize>> {
    let art = &a.article;
    let hash = content_hash(&art.text);
    let url = art.url.as_deref().filter(|u| !u.is_empty());
    let added = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO articles
             (ext_id, url, hash, published, date, source, title, language, origin, text,
              annotation, gkg, ingested)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            art.id,
            url,
            &hash[..],
            art.published.map(|p| p.to_string()),
            art.published.map(|p| p.date().to_string()),
            art.source,
            art.title,
            art.language,
            art.origin,
            art.text,
            a.annotation,
            a.gkg.to_string(),
            unix_now(),
        ])?;
    if added == 0 {
        return Ok(None);
    }
    let id = tx.last_insert_rowid();
    Ok(Some(insert_codings(tx, id, &a.events, Some(&a.gkg))?))
}

/// Stores an article's events and, when given, the facts of its GKG record.
fn insert_codings(
    tx: &Transaction<'_>,
    id: i64,
    events: &[EventRecord],
    gkg: Option<&Value>,
) -> Result<usize> {
    let mut ev = tx.prepare_cached(
        "INSERT INTO events (article, sentence, date, code, root, quad, goldstein, source,
                             target, lat, lon)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut rec = tx.prepare_cached("INSERT INTO event_records (id, record) VALUES (?1, ?2)")?;
    let mut n = 0;
    fn code(a: &Option<ActorOut>) -> &str {
        a.as_ref().map_or("", |a| a.code.as_str())
    }
    for e in events {
        ev.execute(params![
            id,
            e.sentence as i64,
            e.date,
            e.cameo,
            e.root.as_deref().unwrap_or_default(),
            e.quad,
            e.goldstein,
            code(&e.source),
            code(&e.target),
            e.place.as_ref().map(|p| p.lat),
            e.place.as_ref().map(|p| p.lon),
        ])?;
        let record = serde_json::to_string(e).expect("an event record serializes");
        rec.execute(params![tx.last_insert_rowid(), record])?;
        n += 1;
    }
    let Some(gkg) = gkg else {
        return Ok(n);
    };
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let list = |k: &str| gkg[k].as_array().map_or(&[][..], Vec::as_slice);
    let span = |v: &Value, i: usize| v["span"][i].as_i64().unwrap_or(0);
    let mut st = tx.prepare_cached(
        "INSERT INTO places (article, name, kind, country, lat, lon, start, end, demonym,
                             dateline) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for p in list("places") {
        st.execute(params![
            id,
            s(&p["name"]).unwrap_or_default(),
            s(&p["kind"]),
            s(&p["country"]),
            p["lat"].as_f64(),
            p["lon"].as_f64(),
            span(p, 0),
            span(p, 1),
            p["demonym"] == Value::Bool(true),
            p["dateline"] == Value::Bool(true),
        ])?;
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO quotes (article, speaker, text, start, end, direct)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for q in list("quotes") {
        st.execute(params![
            id,
            s(&q["speaker"]),
            s(&q["text"]).unwrap_or_default(),
            span(q, 0),
            span(q, 1),
            q["direct"] == Value::Bool(true),
        ])?;
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO counts (article, type, number, object, start, end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for c in list("counts") {
        st.execute(params![
            id,
            s(&c["type"]).unwrap_or_default(),
            c["number"].as_i64().unwrap_or(0),
            s(&c["object"]),
            span(c, 0),
            span(c, 1),
        ])?;
    }
    let mut st =
        tx.prepare_cached("INSERT INTO themes (article, theme, offset) VALUES (?1, ?2, ?3)")?;
    for t in list("themes") {
        st.execute(params![
            id,
            s(&t["theme"]).unwrap_or_default(),
            t["offset"].as_i64().unwrap_or(0),
        ])?;
    }
    Ok(n)
}
