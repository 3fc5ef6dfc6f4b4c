//! `dyad train`: train a model from gold data.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

/// `dyad train`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct TrainArgs {
    #[command(subcommand)]
    what: TrainCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TrainCommand {
    /// The sentence-boundary model.
    Segmenter {
        /// Training CoNLL-U files (repeat the flag).
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/segmenter/boundary.bin")]
        out: PathBuf,
    },
    /// The POS tagger and the lemmatizer (written next to it as lemmas.bin).
    Tagger {
        /// Training CoNLL-U files.
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// A development CoNLL-U file scored after training.
        #[arg(long)]
        dev: Option<PathBuf>,
        /// Where to write the model.
        #[arg(long, default_value = "models/tagger/tagger.bin")]
        out: PathBuf,
    },
    /// The dependency parser.
    Parser {
        /// Training CoNLL-U files.
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// A development CoNLL-U file scored after training.
        #[arg(long)]
        dev: Option<PathBuf>,
        /// Passes over the training data (default: the shipped model's setting).
        #[arg(long)]
        epochs: Option<u32>,
        /// Jackknife folds for the training tags (default: the shipped model's setting).
        #[arg(long)]
        jackknife: Option<usize>,
        /// The relation table has 2^N rows (default: the shipped model's setting).
        #[arg(long)]
        label_bits: Option<u8>,
        /// The relabeller's table has 2^N rows, 0 for no relabeller (default: the shipped
        /// model's setting).
        #[arg(long)]
        relabel_bits: Option<u8>,
        /// The attachment reviser's table has 2^N weights, 0 for no reviser (default: the
        /// shipped model's setting).
        #[arg(long)]
        revise_bits: Option<u8>,
        /// Where to write the model.
        #[arg(long, default_value = "models/parser/parser.bin")]
        out: PathBuf,
    },
    /// Word clusters from unlabelled text (the news texts and the UD training words).
    Clusters {
        /// The shared data folder (holds news/ and corpora/).
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Children per class at each level (comma-separated, at most three levels).
        #[arg(long, value_delimiter = ',', default_value = "16,16,16")]
        branching: Vec<u16>,
        /// Exchange passes per level.
        #[arg(long, default_value_t = 8)]
        iterations: usize,
        /// Words seen fewer times get no cluster.
        #[arg(long, default_value_t = 2)]
        min_count: u64,
        /// Where to write the clusters.
        #[arg(long, default_value = "models/clusters/clusters.bin")]
        out: PathBuf,
    },
    /// The named-entity recognizer, from every licensed source under the shared corpora folder.
    Ner {
        /// The shared data folder (holds corpora/).
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Where to write the model.
        #[arg(long, default_value = "models/ner/ner.bin")]
        out: PathBuf,
    },
}

pub(crate) fn train(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let TrainArgs { what } = args;
    match what {
        TrainCommand::Segmenter { train, out } => {
            println!("{}", dyad::eval::train_segmenter(&train, &out)?);
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Tagger { train, dev, out } => {
            println!(
                "{}",
                dyad::nlp::tagger::train(&train, dev.as_deref(), &out)?
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Parser {
            train,
            dev,
            epochs,
            jackknife,
            label_bits,
            relabel_bits,
            revise_bits,
            out,
        } => {
            println!(
                "{}",
                dyad::nlp::parser::train(
                    &train,
                    dev.as_deref(),
                    &out,
                    dyad::nlp::parser::Overrides {
                        epochs,
                        jackknife,
                        label_bits,
                        relabel_bits,
                        revise_bits,
                    }
                )?
            );
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Clusters {
            shared,
            branching,
            iterations,
            min_count,
            out,
        } => {
            if branching.is_empty()
                || branching.len() > dyad_nlp::clusters::MAX_LEVELS
                || branching.iter().any(|&b| b < 2)
            {
                anyhow::bail!("--branching takes one to three factors, each at least 2");
            }
            let config = dyad_nlp::clusters::TrainConfig {
                branching,
                iterations,
                min_count,
            };
            print!("{}", dyad::nlp::clusters::train(&shared, &out, &config)?);
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Ner { shared, out } => {
            println!("{}", dyad::nlp::ner::train(&out, &shared)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
