//! One module per group of subcommands; `main.rs` parses arguments and dispatches here.

pub(crate) mod annotate;
pub(crate) mod bench;
pub(crate) mod code;
pub(crate) mod demo;
pub(crate) mod dict;
pub(crate) mod eval;
pub(crate) mod explain;
pub(crate) mod loadtest;
pub(crate) mod serve;
pub(crate) mod store;
pub(crate) mod train;
pub(crate) mod validate;
