//! Trains a classifier on your own labelled CSV or TSV file, prints its cross-validated report,
//! and saves the model.
//!
//! ```text
//! cargo run --release --example train -- DATA.csv [--out MODEL.json] [options]
//!
//!   --text-column NAME    column with the text (default: text)
//!   --label-column NAME   column with the label (default: label)
//!   --tsv | --csv         format (default: from the file extension; .tsv/.tab is TSV, unquoted)
//!   --folds K             cross-validation folds (default: 10; 0 skips cross-validation)
//!   --holdout SHARE       also report a stratified train/test split, e.g. 0.3
//!   --seed N              seed for folds and splits (default: 42)
//!   --alpha A             Lidstone smoothing (default: nopitch's, 0.1)
//!   --stream              train straight from the file without holding it in memory
//!                         (no cross-validation; for very large files)
//!   --repeat N            with --stream: read the file N times over (a large-input test)
//!   --json                print the report as JSON
//! ```
//!
//! The `nopitch` command does the same: `nopitch train DATA.csv --out MODEL` (without
//! `--repeat`).
//!
//! Reproduces the SMS Spam Collection result in the README:
//! `cargo run --release --example train -- ../shared/datasets/sms_spam_collection.tsv --text-column SMS --label-column Label --holdout 0.3`

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use nopitch::{
    cross_validate, evaluate, stratified_split, CsvOptions, ErrorKind, ExampleReader, Trainer,
};

struct Args {
    input: PathBuf,
    out: Option<PathBuf>,
    options: CsvOptions,
    /// The label column's name, for errors that ask whether it is the right one.
    label_column: String,
    folds: usize,
    holdout: Option<f64>,
    seed: u64,
    stream: bool,
    repeat: usize,
    alpha: Option<f64>,
    json: bool,
}

fn parse_args() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut input, mut out, mut text, mut label, mut format) = (None, None, None, None, None);
    let (mut folds, mut holdout, mut seed, mut stream, mut json) = (10, None, 42, false, false);
    let mut repeat = 1;
    let mut alpha = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("out") => out = Some(PathBuf::from(parser.value()?)),
            Long("text-column") => text = Some(parser.value()?.string()?),
            Long("label-column") => label = Some(parser.value()?.string()?),
            Long("tsv") => format = Some(CsvOptions::tsv()),
            Long("csv") => format = Some(CsvOptions::csv()),
            Long("folds") => folds = parser.value()?.parse()?,
            Long("holdout") => holdout = Some(parser.value()?.parse()?),
            Long("seed") => seed = parser.value()?.parse()?,
            Long("stream") => stream = true,
            Long("repeat") => repeat = parser.value()?.parse()?,
            Long("alpha") => alpha = Some(parser.value()?.parse()?),
            Long("json") => json = true,
            Long("help") | Short('h') => {
                println!("usage: train DATA.csv [--out MODEL] [--text-column NAME] [--label-column NAME] [--tsv|--csv] [--folds K] [--holdout SHARE] [--seed N] [--alpha A] [--stream [--repeat N]] [--json]");
                std::process::exit(0);
            }
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected()),
        }
    }
    let input: PathBuf = input.ok_or("missing the data file argument")?;
    let mut options = format.unwrap_or_else(|| CsvOptions::for_path(&input));
    if let Some(t) = text {
        options = options.text_column(t);
    }
    let label_column = label.unwrap_or_else(|| "label".to_string());
    options = options.label_column(label_column.clone());
    Ok(Args {
        input,
        out,
        options,
        label_column,
        folds,
        holdout,
        seed,
        stream,
        repeat,
        alpha,
        json,
    })
}

fn progress(len: u64, what: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(len).with_message(what.to_string());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}").expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut trainer = Trainer::new().seed(args.seed);
    if let Some(alpha) = args.alpha {
        trainer = trainer.alpha(alpha);
    }
    if args.stream {
        let start = std::time::Instant::now();
        let mut rows = 0u64;
        let mut readers = Vec::new();
        for _ in 0..args.repeat {
            readers.push(ExampleReader::from_path(&args.input, &args.options)?);
        }
        let clf = trainer
            .fit_iter(readers.into_iter().flatten().inspect(|_| rows += 1))
            .map_err(|e| e.with_label_column(&args.label_column))?;
        eprintln!(
            "trained on {rows} rows in {:.2?}: {} labels, {} features",
            start.elapsed(),
            clf.labels().len(),
            clf.n_features()
        );
        if let Some(out) = &args.out {
            clf.save(out)?;
            eprintln!("saved {}", out.display());
        }
        return Ok(());
    }
    let examples = nopitch::read_examples(&args.input, &args.options)?;
    eprintln!("{}: {} examples", args.input.display(), examples.len());
    if args.folds > 0 {
        let bar = progress(args.folds as u64, "cross-validating");
        let report = cross_validate(&trainer, &examples, args.folds, args.seed, |done, _| {
            bar.set_position(done as u64)
        })
        .map_err(|e| e.with_label_column(&args.label_column))?;
        bar.finish_and_clear();
        if args.json {
            println!(
                "{}",
                serde_json::json!({ "cross_validation": { "folds": args.folds, "seed": args.seed, "report": report } })
            );
        } else {
            println!(
                "Stratified {}-fold cross-validation (seed {}):\n{report}",
                args.folds, args.seed
            );
        }
    }
    if let Some(share) = args.holdout {
        let (train, test) = stratified_split(&examples, share, args.seed);
        let clf = trainer
            .fit(&train)
            .map_err(|e| e.with_label_column(&args.label_column))?;
        let report = evaluate(&clf, &test)?;
        if args.json {
            println!(
                "{}",
                serde_json::json!({ "holdout": { "share": share, "seed": args.seed, "train": train.len(), "test": test.len(), "report": report } })
            );
        } else {
            println!(
                "Stratified {:.0}/{:.0} split (seed {}), {} train / {} test:\n{report}",
                100.0 * (1.0 - share),
                100.0 * share,
                args.seed,
                train.len(),
                test.len()
            );
        }
    }
    if let Some(out) = &args.out {
        let clf = trainer
            .fit(&examples)
            .map_err(|e| e.with_label_column(&args.label_column))?;
        clf.save(out)?;
        eprintln!(
            "saved {} ({} labels, {} features)",
            out.display(),
            clf.labels().len(),
            clf.n_features()
        );
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nrun with --help for usage");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(args) {
        eprintln!("error: {e}");
        let kind = e.downcast_ref::<nopitch::Error>().map(nopitch::Error::kind);
        if let Some(ErrorKind::TooManyLabels { .. } | ErrorKind::MemoryLimit { .. }) = kind {
            eprintln!("hint: choose the label column with --label-column NAME");
        }
        std::process::exit(1);
    }
}
