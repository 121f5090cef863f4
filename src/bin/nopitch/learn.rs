//! `nopitch learn` and `nopitch unlearn`: corrections, into the personal model (or a model file
//! named with `--model`).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use nopitch::review::{
    find_label, Corrections, SkipReason, WeighedConversation, CONVERSATION_TEXT_COLUMN,
    INVITATION_TEXT_COLUMN,
};
use nopitch::{Classifier, CsvOptions, Example, ExampleReader};

use crate::store::{hex, plural, Correction, LogEntry, Source, Store, HOME_VAR, MAX_REPEATS};
use crate::{in_file, outln, usage_error, ChosenModel, Failure, Via};

/// Columns that hold the text in triage files: the invitation's note, the text the model read
/// of a conversation. A new kind of triage output adds its column here.
const REVIEW_TEXT_COLUMNS: [&str; 2] = [INVITATION_TEXT_COLUMN, CONVERSATION_TEXT_COLUMN];

#[derive(clap::Args, Debug)]
#[command(after_help = "\
From a triage file: run `nopitch triage Invitations.csv --out triaged.csv` (or
`nopitch triage messages.csv --conversations-out conversations.csv`), change the category column
of the rows nopitch got wrong to sales, known-contact or personal (leave the verdict column
alone), save, then `nopitch learn triaged.csv`. Only rows whose category differs from the
verdict are learned: an invitation's note, or the text of a conversation as nopitch read it (its
text column). Corrections already learned are skipped, and so are rows nopitch's rules decided
(automated, group, outreach) and invitations without a note (correct their conversation
instead). A labelled CSV (columns text and label, such as a corrections backup left by
`nopitch model --reset`) is learned row by row.

Examples:
  nopitch learn triaged.csv
  nopitch learn conversations.csv
  nopitch learn --label known-contact \"Hi Sam, great seeing you at the Banner go-live last week\"")]
pub struct LearnArgs {
    /// The label to give the notes (sales, known-contact or personal). Without it, give one file.
    #[arg(long, value_name = "LABEL")]
    label: Option<String>,
    /// A triage file whose category column you edited (or a labelled CSV); with --label, the
    /// notes themselves.
    #[arg(value_name = "FILE | TEXT", required = true)]
    args: Vec<String>,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Takes back a correction: the note is removed from your corrections file, and your personal model
is rebuilt from the pretrained model and the corrections that remain.

Example:
  nopitch unlearn --label known-contact \"Hi Sam, great seeing you at the Banner go-live last week\"")]
pub struct UnlearnArgs {
    /// The label the note was learned with.
    #[arg(long, value_name = "LABEL", required = true)]
    label: String,
    /// The notes, exactly as they were learned.
    #[arg(value_name = "TEXT", required = true)]
    texts: Vec<String>,
}

/// The personal model that learns, and what it holds.
struct Target {
    store: Store,
    model: Classifier,
    corrections: Vec<Correction>,
    base: u64,
}

impl Target {
    /// The personal model (or the pretrained one, before the first correction). A model file
    /// named with `--model` or `NOPITCH_MODEL` is used as it is, so it cannot learn.
    fn open(chosen: Option<&ChosenModel>, command: &str) -> Result<Target, Failure> {
        if let Some(chosen) = chosen {
            usage_error(command, match chosen.via {
                Via::Option => format!(
                    "{command} changes your personal model, and --model names a file that nopitch uses as it is; to keep another personal model, set {HOME_VAR} to another directory"
                ),
                Via::Env => format!(
                    "{command} changes your personal model, but NOPITCH_MODEL names another model file that every command would use instead: unset it first (to keep another personal model, set {HOME_VAR} to another directory)"
                ),
            });
        }
        let store = Store::locate().map_err(Failure::Input)?;
        let loaded = store.open()?;
        eprintln!("{}", loaded.source.describe());
        let model = loaded.classifier;
        Ok(match loaded.source {
            Source::Personal {
                store,
                corrections,
                base,
            } => Target {
                store,
                model,
                corrections,
                base,
            },
            Source::Pretrained { store: Some(store) } => Target {
                store,
                base: Classifier::pretrained_fingerprint(),
                model,
                corrections: Vec::new(),
            },
            Source::Pretrained { store: None } | Source::File(_) => {
                unreachable!("Store::open gives the personal or pretrained model of its store")
            }
        })
    }
}

/// A row or note that was not learned, and why.
struct Skip {
    line: Option<u64>,
    reason: String,
}

/// A note shortened for one line of output.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(60) {
        Some((at, _)) => format!("\"{}…\"", &one_line[..at]),
        None => format!("\"{one_line}\""),
    }
}

/// The verdict on a note as `label 0.934`.
fn verdict(model: &Classifier, text: &str) -> String {
    let p = model.classify(text);
    format!(
        "{} {:.3}{}",
        p.label(),
        p.confidence(),
        if p.is_unsure() { " unsure" } else { "" }
    )
}

fn resolve_label<'a>(written: &str, model: &'a Classifier) -> Result<&'a str, Failure> {
    find_label(written, model.labels()).ok_or_else(|| {
        Failure::Input(format!(
            "unknown label {written:?}; the model's labels are {}",
            model.labels().join(", ")
        ))
    })
}

/// The corrections in a file: an edited triage file (with the number of rows left unchanged), or
/// a labelled CSV/TSV.
fn corrections_in_file(
    path: &Path,
    model: &Classifier,
    skipped: &mut Vec<Skip>,
    weighed: &mut Vec<WeighedConversation>,
) -> Result<(Vec<Example>, Option<usize>), Failure> {
    let tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv") || e.eq_ignore_ascii_case("tab"));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .from_path(path)
        .map_err(|e| in_file(path, e))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| in_file(path, e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let has = |name: &str| headers.iter().any(|h| h == name);
    if has("category") && has("verdict") {
        let text_column = REVIEW_TEXT_COLUMNS
            .into_iter()
            .find(|c| has(c))
            .unwrap_or(REVIEW_TEXT_COLUMNS[0]);
        let review = Corrections::from_path(path, text_column, model.labels())
            .map_err(|e| in_file(path, e))?;
        skipped.extend(review.skipped.into_iter().map(|s| Skip {
            line: Some(s.line),
            reason: match s.reason {
                SkipReason::NotALabel { .. } => {
                    format!("{} ({})", s.reason, model.labels().join(", "))
                }
                other => other.to_string(),
            },
        }));
        weighed.extend(review.weighed_conversations);
        return Ok((review.corrections, Some(review.unchanged)));
    }
    if has("text") && has("label") {
        let examples = ExampleReader::from_path(path, &CsvOptions::for_path(path))
            .and_then(|r| r.collect::<nopitch::Result<Vec<Example>>>())
            .map_err(|e| in_file(path, e))?;
        let mut out = Vec::new();
        for e in examples {
            match find_label(e.label(), model.labels()) {
                Some(label) => {
                    out.push(Example::new(e.text(), label).with_line(e.line().unwrap_or(0)))
                }
                None => skipped.push(Skip {
                    line: e.line(),
                    reason: format!(
                        "label {:?} is not one of the model's labels ({})",
                        e.label(),
                        model.labels().join(", ")
                    ),
                }),
            }
        }
        return Ok((out, None));
    }
    Err(in_file(
        path,
        format!(
            "line 1: neither a triage file (columns \"category\" and \"verdict\") nor a labelled file (columns \"text\" and \"label\"); the header has {headers:?}"
        ),
    ))
}

pub fn run_learn(
    args: &LearnArgs,
    chosen: Option<&ChosenModel>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    if args.label.is_none() && args.args.len() != 1 {
        usage_error(
            "learn",
            "learn takes one file (an edited triage file), or --label LABEL and the notes: nopitch learn --label known-contact \"note\"",
        );
    }
    if args.label.is_some() && args.args.iter().any(|a| Path::new(a).is_file()) {
        usage_error(
            "learn",
            "with --label, learn takes the notes themselves, not a file; to learn the corrections in a file, leave out --label",
        );
    }
    let target = Target::open(chosen, "learn")?;
    let model = &target.model;
    let mut skipped = Vec::new();
    let mut weighed = Vec::new();
    let (candidates, unchanged, from_file) = match &args.label {
        Some(label) => {
            let label = resolve_label(label, model)?;
            if args.args.iter().any(|t| t.trim().is_empty()) {
                return Err(Failure::Input(
                    "an empty note has nothing to learn from; nothing was changed".into(),
                ));
            }
            let notes = args.args.iter().map(|t| Example::new(t, label)).collect();
            (notes, None, None)
        }
        None => {
            let path = PathBuf::from(&args.args[0]);
            let (notes, unchanged) = corrections_in_file(&path, model, &mut skipped, &mut weighed)?;
            (notes, unchanged, Some(path))
        }
    };

    // A correction already learned, whose note still gets its label, is not learned again; nor
    // is one repeated in the same file.
    let mut to_learn = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for e in candidates {
        let earlier = target
            .corrections
            .iter()
            .rev()
            .find(|c| c.example.label() == e.label() && c.example.text() == e.text());
        if let Some(c) = earlier.filter(|_| model.classify(e.text()).label() == e.label()) {
            skipped.push(Skip {
                line: e.line(),
                reason: format!(
                    "already learned ({} line {})",
                    target.store.log_path().display(),
                    c.example.line().unwrap_or(0)
                ),
            });
        } else if !seen.insert((e.label().to_string(), e.text().to_string())) {
            skipped.push(Skip {
                line: e.line(),
                reason: "the same correction appears earlier".into(),
            });
        } else {
            to_learn.push(e);
        }
    }

    if to_learn.is_empty() {
        outln!(out, "learned nothing: no new corrections");
    } else {
        target.store.ensure_writable()?;
        let mut learned_model = model.clone();
        let mut entries = Vec::new();
        let mut times = Vec::new();
        for e in &to_learn {
            let n = learned_model
                .learn_correction(e.text(), e.label(), MAX_REPEATS)
                .map_err(|err| match (e.line(), &from_file) {
                    (Some(line), Some(path)) => Failure::Input(format!(
                        "{}: line {line}: {err}; nothing was changed",
                        path.display()
                    )),
                    _ => Failure::Input(format!("{err}; nothing was changed")),
                })?;
            times.push(n);
            entries.push(LogEntry {
                label: e.label().to_string(),
                text: e.text().to_string(),
                verdict: model.classify(e.text()).label().to_string(),
                base: hex(target.base),
            });
        }
        let total = target.corrections.len() + entries.len();
        target
            .store
            .commit_learned(&learned_model, target.base, &entries, total)?;
        eprintln!(
            "saved your personal model {} ({} in {})",
            target.store.model_path().display(),
            plural(total, "correction"),
            target.store.log_path().display()
        );
        outln!(out, "learned {}:", plural(to_learn.len(), "correction"));
        for (e, n) in to_learn.iter().zip(times) {
            let place = e.line().map_or(String::new(), |l| format!("line {l}: "));
            let repeated = if n > 1 {
                format!(", learned {n} times")
            } else {
                String::new()
            };
            outln!(
                out,
                "  {place}{} is {} (was {}; now {}{repeated})",
                short(e.text()),
                e.label(),
                verdict(model, e.text()),
                verdict(&learned_model, e.text())
            );
        }
        let learned_lines: HashSet<Option<u64>> = to_learn.iter().map(|e| e.line()).collect();
        for w in weighed
            .iter()
            .filter(|w| learned_lines.contains(&Some(w.line)))
        {
            outln!(
                out,
                "  note: the invitation on line {} was also judged by its sender's conversation {}; correct that conversation in the conversations file too, or its verdict may hold",
                w.line,
                w.conversation
            );
        }
    }
    if let Some(unchanged) = unchanged {
        outln!(out, "unchanged: {}", plural(unchanged, "row"));
    }
    if !skipped.is_empty() {
        let what = if from_file.is_some() { "row" } else { "note" };
        outln!(out, "skipped {}:", plural(skipped.len(), what));
        for s in &skipped {
            match s.line {
                Some(line) => outln!(out, "  line {line}: {}", s.reason),
                None => outln!(out, "  {}", s.reason),
            }
        }
    }
    Ok(())
}

pub fn run_unlearn(
    args: &UnlearnArgs,
    chosen: Option<&ChosenModel>,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let target = Target::open(chosen, "unlearn")?;
    let model = &target.model;
    let label = resolve_label(&args.label, model)?;
    let log = target.store.log_path();
    let mut remove = HashSet::new();
    for text in &args.texts {
        let found = target.corrections.iter().enumerate().rev().find(|(i, c)| {
            !remove.contains(i) && c.example.label() == label && c.example.text() == text
        });
        let Some((i, _)) = found else {
            let other = target
                .corrections
                .iter()
                .find(|c| c.example.text() == text)
                .map(|c| {
                    format!(
                        " (it was learned as {} on line {})",
                        c.example.label(),
                        c.example.line().unwrap_or(0)
                    )
                })
                .unwrap_or_default();
            return Err(Failure::Input(format!(
                "{}: no correction labelled {label} with the note {}{other}; nothing was changed",
                log.display(),
                short(text)
            )));
        };
        remove.insert(i);
    }
    target.store.ensure_writable()?;
    let unlearned = target
        .store
        .commit_unlearned(&target.corrections, &remove)?;
    let remaining = target.corrections.len() - remove.len();
    if remaining == 0 {
        eprintln!("no corrections left: back to the pretrained model");
    } else {
        eprintln!(
            "saved your personal model {} ({} in {})",
            target.store.model_path().display(),
            plural(remaining, "correction"),
            log.display()
        );
    }
    outln!(out, "unlearned {}:", plural(args.texts.len(), "correction"));
    for text in &args.texts {
        outln!(
            out,
            "  {} is no longer learned as {label} (was {}; now {})",
            short(text),
            verdict(model, text),
            verdict(&unlearned, text)
        );
    }
    Ok(())
}
