//! Measures the pretrained model's trainer (`nopitch::pretrained_trainer()`) on the pretrained
//! training set (`datasets/connection_requests.csv` and the conversations of
//! `datasets/messages.csv`), as recorded in `datasets/README.md`:
//!
//! 1. stratified 10-fold cross-validation (seed 42): accuracy, macro-F1, per-label recall;
//! 2. a learning curve: the same 10 folds, training on 25%, 50% and 100% of each training split;
//! 3. leave-one-voice-out: each voice (one writer's brief) is tested by a model trained on all the
//!    other voices;
//! 4. the held-out notes written blind (`datasets/heldout_notes.csv`: authors who never saw the
//!    training data), scored by the model trained on all of it (the pretrained model's recipe) —
//!    the closest this project gets to "notes written by someone else".
//!
//! ```text
//! cargo run --release --example dataset_report                  # everything
//! cargo run --release --example dataset_report -- --errors       # also list errors
//! cargo run --release --example dataset_report -- --only heldout # one part: counts, cv, curve, lovo, heldout
//! cargo run --release --example dataset_report -- --min-count 1   # the trainer keeping every n-gram
//! ```

use nopitch::{
    cross_validate, evaluate, pretrained_trainer, pretrained_training_set, read_examples,
    stratified_folds, CsvOptions, Evaluation, Example, Outcome, Trainer,
};

mod common;

use common::{leave_one_slice_out, DATA};

/// The held-out notes written blind, never trained on.
const HELDOUT: &str = "datasets/heldout_notes.csv";

fn recalls(e: &Evaluation) -> String {
    e.per_label
        .iter()
        .map(|s| format!("{} {:.3}", s.label, s.recall))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 10-fold CV where each training split is cut (stratified, seeded) to `fraction` of its size.
fn learning_curve_point(trainer: &Trainer, examples: &[Example], fraction: f64) -> Evaluation {
    let k = 10;
    let labels: Vec<&str> = examples.iter().map(Example::label).collect();
    let folds = stratified_folds(&labels, k, 42);
    let mut names: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    names.sort();
    names.dedup();
    let mut outcomes: Vec<Outcome> = Vec::new();
    for fold in 0..k {
        let train_idx: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] != fold).collect();
        // Keep `fraction` of the training split: stratified sub-folds, take the first ones.
        let sub_labels: Vec<&str> = train_idx.iter().map(|&i| labels[i]).collect();
        let parts = 20;
        let sub = stratified_folds(&sub_labels, parts, 7 + fold as u64);
        let keep = (fraction * parts as f64).round() as usize;
        let train: Vec<Example> = train_idx
            .iter()
            .zip(&sub)
            .filter(|(_, &s)| s < keep)
            .map(|(&i, _)| examples[i].clone())
            .collect();
        let test: Vec<Example> = (0..examples.len())
            .filter(|&i| folds[i] == fold)
            .map(|i| examples[i].clone())
            .collect();
        let test_idx: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] == fold).collect();
        let model = trainer.fit(&train).expect("fit");
        let e = evaluate(&model, &test).expect("evaluate");
        for mut o in e.outcomes {
            o.index = test_idx[o.index];
            outcomes.push(o);
        }
    }
    Evaluation::from_outcomes(names, outcomes)
}

const USAGE: &str = "
Measures the pretrained model's trainer on the shipped notes and conversations: 10-fold
cross-validation, a learning curve, leave-one-voice-out scores and the held-out notes written
blind.

usage: cargo run --release --example dataset_report [-- --errors] [--only PART] [--min-count N]
  --errors        also list the errors
  --only PART     one part: counts, cv, curve, lovo, heldout
  --min-count N   the trainer with this min_count instead
";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", USAGE.trim());
        return;
    }
    let show_errors = args.iter().any(|a| a == "--errors");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let part = |name: &str| only.as_deref().map_or(true, |o| o == name);
    let examples = pretrained_training_set("datasets").expect("dataset");
    let mut trainer = pretrained_trainer();
    if let Some(n) = args
        .iter()
        .position(|a| a == "--min-count")
        .and_then(|i| args.get(i + 1))
    {
        trainer = trainer.min_count(n.parse().expect("--min-count N: a whole number"));
    }
    let conversations = examples
        .iter()
        .filter(|e| e.group().is_some_and(|g| g.starts_with("messages/")))
        .count();
    println!(
        "# {} examples: {} notes ({DATA}) and {conversations} inbox conversations (datasets/messages.csv); settings: {:?}\n",
        examples.len(),
        examples.len() - conversations,
        trainer.settings()
    );
    if part("counts") {
        counts(&examples);
    }
    if part("cv") {
        cv(&trainer, &examples, show_errors);
    }
    if part("curve") {
        curve(&trainer, &examples);
    }
    if part("lovo") {
        lovo(&trainer, &examples);
    }
    if part("heldout") {
        heldout(&trainer, &examples, show_errors);
    }
}

/// The held-out notes written blind: scored by a model trained on every shipped note.
fn heldout(trainer: &Trainer, examples: &[Example], show_errors: bool) {
    println!("## Held-out notes written blind ({HELDOUT})\n");
    let test = read_examples(HELDOUT, &CsvOptions::csv().group_column("author")).expect(HELDOUT);
    let model = trainer
        .fit(&nopitch::weight_conversations(examples))
        .expect("fit");
    let e = evaluate(&model, &test).expect("evaluate");
    println!("{e}");
    print_rates(&e);
    let errors = e.outcomes.iter().filter(|o| o.truth != o.predicted).count();
    let caught = e
        .outcomes
        .iter()
        .filter(|o| o.truth != o.predicted && o.unsure)
        .count();
    println!(
        "errors: {errors}, of which unsure (sent to review): {caught}; sure errors: {}\n",
        errors - caught
    );
    let mut authors: Vec<&str> = test.iter().filter_map(Example::group).collect();
    authors.sort();
    authors.dedup();
    println!(
        "| author | notes | accuracy | macro-F1 | known-contact → sales | personal → sales | ECE |"
    );
    println!("|---|---|---|---|---|---|---|");
    for author in authors {
        let mine: Vec<Example> = test
            .iter()
            .filter(|t| t.group() == Some(author))
            .cloned()
            .collect();
        let a = evaluate(&model, &mine).expect("evaluate");
        println!(
            "| {author} | {} | {:.4} | {:.4} | {:.1}% | {:.1}% | {:.3} |",
            a.examples,
            a.accuracy,
            a.macro_f1,
            100.0 * a.rate("known-contact", "sales"),
            100.0 * a.rate("personal", "sales"),
            a.ece
        );
    }
    println!();
    if show_errors {
        print_errors(&e, &test);
    }
}

/// The costly confusions: contacts and personal notes called sales, raw and as sure verdicts.
fn print_rates(e: &Evaluation) {
    println!(
        "known-contact called sales: {:.2}% ({:.2}% as a sure verdict, which triage would decline); personal called sales: {:.2}% ({:.2}% sure)\n",
        100.0 * e.rate("known-contact", "sales"),
        100.0 * e.sure_rate("known-contact", "sales"),
        100.0 * e.rate("personal", "sales"),
        100.0 * e.sure_rate("personal", "sales"),
    );
}

fn print_errors(e: &Evaluation, examples: &[Example]) {
    for o in e.outcomes.iter().filter(|o| o.truth != o.predicted) {
        println!(
            "  [{} → {} {:.2}{}] {}",
            e.labels[o.truth],
            e.labels[o.predicted],
            o.confidence,
            if o.unsure { " unsure" } else { "" },
            examples[o.index].text().replace('\n', " ")
        );
    }
    println!();
}

fn counts(examples: &[Example]) {
    println!("## Counts and lengths (notes only; conversations run longer)\n");
    let examples: Vec<Example> = examples
        .iter()
        .filter(|e| !e.group().is_some_and(|g| g.starts_with("messages/")))
        .cloned()
        .collect();
    let examples = &examples[..];
    println!("| label | notes | characters min / median / mean / max | words min / median / max | not starting with \"Hi\" |");
    println!("|---|---|---|---|---|");
    let mut labels: Vec<&str> = examples.iter().map(Example::label).collect();
    labels.sort();
    labels.dedup();
    for label in labels {
        let texts: Vec<&str> = examples
            .iter()
            .filter(|e| e.label() == label)
            .map(Example::text)
            .collect();
        let mut chars: Vec<usize> = texts.iter().map(|t| t.chars().count()).collect();
        let mut words: Vec<usize> = texts.iter().map(|t| t.split_whitespace().count()).collect();
        chars.sort_unstable();
        words.sort_unstable();
        let mean = chars.iter().sum::<usize>() as f64 / chars.len() as f64;
        let not_hi = texts
            .iter()
            .filter(|t| !t.to_lowercase().starts_with("hi"))
            .count();
        println!(
            "| {label} | {} | {} / {} / {mean:.0} / {} | {} / {} / {} | {:.0}% |",
            texts.len(),
            chars[0],
            chars[chars.len() / 2],
            chars[chars.len() - 1],
            words[0],
            words[words.len() / 2],
            words[words.len() - 1],
            100.0 * not_hi as f64 / texts.len() as f64
        );
    }
    println!();
}

fn cv(trainer: &Trainer, examples: &[Example], show_errors: bool) {
    println!("## Stratified 10-fold cross-validation (seed 42)\n");
    println!(
        "Each conversation counted once (the shipped recipe counts it {} times; copies would fall on both sides of a random fold).\n",
        nopitch::CONVERSATION_WEIGHT
    );
    let cv = cross_validate(trainer, examples, 10, 42, |_, _| {}).expect("cross-validation");
    println!("{cv}");
    print_rates(&cv);
    if show_errors {
        print_errors(&cv, examples);
    }
}

fn curve(trainer: &Trainer, examples: &[Example]) {
    println!("## Learning curve (10-fold CV, training on a share of each training split)\n");
    println!("| share | accuracy | macro-F1 | recall per label |");
    println!("|---|---|---|---|");
    for fraction in [0.25, 0.5, 1.0] {
        let e = learning_curve_point(trainer, examples, fraction);
        println!(
            "| {:.0}% | {:.4} | {:.4} | {} |",
            fraction * 100.0,
            e.accuracy,
            e.macro_f1,
            recalls(&e)
        );
    }
    println!();
}

fn lovo(trainer: &Trainer, examples: &[Example]) {
    println!("## Leave one voice out (train on all other voices, test on this one)\n");
    println!("| voice | notes | accuracy | macro-F1 | known-contact → sales |");
    println!("|---|---|---|---|---|");
    let (per_slice, all) = leave_one_slice_out(trainer, examples);
    for (name, e) in &per_slice {
        println!(
            "| {name} | {} | {:.4} | {:.4} | {:.1}% |",
            e.examples,
            e.accuracy,
            e.macro_f1,
            100.0 * e.rate("known-contact", "sales")
        );
    }
    println!(
        "| **all voices pooled** | {} | {:.4} | {:.4} | {:.1}% |",
        all.examples,
        all.accuracy,
        all.macro_f1,
        100.0 * all.rate("known-contact", "sales")
    );
    println!(
        "\nPooled per-label recall: {}; ECE {:.4}; unsure {:.1}%",
        recalls(&all),
        all.ece,
        100.0 * all.unsure_rate
    );
    print_rates(&all);
    // The same outcomes pooled by kind of voice: the corpus's own style (rounds one to five),
    // the contrast voices of round six, and the inbox conversations.
    println!("| voices | examples | accuracy | macro-F1 | known-contact → sales (sure) | personal → sales (sure) | ECE |");
    println!("|---|---|---|---|---|---|---|");
    type Belongs = fn(&str) -> bool;
    let kinds: [(&str, Belongs); 3] = [
        ("notes, rounds 1-5 (01-78)", |v| {
            v < "79" && !v.starts_with("messages/")
        }),
        ("notes, contrast voices of rounds 6 and 9 (79-91)", |v| {
            v >= "79" && !v.starts_with("messages/")
        }),
        ("inbox conversations (messages/*)", |v| {
            v.starts_with("messages/")
        }),
    ];
    for (name, belongs) in kinds {
        let outcomes: Vec<_> = all
            .outcomes
            .iter()
            .filter(|o| examples[o.index].group().is_some_and(belongs))
            .cloned()
            .collect();
        let e = Evaluation::from_outcomes(all.labels.clone(), outcomes);
        println!(
            "| {name} | {} | {:.4} | {:.4} | {:.2}% ({:.2}%) | {:.2}% ({:.2}%) | {:.4} |",
            e.examples,
            e.accuracy,
            e.macro_f1,
            100.0 * e.rate("known-contact", "sales"),
            100.0 * e.sure_rate("known-contact", "sales"),
            100.0 * e.rate("personal", "sales"),
            100.0 * e.sure_rate("personal", "sales"),
            e.ece
        );
    }
    println!();
}
