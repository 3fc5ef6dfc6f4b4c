//! `dyad dict`: check, summarize, convert or mine event-coding dictionaries.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;

/// `dyad dict`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct DictArgs {
    #[command(subcommand)]
    what: DictCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DictCommand {
    /// Read every dictionary file in DIR and print each problem with its file and line; exit 1
    /// when a line had to be skipped.
    Check {
        /// Folder of dictionary files: dyad's format (`actors/*.tsv`, `agents.tsv`, `verbs.tsv`,
        /// `discards.tsv`, as in `dicts/`) or TABARI/PETRARCH files (`*.actors.txt`,
        /// `*agents.txt`, `*verbs.txt`, `CAMEO.2.0.txt`, `*discards.txt`, `*IssueCoding.txt`).
        dir: PathBuf,
    },
    /// Count the entries, names, codes and patterns of the dictionaries in DIR.
    Stats {
        /// Folder of dictionary files.
        dir: PathBuf,
    },
    /// Convert TABARI/PETRARCH dictionaries in SRC to dyad's format in OUT.
    Convert {
        /// Folder of TABARI/PETRARCH files.
        src: PathBuf,
        /// Folder to write (created; existing files of the same names are replaced).
        out: PathBuf,
    },
    /// Mine articles for what the dictionaries miss: uncovered verbs and nouns between actors,
    /// and frequent uncoded names, with counts and example sentences.
    Mine(dyad::mine::MineArgs),
}

/// Writes TABARI/PETRARCH dictionaries in dyad's format; returns the number of files.
fn convert(dicts: &dyad_dict::Dictionaries, out: &std::path::Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out.join("actors"))
        .with_context(|| format!("creating {}", out.display()))?;
    let stem = |f: &str| {
        std::path::Path::new(f)
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(".txt")
                    .replace('.', "-")
            })
            .unwrap_or_default()
    };
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for a in &dicts.actors {
        files.push((
            out.join("actors").join(format!("{}.tsv", stem(&a.file))),
            dyad_dict::write_actors(a),
        ));
    }
    let join = |parts: Vec<String>| parts.join("\n");
    if !dicts.agents.is_empty() {
        files.push((
            out.join("agents.tsv"),
            join(dicts.agents.iter().map(dyad_dict::write_agents).collect()),
        ));
    }
    if !dicts.verbs.is_empty() {
        files.push((
            out.join("verbs.tsv"),
            join(dicts.verbs.iter().map(dyad_dict::write_verbs).collect()),
        ));
    }
    if !dicts.discards.is_empty() {
        files.push((
            out.join("discards.tsv"),
            join(
                dicts
                    .discards
                    .iter()
                    .map(dyad_dict::write_discards)
                    .collect(),
            ),
        ));
    }
    for (path, text) in &files {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(files.len())
}

pub(crate) fn dict(args: DictArgs) -> anyhow::Result<ExitCode> {
    let DictArgs { what } = args;
    let dir = match &what {
        DictCommand::Check { dir } | DictCommand::Stats { dir } => dir,
        DictCommand::Convert { src, .. } => src,
        DictCommand::Mine(args) => return dyad::mine::cli(args),
    };
    anyhow::ensure!(dir.is_dir(), "{} is not a folder", dir.display());
    let (dicts, diagnostics) = dyad_dict::read_any(dir);
    match what {
        DictCommand::Convert { out, .. } => {
            let written = convert(&dicts, &out)?;
            println!("dict convert: wrote {written} files to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        DictCommand::Check { .. } => {
            for d in &diagnostics {
                println!("{d}");
            }
            // The coder's word lists (dicts/coder.tsv), when the folder has them.
            let words = dir.join("coder.tsv");
            let words_error = std::fs::read_to_string(&words)
                .ok()
                .and_then(|t| dyad_coder::words::Words::parse(&t).err());
            if let Some(e) = &words_error {
                println!("{}: error: {e}", words.display());
            }
            let errors = diagnostics
                .iter()
                .filter(|d| d.severity == dyad_dict::Severity::Error)
                .count()
                + usize::from(words_error.is_some());
            println!(
                "dict check: {} problems ({errors} errors) in {} files",
                diagnostics.len(),
                dicts.stats().files
            );
            Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        DictCommand::Stats { .. } => {
            println!("{}", dicts.stats());
            Ok(ExitCode::SUCCESS)
        }
        DictCommand::Mine(_) => unreachable!("mined above"),
    }
}
