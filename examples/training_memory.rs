//! Peak memory of training against the size of the training file: the figures behind the
//! README's "Limits" section.
//!
//! ```text
//! cargo run --release --example training_memory [-- --sms PATH] [--keep DIR]  # every case below
//! cargo run --release --example training_memory -- --child train|stream FILE [--text-column C] [--label-column L]
//! ```
//!
//! Each case runs in a fresh process (this program started again with `--child`), which reports
//! its peak resident memory (`VmHWM` in `/proc/self/status`, the figure `/usr/bin/time -v` prints
//! as "Maximum resident set size") and its time. Two ways of training, as the `train` example
//! does them:
//!
//! - `train`: read every row, 10-fold cross-validation, fit, save (to nowhere);
//! - `stream`: fit straight from the file, save.
//!
//! The files: the shipped notes; the SMS Spam Collection (`--sms`, by default
//! `../shared/datasets/sms_spam_collection.tsv`; skipped when absent); the shipped notes with the
//! label column mixed up (each label the first 60 characters of its note: refused); and files
//! built to be the worst cases for each kind of memory training uses, 8 MiB each: random CJK
//! characters in two labels (every character a token, so nearly every 3 bytes bring a new bigram:
//! the largest vocabulary per byte); 256 labels over a vocabulary sized to fill most of the
//! default memory limit (the largest table); and the shortest rows (`w123,a`: the most rows per
//! byte, each held in memory with its cross-validated outcome), over 3 and over 256 labels.
//! `--keep DIR` writes the generated files to `DIR` and keeps them (to time `train` on them with
//! `/usr/bin/time -v`); by default they go to a temporary directory, removed at the end. Linux
//! only (it reads `/proc`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use nopitch::{cross_validate, CsvOptions, ExampleReader, Trainer};

const SHIPPED: &str = "datasets/connection_requests.csv";
const SMS: &str = "../shared/datasets/sms_spam_collection.tsv";

/// Peak resident memory of this process so far, in kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One measurement, in this process: prints `outcome\tseconds\tpeak kB`.
fn child(mode: &str, path: &Path, options: &CsvOptions, label_column: &str) {
    let start = Instant::now();
    let trainer = Trainer::new();
    let outcome = (|| -> nopitch::Result<String> {
        let clf = if mode == "stream" {
            trainer.fit_iter(ExampleReader::from_path(path, options)?)?
        } else {
            let examples = nopitch::read_examples(path, options)?;
            cross_validate(&trainer, &examples, 10, 42, |_, _| {})?;
            trainer.fit(&examples)?
        };
        clf.write_to(std::io::sink())?;
        Ok(format!(
            "trained: {} labels, {} features",
            clf.labels().len(),
            clf.n_features()
        ))
    })()
    .unwrap_or_else(|e| {
        let e = e.with_label_column(label_column);
        let text = e.to_string();
        format!("refused: {}", text.split(". ").next().unwrap_or(&text))
    });
    println!(
        "{outcome}\t{:.2}\t{}",
        start.elapsed().as_secs_f64(),
        peak_rss_kb().unwrap_or(0)
    );
}

/// A small seeded generator (SplitMix64) for the synthetic files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The shipped notes with each label replaced by the first 60 characters of its note.
fn write_mixed_up(path: &Path) -> nopitch::Result<()> {
    let notes = nopitch::read_examples(SHIPPED, &CsvOptions::csv().group_column("voice"))?;
    let mut out = csv::Writer::from_path(path).map_err(std::io::Error::from)?;
    let mut write = |record: [&str; 2]| out.write_record(record).map_err(std::io::Error::from);
    write(["text", "label"])?;
    for note in &notes {
        let label: String = note.text().chars().take(60).collect();
        write([note.text(), &label])?;
    }
    Ok(())
}

/// `bytes` of rows of 100 random CJK characters, labelled `a` and `b` in turn.
fn write_cjk(path: &Path, bytes: usize) -> std::io::Result<()> {
    let mut rng = Rng(7);
    let mut out = String::from("text,label\n");
    let mut row = 0;
    while out.len() < bytes {
        for _ in 0..100 {
            out.push(char::from_u32(0x4e00 + rng.below(20_000) as u32).unwrap_or('一'));
        }
        out.push_str(if row % 2 == 0 { ",a\n" } else { ",b\n" });
        row += 1;
    }
    std::fs::write(path, out)
}

/// `bytes` of rows of 30 words drawn from a lexicon of `words` made-up words, labelled
/// `l000`..`l255` in turn: about `words²` bigrams, each in most labels.
fn write_many_labels(path: &Path, bytes: usize, words: usize) -> std::io::Result<()> {
    let mut rng = Rng(11);
    let consonants = b"bdfgklmnprstvz";
    let vowels = b"aeiou";
    let mut lexicon = std::collections::BTreeSet::new();
    while lexicon.len() < words {
        let mut w = String::new();
        for _ in 0..3 {
            w.push(consonants[rng.below(consonants.len() as u64) as usize] as char);
            w.push(vowels[rng.below(vowels.len() as u64) as usize] as char);
        }
        lexicon.insert(w);
    }
    let lexicon: Vec<String> = lexicon.into_iter().collect();
    let mut out = String::from("text,label\n");
    let mut row = 0;
    while out.len() < bytes {
        for i in 0..30 {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&lexicon[rng.below(words as u64) as usize]);
        }
        out.push_str(&format!(",l{:03}\n", row % 256));
        row += 1;
    }
    std::fs::write(path, out)
}

/// `bytes` of the shortest rows: one made-up word of up to 6 characters and a label out of
/// `labels`, in turn.
fn write_short_rows(path: &Path, bytes: usize, labels: usize) -> std::io::Result<()> {
    let mut rng = Rng(13);
    let mut out = String::from("text,label\n");
    let mut row = 0;
    while out.len() < bytes {
        out.push_str(&format!("w{},{}\n", rng.below(100_000), row % labels));
        row += 1;
    }
    std::fs::write(path, out)
}

struct Case {
    name: &'static str,
    path: PathBuf,
    text_column: &'static str,
    label_column: &'static str,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let mode = args.get(1).ok_or("--child needs a mode: train or stream")?;
        let path = PathBuf::from(args.get(2).ok_or("--child needs a file")?);
        let mut options = CsvOptions::for_path(&path);
        let mut label_column = "label".to_string();
        let mut rest = args[3..].iter();
        while let Some(flag) = rest.next() {
            let value = rest.next().ok_or("a flag needs a value")?;
            match flag.as_str() {
                "--text-column" => options = options.text_column(value),
                "--label-column" => {
                    options = options.label_column(value);
                    label_column = value.clone();
                }
                other => return Err(format!("unknown flag {other}").into()),
            }
        }
        child(mode, &path, &options, &label_column);
        return Ok(());
    }

    let sms = match args.iter().position(|a| a == "--sms") {
        Some(i) => PathBuf::from(args.get(i + 1).ok_or("--sms needs a path")?),
        None => PathBuf::from(SMS),
    };
    let keep = match args.iter().position(|a| a == "--keep") {
        Some(i) => Some(PathBuf::from(
            args.get(i + 1).ok_or("--keep needs a directory")?,
        )),
        None => None,
    };
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("nopitch-training-memory-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir)?;
    let mixed_up = dir.join("mixed_up_labels.csv");
    write_mixed_up(&mixed_up)?;
    let cjk = dir.join("random_cjk_2_labels.csv");
    write_cjk(&cjk, 8 << 20)?;
    let many = dir.join("256_labels.csv");
    write_many_labels(&many, 8 << 20, 250)?;
    let short3 = dir.join("short_rows_3_labels.csv");
    write_short_rows(&short3, 8 << 20, 3)?;
    let short256 = dir.join("short_rows_256_labels.csv");
    write_short_rows(&short256, 8 << 20, 256)?;

    let mut cases = vec![Case {
        name: "shipped notes",
        path: PathBuf::from(SHIPPED),
        text_column: "text",
        label_column: "label",
    }];
    if sms.exists() {
        cases.push(Case {
            name: "SMS Spam Collection",
            path: sms,
            text_column: "SMS",
            label_column: "Label",
        });
    } else {
        eprintln!(
            "skipping the SMS Spam Collection: {} is absent (give its path with --sms)",
            sms.display()
        );
    }
    for (name, path) in [
        ("shipped notes, label column mixed up", mixed_up),
        ("random CJK, 2 labels (worst vocabulary)", cjk),
        ("256 labels, 62,750 bigrams (large table)", many),
        ("short rows, 3 labels (most rows)", short3),
        ("short rows, 256 labels (most outcomes)", short256),
    ] {
        cases.push(Case {
            name,
            path,
            text_column: "text",
            label_column: "label",
        });
    }

    println!("| file | size | mode | outcome | time | peak RSS | peak ÷ size |");
    println!("|---|---|---|---|---|---|---|");
    let me = std::env::current_exe()?;
    for case in &cases {
        let size = std::fs::metadata(&case.path)?.len();
        for mode in ["train", "stream"] {
            let output = Command::new(&me)
                .arg("--child")
                .arg(mode)
                .arg(&case.path)
                .args(["--text-column", case.text_column])
                .args(["--label-column", case.label_column])
                .output()?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let fields: Vec<&str> = stdout.trim().split('\t').collect();
            let [outcome, seconds, peak_kb] = fields[..] else {
                return Err(format!(
                    "{}: the child failed ({}): {}",
                    case.name,
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                )
                .into());
            };
            let peak = peak_kb.parse::<f64>()? * 1024.0;
            println!(
                "| {} | {:.2} MB | {mode} | {outcome} | {seconds} s | {:.1} MB | {:.1}× |",
                case.name,
                size as f64 / 1e6,
                peak / 1e6,
                peak / size as f64
            );
        }
    }
    match keep {
        Some(dir) => eprintln!("the generated files are in {}", dir.display()),
        None => std::fs::remove_dir_all(&dir)?,
    }
    Ok(())
}
