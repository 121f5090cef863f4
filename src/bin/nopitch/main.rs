//! `nopitch`: sorts LinkedIn connection requests into sales pitches, known contacts and
//! personal notes, and learns from your corrections.
//!
//! Built with the `cli` feature: `cargo install --path . --features cli`. Each subcommand lives
//! in its own module; `store` keeps the personal model and its corrections.
//!
//! Exit codes: 0 success, 1 an input error (a file that cannot be read, a bad row, a bad model,
//! an unwritable data directory), 2 a usage error (clap's own code).

#![forbid(unsafe_code)]

mod classify;
mod learn;
mod model;
mod store;
mod train;
mod triage;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Writes a line to standard output, turning a write error into a [`Failure::Stdout`].
macro_rules! outln {
    ($out:expr) => {
        writeln!($out).map_err($crate::Failure::Stdout)?
    };
    ($out:expr, $($arg:tt)*) => {
        writeln!($out, $($arg)*).map_err($crate::Failure::Stdout)?
    };
}
pub(crate) use outln;

const AFTER_HELP: &str = "\
Sort your invitations (from LinkedIn's data export: Settings & Privacy → Data privacy → Get a
copy of your data → Invitations):
  nopitch triage Invitations.csv --out triaged.csv
  (edit the category column where nopitch is wrong)
  nopitch learn triaged.csv
  nopitch triage Invitations.csv --out triaged.csv
Your inbox and the whole export folder (messages.csv and Invitations.csv) the same way:
  nopitch triage export-folder/ --out invitations.csv --conversations-out conversations.csv

Your corrections are kept in your data directory (NOPITCH_HOME, or the platform's data
directory) and replayed onto new pretrained models when nopitch is upgraded.
Exit codes: 0 success, 1 input error, 2 usage error.";

/// Sorts LinkedIn connection requests into sales pitches, known contacts and personal notes, and
/// learns from your corrections.
#[derive(Parser, Debug)]
#[command(name = "nopitch", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Use this model file (e.g. one made by `nopitch train`) instead of your personal model
    /// or the pretrained one; it is used as it is, never changed.
    #[arg(long, global = true, value_name = "PATH", env = "NOPITCH_MODEL")]
    model: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Classify notes given as arguments, or one per line on standard input.
    Classify(classify::Args),
    /// Triage a LinkedIn data export: Invitations.csv, messages.csv, both, or the export's folder.
    Triage(triage::Args),
    /// Learn corrections: from a triage file whose category column you edited, or notes with --label.
    Learn(learn::LearnArgs),
    /// Take back a correction made with `learn`.
    Unlearn(learn::UnlearnArgs),
    /// Show which model is used; --reset goes back to the pretrained model.
    Model(model::Args),
    /// Train a model on your own labelled CSV/TSV file and report its cross-validated scores.
    Train(train::TrainArgs),
    /// Score a model on a labelled CSV/TSV file.
    Evaluate(train::EvaluateArgs),
}

/// Where an explicitly chosen model file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// The `--model` option.
    Option,
    /// The `NOPITCH_MODEL` environment variable.
    Env,
}

/// A model file chosen with `--model` or `NOPITCH_MODEL`.
#[derive(Debug, Clone)]
pub struct ChosenModel {
    /// The file.
    pub path: PathBuf,
    /// How it was chosen.
    pub via: Via,
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (a file, a row, a model, the data directory): exit code 1.
    Input(String),
    /// Writing to standard output failed; a closed pipe (`nopitch … | head`) ends quietly.
    Stdout(io::Error),
}

impl From<nopitch::Error> for Failure {
    fn from(e: nopitch::Error) -> Failure {
        Failure::Input(e.to_string())
    }
}

/// An input error about `path`: the library's message, with the path in front when the message
/// does not already name it.
pub fn in_file(path: &Path, e: impl std::fmt::Display) -> Failure {
    let message = e.to_string();
    let shown = path.display().to_string();
    if message.starts_with(&shown) {
        Failure::Input(message)
    } else {
        Failure::Input(format!("{shown}: {message}"))
    }
}

/// A usage error of `subcommand` (exit code 2) in clap's format, for rules clap cannot express.
pub fn usage_error(subcommand: &str, message: impl std::fmt::Display) -> ! {
    let mut cli = Cli::command();
    cli.build();
    match cli.find_subcommand_mut(subcommand) {
        Some(sub) => sub.error(clap::error::ErrorKind::ArgumentConflict, message),
        None => cli.error(clap::error::ErrorKind::ArgumentConflict, message),
    }
    .exit()
}

fn main() -> ExitCode {
    // An empty NOPITCH_MODEL means unset, as for NOPITCH_HOME (clap would call it a missing value).
    if std::env::var_os("NOPITCH_MODEL").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("NOPITCH_MODEL");
    }
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let chosen = cli.model.clone().map(|path| {
        let via = match matches.value_source("model") {
            Some(ValueSource::EnvVariable) => Via::Env,
            _ => Via::Option,
        };
        ChosenModel { path, via }
    });
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Classify(args) => classify::run(&args, chosen.as_ref(), &mut out),
        Command::Triage(args) => triage::run(&args, chosen.as_ref(), &mut out),
        Command::Learn(args) => learn::run_learn(&args, chosen.as_ref(), &mut out),
        Command::Unlearn(args) => learn::run_unlearn(&args, chosen.as_ref(), &mut out),
        Command::Model(args) => model::run(&args, chosen.as_ref(), &mut out),
        Command::Train(args) => {
            if chosen.as_ref().is_some_and(|c| c.via == Via::Option) {
                usage_error("train", "train makes a new model and does not use --model; name the file it writes with --out");
            }
            train::run_train(&args, &mut out)
        }
        Command::Evaluate(args) => train::run_evaluate(&args, chosen.as_ref(), &mut out),
    };
    let result = result.and_then(|()| out.flush().map_err(Failure::Stdout));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Stdout(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Stdout(e)) => {
            eprintln!("error: writing to standard output: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Input(message)) => {
            // One line, so that scripts and logs keep it whole.
            eprintln!("error: {}", message.replace(['\n', '\r'], " "));
            ExitCode::from(1)
        }
    }
}
