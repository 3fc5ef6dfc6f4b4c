//! `dyad serve`: the HTTP API over a store and the dashboard, its assets embedded.
//!
//! - `GET /healthz`, `GET /api/openapi.json`
//! - `GET /api/events` (filters `actor`, `source`, `target`, `code`, `from`, `to`,
//!   `near=LAT,LON,KM`, `text`; paging `limit` ≤ 1000, `offset`)
//! - `GET /api/timeline` (the same filters: events and mean Goldstein per day)
//! - `GET /api/articles?text=…`, `GET /api/articles/{id}` (text and every annotation, spans)
//! - `GET /api/actors`, `GET /api/dyads` (`source` and `target`: per day; neither: the
//!   busiest pairs), `GET /api/stats`
//! - `POST /api/analyze` (article JSON or plain text in, annotation and events out): needs
//!   `Authorization: Bearer TOKEN` when a token is configured.
//!
//! Errors are JSON, `{"error": {"code": "…", "message": "…"}}`, with a stable code. Request
//! bodies are limited in size, and each client address in rate (a token bucket). The store is
//! read through a pool of read-only connections on blocking threads. Article text reaches the
//! dashboard as JSON and is only ever set as text (see `assets/app.js`); every page carries a
//! Content-Security-Policy without inline scripts.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dyad_store::{Filter, Store};
use serde_json::{json, Value};

/// Annotates and codes one article for `POST /api/analyze` (the CLI provides it: the server
/// does not depend on the pipeline).
pub trait Analyzer: Send + Sync + 'static {
    /// The annotation and events of one article, as JSON; an error message otherwise.
    fn analyze(&self, article: dyad_core::Article) -> Result<Value, String>;
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The store.
    pub db: PathBuf,
    /// Bearer token required by the endpoints that compute or write (`POST`), if any.
    pub token: Option<String>,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Requests per second per client address (0: no limit); bursts of twice as many.
    pub rate: u32,
    /// Keep the responses of read endpoints until the store changes.
    pub cache: bool,
}

/// An API error: status, stable code, message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": {"code": self.code, "message": self.message}})),
        )
            .into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// Read-only connections to the store, reused across requests.
#[derive(Debug)]
struct Pool {
    db: PathBuf,
    idle: Mutex<Vec<Store>>,
}

impl Pool {
    /// Runs `f` with a connection on a blocking thread.
    async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let store = pool.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let store = match store {
                Some(s) => s,
                None => Store::open_read_only(&pool.db)
                    .map_err(|e| ApiError::internal(e.to_string()))?,
            };
            let out = f(&store);
            let mut idle = pool.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < 32 {
                idle.push(store);
            }
            out
        })
        .await
        .map_err(|e| ApiError::internal(format!("worker: {e}")))?
    }
}

/// A token bucket per client address.
#[derive(Debug)]
struct Limiter {
    rate: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    fn allow(&self, ip: IpAddr) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let now = Instant::now();
        let burst = self.rate * 2.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            buckets.retain(|_, (_, t)| now.duration_since(*t).as_secs() < 60);
        }
        let (tokens, last) = buckets.entry(ip).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The responses of `GET /api/…`, kept until the store changes: a dashboard asks the same
/// questions again and again (every visitor's first page), and a stored answer costs a hash
/// lookup instead of a query. Whether the store changed is asked of SQLite on every request
/// (`PRAGMA data_version` on a connection of the cache's own), so an answer is never stale.
struct Cache {
    watch: Mutex<Store>,
    entries: Mutex<(i64, HashMap<String, Cached>)>,
}

#[derive(Clone)]
struct Cached {
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// Entries kept at most (the cache is emptied when it is full) and the largest body kept.
const CACHE_ENTRIES: usize = 4096;
const CACHE_BODY: usize = 2 << 20;

impl Cache {
    fn version(&self) -> Option<i64> {
        let watch = self.watch.lock().unwrap_or_else(|p| p.into_inner());
        watch.data_version().ok()
    }

    fn get(&self, version: i64, key: &str) -> Option<Cached> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        (entries.0 == version)
            .then(|| entries.1.get(key).cloned())
            .flatten()
    }

    fn put(&self, version: i64, key: String, value: Cached) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.0 != version {
            // Another version was seen since this answer was computed: keep only the newest.
            if version < entries.0 {
                return;
            }
            *entries = (version, HashMap::new());
        }
        if entries.1.len() >= CACHE_ENTRIES {
            entries.1.clear();
        }
        entries.1.insert(key, value);
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").finish_non_exhaustive()
    }
}

/// Answers a read request from the cache, or runs it and keeps a successful answer.
async fn cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(cache) = state.cache.clone() else {
        return next.run(req).await;
    };
    if req.method() != axum::http::Method::GET || !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let Some(version) = cache.version() else {
        return next.run(req).await;
    };
    let key = req.uri().to_string();
    if let Some(hit) = cache.get(version, &key) {
        let mut resp = hit.body.into_response();
        if let Some(ct) = hit.content_type {
            resp.headers_mut().insert(header::CONTENT_TYPE, ct);
        }
        return resp;
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return ApiError::internal(format!("reading a response: {e}")).into_response(),
    };
    if body.len() <= CACHE_BODY {
        let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
        cache.put(
            version,
            key,
            Cached {
                content_type,
                body: body.clone(),
            },
        );
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

#[derive(Clone)]
struct AppState {
    cache: Option<Arc<Cache>>,
    pool: Arc<Pool>,
    analyzer: Arc<dyn Analyzer>,
    token: Option<Arc<str>>,
    limiter: Arc<Limiter>,
    max_body: usize,
}

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const WORLD_JSON: &str = include_str!("../assets/world.json");
const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");

/// The API's routes over a store (checked to open), for [`serve`] and for tests.
pub fn router(config: &Config, analyzer: Arc<dyn Analyzer>) -> Result<Router, String> {
    let first = Store::open_read_only(&config.db).map_err(|e| e.to_string())?;
    let cache = if config.cache {
        let watch = Store::open_read_only(&config.db).map_err(|e| e.to_string())?;
        let version = watch.data_version().map_err(|e| e.to_string())?;
        Some(Arc::new(Cache {
            watch: Mutex::new(watch),
            entries: Mutex::new((version, HashMap::new())),
        }))
    } else {
        None
    };
    let state = AppState {
        cache,
        pool: Arc::new(Pool {
            db: config.db.clone(),
            idle: Mutex::new(vec![first]),
        }),
        analyzer,
        token: config.token.as_deref().map(Arc::from),
        limiter: Arc::new(Limiter {
            rate: f64::from(config.rate),
            buckets: Mutex::default(),
        }),
        max_body: config.max_body,
    };
    Ok(Router::new()
        .route("/", get(|| asset(INDEX_HTML, "text/html; charset=utf-8")))
        .route(
            "/assets/app.js",
            get(|| asset(APP_JS, "text/javascript; charset=utf-8")),
        )
        .route(
            "/assets/app.css",
            get(|| asset(APP_CSS, "text/css; charset=utf-8")),
        )
        .route(
            "/assets/world.json",
            get(|| asset(WORLD_JSON, "application/json")),
        )
        .route(
            "/api/openapi.json",
            get(|| asset(OPENAPI_JSON, "application/json")),
        )
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/api/events", get(events))
        .route("/api/timeline", get(timeline))
        .route("/api/articles", get(search_articles))
        .route("/api/articles/{id}", get(article))
        .route("/api/actors", get(actors))
        .route("/api/dyads", get(dyads))
        .route("/api/stats", get(stats))
        .route("/api/analyze", post(analyze))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "not-found", "no such endpoint")
        })
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body))
        .layer(middleware::from_fn_with_state(state.clone(), cached))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state))
}

/// Serves until the process ends; `ready` gets the address bound (port 0 picks one).
pub fn serve(
    config: &Config,
    addr: SocketAddr,
    analyzer: Arc<dyn Analyzer>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let app = router(config, analyzer)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the server: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("binding {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        ready(bound);
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .map_err(|e| format!("serving: {e}"))
    })
}

/// Security headers on every response; the rate limit before any work.
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    let mut resp = if state.limiter.allow(ip) {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many requests from this address; slow down",
        )
        .into_response()
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
             form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

async fn asset(body: &'static str, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn json_response(v: Value) -> ApiResult {
    Ok(Json(v).into_response())
}

/// The filters of a query string.
fn filter_of(q: &HashMap<String, String>) -> Result<Filter, ApiError> {
    let known = [
        "actor", "source", "target", "code", "from", "to", "near", "text", "limit", "offset",
    ];
    if let Some(k) = q.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(ApiError::bad(format!(
            "unknown parameter {k:?}; known: {}",
            known.join(", ")
        )));
    }
    let s = |k: &str| q.get(k).filter(|v| !v.is_empty()).cloned();
    let num = |k: &str, default: usize| -> Result<usize, ApiError> {
        match q.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| ApiError::bad(format!("{k}={v:?}: expected a whole number"))),
        }
    };
    let near = match s("near") {
        None => None,
        Some(v) => {
            let parts: Vec<f64> = v
                .split(',')
                .map(|p| p.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| ApiError::bad(format!("near={v:?}: expected LAT,LON,KM")))?;
            match parts.as_slice() {
                &[lat, lon, km] => Some((lat, lon, km)),
                _ => return Err(ApiError::bad(format!("near={v:?}: expected LAT,LON,KM"))),
            }
        }
    };
    let limit = num("limit", 100)?;
    if limit > 1000 {
        return Err(ApiError::bad("limit: at most 1000"));
    }
    Ok(Filter {
        actor: s("actor"),
        source: s("source"),
        target: s("target"),
        code: s("code"),
        from: s("from"),
        to: s("to"),
        near,
        text: s("text"),
        article: None,
        limit,
        offset: num("offset", 0)?,
    })
}

/// A store error from a filter is the client's (a bad value); anything else is ours.
fn store_error(e: dyad_store::StoreError) -> ApiError {
    let msg = e.to_string();
    if msg.starts_with("store:") {
        ApiError::internal(msg)
    } else {
        ApiError::bad(msg)
    }
}

async fn events(State(st): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult {
    let filter = filter_of(&q)?;
    let (offset, limit) = (filter.offset, filter.limit);
    let (events, total) = st
        .pool
        .with(move |s| s.events_raw(&filter).map_err(store_error))
        .await?;
    /// A page of events; the records go out as stored, never parsed.
    #[derive(serde::Serialize)]
    struct Page {
        total: u64,
        total_is_lower_bound: bool,
        offset: usize,
        limit: usize,
        events: Vec<Box<serde_json::value::RawValue>>,
    }
    Ok(Json(Page {
        total,
        total_is_lower_bound: total >= dyad_store::COUNT_CAP,
        offset,
        limit,
        events,
    })
    .into_response())
}

/// Days as the API writes them, the mean Goldstein score to two decimals.
fn days_json(days: Vec<dyad_store::DayCount>) -> Vec<Value> {
    days.into_iter()
        .map(|d| json!({"date": d.date, "events": d.events, "goldstein": (d.goldstein * 100.0).round() / 100.0}))
        .collect()
}

async fn timeline(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let filter = filter_of(&q)?;
    let days = st
        .pool
        .with(move |s| s.timeline(&filter).map_err(store_error))
        .await?;
    let days = days_json(days);
    json_response(json!({"days": days}))
}

async fn search_articles(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let text = q
        .get("text")
        .cloned()
        .ok_or_else(|| ApiError::bad("text: the words to search for"))?;
    let found = st
        .pool
        .with(move |s| s.search_articles(&text, 50).map_err(store_error))
        .await?;
    json_response(json!({"articles": found}))
}

async fn article(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad(format!("article id {id:?}: expected a number")))?;
    let found = st
        .pool
        .with(move |s| s.article(id).map_err(store_error))
        .await?;
    match found {
        Some(v) => json_response(v),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("no article {id}"),
        )),
    }
}

async fn actors(State(st): State<AppState>, Query(q): Query<HashMap<String, String>>) -> ApiResult {
    let limit = match q.get("limit") {
        None => 100,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|&n| n <= 1000)
            .ok_or_else(|| ApiError::bad(format!("limit={v:?}: a number up to 1000")))?,
    };
    let found = st
        .pool
        .with(move |s| s.actors(limit).map_err(store_error))
        .await?;
    let list: Vec<Value> = found
        .into_iter()
        .map(|a| json!({"code": a.code, "events": a.events}))
        .collect();
    json_response(json!({"actors": list}))
}

async fn dyads(
    State(st): State<AppState>,
    Query(mut q): Query<HashMap<String, String>>,
) -> ApiResult {
    let limit: usize = match q.remove("limit") {
        None => 50,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|&n| n <= 500)
            .ok_or_else(|| ApiError::bad(format!("limit={v:?}: a number up to 500")))?,
    };
    let filter = filter_of(&q)?;
    if filter.source.is_some() && filter.target.is_some() {
        let (source, target) = (filter.source.clone(), filter.target.clone());
        let days = st
            .pool
            .with(move |s| s.timeline(&filter).map_err(store_error))
            .await?;
        let days = days_json(days);
        return json_response(json!({"source": source, "target": target, "days": days}));
    }
    let pairs = st
        .pool
        .with(move |s| s.top_dyads(&filter, limit).map_err(store_error))
        .await?;
    let pairs: Vec<Value> = pairs
        .into_iter()
        .map(|(s, t, n, g)| json!({"source": s, "target": t, "events": n, "goldstein": (g * 100.0).round() / 100.0}))
        .collect();
    json_response(json!({"dyads": pairs}))
}

async fn stats(State(st): State<AppState>) -> ApiResult {
    let s = st.pool.with(|s| s.stats().map_err(store_error)).await?;
    let roots: serde_json::Map<String, Value> =
        s.roots.into_iter().map(|(r, n)| (r, json!(n))).collect();
    json_response(json!({
        "schema": s.schema,
        "articles": s.articles,
        "events": s.events,
        "places": s.places,
        "quotes": s.quotes,
        "counts": s.counts,
        "first": s.first,
        "last": s.last,
        "roots": roots,
    }))
}

/// `POST /api/analyze`: a JSON article (`text`, optional `id`, `date`, `title`, `url`,
/// `source`) or plain text.
async fn analyze(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult {
    if let Some(token) = &st.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given.is_some_and(|g| {
            g.len() == token.len()
                && g.bytes()
                    .zip(token.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        if !ok {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this endpoint needs Authorization: Bearer TOKEN",
            ));
        }
    }
    let body = body.map_err(|e| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "the body could not be read within the limit of {} bytes: {e}",
                st.max_body
            ),
        )
    })?;
    if body.len() > st.max_body {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            format!(
                "the body is {} bytes; the limit is {}",
                body.len(),
                st.max_body
            ),
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad("the body is not UTF-8"))?;
    let mut article = dyad_core::Article::new("request", "");
    article.origin = "POST /api/analyze".into();
    if is_json {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| ApiError::bad(format!("the body is not JSON: {e}")))?;
        let s = |k: &str| v[k].as_str().map(str::to_owned);
        article.text = s("text").ok_or_else(|| ApiError::bad("text: required"))?;
        if let Some(id) = s("id") {
            article.id = id;
        }
        article.title = s("title");
        article.url = s("url");
        article.source = s("source");
        if let Some(d) = s("date") {
            article.published = Some(
                dyad_core::Published::parse(&d)
                    .ok_or_else(|| ApiError::bad(format!("date {d:?}: expected YYYY-MM-DD")))?,
            );
        }
    } else {
        article.text = text.to_string();
    }
    if article.text.trim().is_empty() {
        return Err(ApiError::bad("text: empty"));
    }
    let analyzer = Arc::clone(&st.analyzer);
    let out = tokio::task::spawn_blocking(move || analyzer.analyze(article))
        .await
        .map_err(|e| ApiError::internal(format!("worker: {e}")))?
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", e))?;
    json_response(out)
}
