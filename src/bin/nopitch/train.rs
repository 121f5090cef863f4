//! `nopitch train` and `nopitch evaluate`: your own labelled data.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use nopitch::{
    cross_validate, evaluate, read_examples, stratified_split, CsvOptions, ExampleReader, Trainer,
};

use crate::{in_file, outln, store, ChosenModel, Failure};

/// How to read a labelled file.
#[derive(clap::Args, Debug)]
pub struct DataArgs {
    /// Column with the text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    text_column: String,
    /// Column with the label.
    #[arg(long, value_name = "NAME", default_value = "label")]
    label_column: String,
    /// Read tab-separated values, unquoted (default for .tsv and .tab files).
    #[arg(long, conflicts_with = "csv")]
    tsv: bool,
    /// Read comma-separated values, quoted (default for other files).
    #[arg(long)]
    csv: bool,
}

impl DataArgs {
    fn options(&self, path: &Path) -> CsvOptions {
        let format = if self.tsv {
            CsvOptions::tsv()
        } else if self.csv {
            CsvOptions::csv()
        } else {
            CsvOptions::for_path(path)
        };
        format
            .text_column(self.text_column.clone())
            .label_column(self.label_column.clone())
    }
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Prints a stratified cross-validation report (accuracy, per-label precision, recall and F1,
macro-F1, MCC, calibration error, confusion matrices) and, with --out, saves the model trained on
the whole file (binary; JSON if the name ends in .json). Use it with `nopitch --model FILE …`.

Example:
  nopitch train my_notes.csv --out my.model --holdout 0.3")]
pub struct TrainArgs {
    /// The labelled CSV or TSV file (a header row; columns text and label by default).
    #[arg(value_name = "DATA")]
    data: PathBuf,
    /// Save the trained model to this file.
    #[arg(long, value_name = "MODEL")]
    out: Option<PathBuf>,
    #[command(flatten)]
    data_args: DataArgs,
    /// Cross-validation folds (0 skips cross-validation).
    #[arg(long, value_name = "K", default_value_t = 10)]
    folds: usize,
    /// Also report a stratified train/test split with this share held out, e.g. 0.3.
    #[arg(long, value_name = "SHARE")]
    holdout: Option<f64>,
    /// Seed for folds and splits.
    #[arg(long, value_name = "N", default_value_t = 42)]
    seed: u64,
    /// Lidstone smoothing (default: nopitch's, 0.1).
    #[arg(long, value_name = "A")]
    alpha: Option<f64>,
    /// Train straight from the file without holding it in memory (no cross-validation; for
    /// very large files).
    #[arg(long, conflicts_with = "holdout")]
    stream: bool,
    /// Print the reports as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Scores the model in use (your personal model, the pretrained one, or --model FILE) on a labelled
file: accuracy, per-label precision, recall and F1, macro-F1, MCC, calibration error and the
confusion matrices.

Example:
  nopitch evaluate held_out.csv --model my.model --json")]
pub struct EvaluateArgs {
    /// The labelled CSV or TSV file.
    #[arg(value_name = "DATA")]
    data: PathBuf,
    #[command(flatten)]
    data_args: DataArgs,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn progress(len: u64, what: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(len).with_message(what.to_string());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").expect("a valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    }
}

fn json_line(value: serde_json::Value, out: &mut impl Write) -> Result<(), Failure> {
    outln!(out, "{value}");
    Ok(())
}

pub fn run_train(args: &TrainArgs, out: &mut impl Write) -> Result<(), Failure> {
    let options = args.data_args.options(&args.data);
    let mut trainer = Trainer::new().seed(args.seed);
    if let Some(alpha) = args.alpha {
        trainer = trainer.alpha(alpha);
    }
    trainer
        .settings()
        .check()
        .map_err(|e| Failure::Input(e.to_string()))?;
    if let Some(share) = args.holdout {
        if !(share > 0.0 && share < 1.0) {
            return Err(Failure::Input(format!(
                "invalid --holdout {share}: must be between 0 and 1, e.g. 0.3"
            )));
        }
    }
    let data = &args.data;
    if args.stream {
        let start = Instant::now();
        let mut rows = 0u64;
        let reader = ExampleReader::from_path(data, &options).map_err(|e| in_file(data, e))?;
        let clf = trainer
            .fit_iter(reader.inspect(|_| rows += 1))
            .map_err(|e| in_file(data, e))?;
        eprintln!(
            "trained on {rows} rows in {:.2?}: {} labels, {} features",
            start.elapsed(),
            clf.labels().len(),
            clf.n_features()
        );
        if let Some(path) = &args.out {
            clf.save(path)?;
            eprintln!("saved {}", path.display());
        }
        return Ok(());
    }
    let examples = read_examples(data, &options).map_err(|e| in_file(data, e))?;
    eprintln!("{}: {} examples", data.display(), examples.len());
    if args.folds > 0 {
        let bar = progress(args.folds as u64, "cross-validating");
        let report = cross_validate(&trainer, &examples, args.folds, args.seed, |done, _| {
            bar.set_position(done as u64)
        })
        .map_err(|e| in_file(data, e))?;
        bar.finish_and_clear();
        if args.json {
            json_line(
                serde_json::json!({ "cross_validation": { "folds": args.folds, "seed": args.seed, "report": report } }),
                out,
            )?;
        } else {
            outln!(
                out,
                "Stratified {}-fold cross-validation (seed {}):\n{report}",
                args.folds,
                args.seed
            );
        }
    }
    if let Some(share) = args.holdout {
        let (train, test) = stratified_split(&examples, share, args.seed);
        let clf = trainer.fit(&train).map_err(|e| in_file(data, e))?;
        let report = evaluate(&clf, &test).map_err(|e| in_file(data, e))?;
        if args.json {
            json_line(
                serde_json::json!({ "holdout": { "share": share, "seed": args.seed, "train": train.len(), "test": test.len(), "report": report } }),
                out,
            )?;
        } else {
            outln!(
                out,
                "Stratified {:.0}/{:.0} split (seed {}), {} train / {} test:\n{report}",
                100.0 * (1.0 - share),
                100.0 * share,
                args.seed,
                train.len(),
                test.len()
            );
        }
    }
    if let Some(path) = &args.out {
        let clf = trainer.fit(&examples).map_err(|e| in_file(data, e))?;
        clf.save(path)?;
        eprintln!(
            "saved {} ({} labels, {} features)",
            path.display(),
            clf.labels().len(),
            clf.n_features()
        );
    }
    Ok(())
}

pub fn run_evaluate(
    args: &EvaluateArgs,
    chosen: Option<&ChosenModel>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let loaded = store::load(chosen)?;
    eprintln!("{}", loaded.source.describe());
    let data = &args.data;
    // Unlike training, a file of one label is fine to score.
    let examples = ExampleReader::from_path(data, &args.data_args.options(data))
        .and_then(|r| r.collect::<nopitch::Result<Vec<_>>>())
        .map_err(|e| in_file(data, e))?;
    let report = evaluate(&loaded.classifier, &examples).map_err(|e| in_file(data, e))?;
    if args.json {
        let json =
            serde_json::to_string_pretty(&report).map_err(|e| Failure::Input(e.to_string()))?;
        outln!(out, "{json}");
    } else {
        outln!(
            out,
            "{} ({} notes):\n{report}",
            data.display(),
            examples.len()
        );
    }
    Ok(())
}
