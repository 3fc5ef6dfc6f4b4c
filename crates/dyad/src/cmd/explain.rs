//! `dyad explain`: how one sentence is coded.

use std::process::ExitCode;

use dyad::pipeline::Annotator;
use dyad_core::Doc;

use crate::CodingArgs;

/// `dyad explain`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct ExplainArgs {
    /// The text.
    text: String,
    #[command(flatten)]
    coding: CodingArgs,
}

pub(crate) fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let ExplainArgs { text, coding } = args;
    let lex = coding.lexicon(false)?;
    let date = coding
        .date()?
        .unwrap_or(dyad_core::Date::new(2022, 3, 10).expect("valid"));
    let mut doc = Doc::new(dyad_core::Article::new("explain", text));
    Annotator::new().annotate(&mut doc);
    let codings =
        dyad::coding::code_doc(&doc, &lex, coding.config(), dyad::coding::Parses::Own, date)
            .map_err(anyhow::Error::msg)?;
    print!("{}", dyad::coding::explain(&doc, &lex, &codings, date));
    Ok(ExitCode::SUCCESS)
}
