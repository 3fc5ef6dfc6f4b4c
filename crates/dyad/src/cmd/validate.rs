//! `dyad validate`: a PETRARCH validation file.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::ParsesArg;

/// `dyad validate`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
    /// The XML file; its <Environment> names dictionaries in the same folder.
    file: PathBuf,
    /// Which parses to code: the supplied Penn trees or dyad's own.
    #[arg(long, value_enum, default_value_t = ParsesArg::Supplied)]
    parses: ParsesArg,
    /// Print `dyad explain`'s report for the record with this id (to stderr).
    #[arg(long)]
    show: Option<String>,
}

pub(crate) fn validate(args: ValidateArgs) -> anyhow::Result<ExitCode> {
    let ValidateArgs { file, parses, show } = args;
    let report = dyad::validate::run(&file, parses.get(), show.as_deref())?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
