//! The dyad pipeline, evaluation and benchmarks, wired together for the CLI.
pub mod eval;
