//! `dyad._dyad`: the native module of the Python package `dyad` (python/dyad/__init__.py wraps
//! it; that is the documented API).
//!
//! Input: articles as JSON lines (what `dyad.code` makes of Python dicts and strings) or as an
//! Arrow record batch. Output: `dyad code`'s (or `dyad annotate`'s) JSON lines per record, or
//! an Arrow batch of events ([`dyad::batch`]). Everything runs with the GIL released, on a
//! rayon pool of `threads` workers (0: one per core); the models, the built-in dictionaries and
//! each set of dictionary files given are loaded once per process.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use dyad::batch::{self, BatchError, BatchOptions};
use dyad::coding;
use dyad::models::Stages;
use dyad::pipeline::{self, Annotator, RunConfig};
use dyad_coder::{Config, Lexicon};
use dyad_core::{Date, Doc, RecordError};
use dyad_io::output::{self, ErrorRecord};
use dyad_io::read::{self, InputFormat, ReaderConfig};
use pyo3::exceptions::{PyRuntimeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

mod ffi;

/// mimalloc, as in the CLI: annotation and coding make many small, short-lived allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ffi::{ArrowBatch, ArrowSchema};

/// The name `dyad.code` and `dyad.annotate` give their input: record N is line N + 1 of it,
/// and an article without id is called `records:N+1`, as the JSONL reader names lines.
const RECORDS: &str = "records";

/// Dictionaries by the paths they were read from, each set compiled once per process and kept
/// for its life (as the built-in ones are).
fn lexicon(py: Python<'_>, dicts: &[PathBuf]) -> PyResult<&'static Lexicon> {
    type Cache = Mutex<HashMap<Vec<PathBuf>, &'static Lexicon>>;
    static LEXICONS: OnceLock<Cache> = OnceLock::new();
    if dicts.is_empty() {
        return Ok(py.detach(coding::builtin_lexicon));
    }
    let cache = LEXICONS.get_or_init(Default::default);
    if let Some(lex) = cache.lock().expect("lexicon cache").get(dicts) {
        return Ok(lex);
    }
    let (lex, diags) = py
        .detach(|| coding::load_lexicon(dicts))
        .map_err(|e| PyValueError::new_err(format!("{e:#}")))?;
    let errors = diags
        .iter()
        .filter(|d| d.severity == dyad_dict::Severity::Error)
        .count();
    if errors > 0 {
        let message = format!(
            "the dictionaries have {errors} line(s) that were skipped; run `dyad dict check` for the list"
        );
        let category = py.get_type::<PyUserWarning>();
        PyErr::warn(py, category.as_any(), &std::ffi::CString::new(message)?, 1)?;
    }
    let lex: &'static Lexicon = Box::leak(Box::new(lex));
    cache
        .lock()
        .expect("lexicon cache")
        .insert(dicts.to_vec(), lex);
    Ok(lex)
}

/// `date` as `--date` reads it.
fn parse_date(date: Option<&str>) -> PyResult<Option<Date>> {
    date.map(|d| {
        Date::parse_iso(d)
            .or_else(|| Date::parse_compact(d))
            .ok_or_else(|| PyValueError::new_err(format!("date {d:?}: expected YYYY-MM-DD")))
    })
    .transpose()
}

/// A worker pool per thread count, built once.
fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .expect("pool cache");
    if let Some(p) = pools.get(&threads) {
        return Ok(Arc::clone(p));
    }
    let p = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("dyad-python-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start {threads} threads: {e}")))?;
    let p = Arc::new(p);
    pools.insert(threads, Arc::clone(&p));
    Ok(p)
}

/// What one input record gave: its id when read, its error kind and message when it could
/// not be read or coded, and its output lines (for an unreadable record, its error record as
/// `dyad code --errors` writes it).
type Outcome = (Option<String>, Option<String>, Option<String>, Vec<u8>);

/// An [`Outcome`] for Python, its lines as `bytes`.
type PyOutcome<'py> = (
    Option<String>,
    Option<String>,
    Option<String>,
    Bound<'py, PyBytes>,
);

/// An article's output lines, and its error kind and message when it could not be coded.
type Rendered = io::Result<(Vec<u8>, Option<(String, String)>)>;

/// Runs the records of `data` (JSON lines) through the CLI's pipeline, rendering each article
/// with `render`.
fn run_jsonl(
    py: Python<'_>,
    data: &[u8],
    stages: Stages,
    threads: usize,
    max_article_bytes: usize,
    render: impl Fn(&Doc) -> Rendered + Sync + Send,
) -> PyResult<Vec<Outcome>> {
    let outcomes = py.detach(|| {
        let config = ReaderConfig {
            max_article_bytes,
            format: InputFormat::Jsonl,
        };
        let records = read::read_bytes(RECORDS, data, InputFormat::Jsonl, &config);
        let annotator = match stages == Stages::ALL {
            true => Cow::Borrowed(annotator()),
            false => Cow::Owned(Annotator::with_stages(stages)),
        };
        let mut outcomes: Vec<Outcome> = Vec::with_capacity(records.len());
        let sink = |record: Result<(&Doc, Rendered), &RecordError>| -> io::Result<()> {
            outcomes.push(match record {
                Ok((doc, rendered)) => {
                    let (lines, error) = rendered?;
                    let (kind, message) = error.unzip();
                    (Some(doc.article.id.clone()), kind, message, lines)
                }
                Err(e) => {
                    let mut lines = Vec::new();
                    output::write_line(&mut lines, &ErrorRecord::from_error(e))?;
                    let kind = e.kind.as_str().to_string();
                    (e.id.clone(), Some(kind), Some(e.message.clone()), lines)
                }
            });
            Ok(())
        };
        pipeline::run(
            &annotator,
            Box::new(records.into_iter()),
            RunConfig { threads },
            render,
            sink,
        )
        .map(|_| outcomes)
    });
    outcomes.map_err(|e| PyRuntimeError::new_err(format!("{e}")))
}

fn annotator() -> &'static Annotator {
    static ANNOTATOR: OnceLock<Annotator> = OnceLock::new();
    ANNOTATOR.get_or_init(Annotator::new)
}

/// Codes JSON lines as `dyad code` does; one outcome per record, in input order.
#[pyfunction]
#[pyo3(signature = (data, date=None, dicts=Vec::new(), threads=0, require_target=false, max_article_bytes=2_000_000))]
fn code_jsonl<'py>(
    py: Python<'py>,
    data: &[u8],
    date: Option<&str>,
    dicts: Vec<PathBuf>,
    threads: usize,
    require_target: bool,
    max_article_bytes: usize,
) -> PyResult<Vec<PyOutcome<'py>>> {
    let date = parse_date(date)?;
    let lex = lexicon(py, &dicts)?;
    let config = Config {
        require_dyad: require_target,
        ..Config::default()
    };
    let render = |doc: &Doc| {
        let events = coding::code_events(doc, lex, config, coding::Parses::Own, date);
        let facts = coding::facts(doc, &events, date);
        let mut lines = Vec::new();
        let mut error = None;
        for line in coding::code_lines(doc, lex, &events, &facts) {
            if let output::CodeLine::Error(e) = &line {
                error = Some((e.error.clone(), e.message.clone()));
            }
            output::write_line(&mut lines, &line)?;
        }
        Ok((lines, error))
    };
    let outcomes = run_jsonl(py, data, Stages::ALL, threads, max_article_bytes, render)?;
    Ok(bytes_outcomes(py, outcomes))
}

/// Annotates JSON lines as `dyad annotate --format jsonl` does.
#[pyfunction]
#[pyo3(signature = (data, with_text=false, tag=true, parse=true, ner=true, threads=0, max_article_bytes=2_000_000))]
#[allow(
    clippy::too_many_arguments,
    reason = "the Python signature, keywords with defaults"
)]
fn annotate_jsonl<'py>(
    py: Python<'py>,
    data: &[u8],
    with_text: bool,
    tag: bool,
    parse: bool,
    ner: bool,
    threads: usize,
    max_article_bytes: usize,
) -> PyResult<Vec<PyOutcome<'py>>> {
    let render = |doc: &Doc| {
        let mut lines = Vec::with_capacity(doc.text().len() * 8);
        output::write_jsonl(&mut lines, doc, with_text)?;
        Ok((lines, None))
    };
    let stages = Stages { tag, parse, ner };
    let outcomes = run_jsonl(py, data, stages, threads, max_article_bytes, render)?;
    Ok(bytes_outcomes(py, outcomes))
}

fn bytes_outcomes(py: Python<'_>, outcomes: Vec<Outcome>) -> Vec<PyOutcome<'_>> {
    outcomes
        .into_iter()
        .map(|(id, kind, message, lines)| (id, kind, message, PyBytes::new(py, &lines)))
        .collect()
}

/// Codes an Arrow record batch: one row per event (see `dyad::batch`).
#[pyfunction]
#[pyo3(signature = (batch, date=None, dicts=Vec::new(), threads=0, require_target=false, skip_errors=false, max_article_bytes=2_000_000))]
#[allow(
    clippy::too_many_arguments,
    reason = "the Python signature, keywords with defaults"
)]
fn code_arrow(
    py: Python<'_>,
    batch: &Bound<'_, PyAny>,
    date: Option<&str>,
    dicts: Vec<PathBuf>,
    threads: usize,
    require_target: bool,
    skip_errors: bool,
    max_article_bytes: usize,
) -> PyResult<ArrowBatch> {
    let input = ffi::import_batch(batch)?;
    let date = parse_date(date)?;
    let lex = lexicon(py, &dicts)?;
    let pool = match threads {
        1 => None,
        n => Some(pool(n)?),
    };
    let options = BatchOptions {
        lexicon: lex,
        config: Config {
            require_dyad: require_target,
            ..Config::default()
        },
        date,
        max_article_bytes,
        skip_errors,
    };
    let coded = py.detach(|| batch::code_batch(&input, &options, pool.as_deref()));
    match coded {
        Ok(events) => Ok(ArrowBatch::new(events)),
        Err(BatchError::Column(message)) => Err(PyValueError::new_err(message)),
        Err(BatchError::Row {
            row,
            id,
            kind,
            message,
        }) => {
            let class = py.import("dyad")?.getattr("RecordError")?;
            Err(PyErr::from_value(class.call1((row, id, kind, message))?))
        }
    }
}

/// The schema of `code_arrow`'s batches.
#[pyfunction]
fn events_schema() -> ArrowSchema {
    ArrowSchema::new(batch::events_schema())
}

/// The provenance columns that follow GDELT's 61: name, Arrow type, nullable, description.
#[pyfunction]
fn provenance_columns() -> Vec<(&'static str, &'static str, bool, &'static str)> {
    batch::PROVENANCE.to_vec()
}

/// Loads the models and the built-in dictionaries now rather than on the first call.
#[pyfunction]
fn warm_up(py: Python<'_>) {
    py.detach(|| {
        annotator();
        coding::builtin_lexicon();
    });
}

/// dyad's native module: coding and annotation with the GIL released.
#[pymodule]
#[pyo3(name = "_dyad")]
fn dyad_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(code_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(annotate_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(code_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(events_schema, m)?)?;
    m.add_function(wrap_pyfunction!(provenance_columns, m)?)?;
    m.add_function(wrap_pyfunction!(warm_up, m)?)?;
    m.add_class::<ArrowBatch>()?;
    m.add_class::<ArrowSchema>()?;
    Ok(())
}
