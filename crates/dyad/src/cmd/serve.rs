//! `dyad serve`: the HTTP API and dashboard ([`dyad_server`]) over a store, with this
//! binary's pipeline behind `POST /api/analyze`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use dyad::pipeline::Annotator;
use dyad_core::{Article, Doc};
use serde_json::{json, Value};

/// `dyad serve`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The store (made by `dyad ingest`).
    #[arg(long)]
    db: PathBuf,
    /// Address to listen on (port 0: any free port, printed on start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Bearer token that POST endpoints require [env: DYAD_TOKEN].
    #[arg(long)]
    token: Option<String>,
    /// Largest request body, bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Requests per second per client address (0: no limit); bursts of twice as many.
    #[arg(long, default_value_t = 2000)]
    rate: u32,
    /// Answer every request from the store; by default the answers of read endpoints are
    /// kept until the store changes.
    #[arg(long)]
    no_cache: bool,
}

/// Annotates and codes a posted article as `dyad code` does.
struct Pipeline {
    annotator: Annotator,
}

impl dyad_server::Analyzer for Pipeline {
    fn analyze(&self, article: Article) -> Result<Value, String> {
        let today = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs()
            / 86_400;
        let fallback = dyad_core::Date::from_days_since_epoch(today as i64);
        let fallback = fallback.ok_or("the clock is out of range")?;
        let mut doc = Doc::new(article);
        self.annotator.annotate(&mut doc);
        let lex = dyad::coding::builtin_lexicon();
        let events = dyad::coding::code_events(
            &doc,
            lex,
            dyad_coder::Config::default(),
            dyad::coding::Parses::Own,
            Some(fallback),
        );
        let facts = dyad::coding::facts(&doc, &events, Some(fallback));
        let mut annotation = Vec::new();
        dyad_io::output::write_jsonl(&mut annotation, &doc, true).map_err(|e| e.to_string())?;
        let annotation: Value = serde_json::from_slice(&annotation).map_err(|e| e.to_string())?;
        Ok(json!({
            "annotation": annotation,
            "events": dyad::coding::event_records(&doc, lex, &events, &facts),
            "gkg": dyad::gkg::record_of(&doc, &facts),
        }))
    }
}

pub(crate) fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let token = args
        .token
        .or_else(|| std::env::var("DYAD_TOKEN").ok())
        .filter(|t| !t.is_empty());
    let config = dyad_server::Config {
        db: args.db,
        token,
        max_body: args.max_body,
        rate: args.rate,
        cache: !args.no_cache,
    };
    let analyzer = Arc::new(Pipeline {
        annotator: Annotator::new(),
    });
    dyad_server::serve(&config, args.addr, analyzer, |addr| {
        eprintln!(
            "dyad serve: listening on http://{addr}/ (store {})",
            config.db.display()
        );
    })
    .map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}
