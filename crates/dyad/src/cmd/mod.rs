//! One module per group of subcommands; `main.rs` parses arguments and dispatches here.

pub(crate) mod demo;
pub(crate) mod loadtest;
pub(crate) mod serve;
pub(crate) mod store;
