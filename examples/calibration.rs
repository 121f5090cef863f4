//! Calibration and the unsure band, measured by cross-validation:
//!
//! 1. expected calibration error (10 equal-width confidence bins) of 10-fold cross-validated
//!    predictions, before (temperature 1) and after calibration, on the shipped dataset and,
//!    if its path is given, on the SMS Spam Collection;
//! 2. a reliability diagram of the shipped dataset, written to `datasets/reliability.svg`;
//! 3. the cost of each unsure threshold on the shipped dataset, with the triage costs: a
//!    known contact or personal note called sales costs 10, a pitch let through costs 1, an
//!    unsure verdict costs 0.2, and known-contact/personal mix-ups cost 0 (both are kept).
//!
//! ```text
//! cargo run --release --example calibration -- [../shared/datasets/sms_spam_collection.tsv]
//! ```

use std::fmt::Write as _;

use nopitch::{cross_validate, read_examples, CsvOptions, Evaluation, Example, Trainer};

mod common;

const BINS: usize = 10;

/// Per bin: (count, mean confidence, accuracy).
fn bins(e: &Evaluation) -> Vec<(usize, f64, f64)> {
    let mut acc = vec![(0usize, 0.0, 0usize); BINS];
    for o in &e.outcomes {
        let b = ((o.confidence * BINS as f64) as usize).min(BINS - 1);
        acc[b].0 += 1;
        acc[b].1 += o.confidence;
        acc[b].2 += (o.truth == o.predicted) as usize;
    }
    acc.into_iter()
        .map(|(n, c, k)| {
            if n == 0 {
                (0, 0.0, 0.0)
            } else {
                (n, c / n as f64, k as f64 / n as f64)
            }
        })
        .collect()
}

fn reliability_svg(before: &Evaluation, after: &Evaluation, title: &str) -> String {
    let (w, h, m) = (520.0, 420.0, 50.0);
    let (pw, ph) = (w - 2.0 * m, h - 2.0 * m);
    let x = |v: f64| m + v * pw;
    let y = |v: f64| h - m - v * ph;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="14">{title}</text>"#,
        w / 2.0
    );
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-dasharray="4 3"/>"##,
        x(0.0),
        y(0.0),
        x(1.0),
        y(1.0)
    );
    for i in 0..=10 {
        let v = i as f64 / 10.0;
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc"/>"##,
            x(0.0),
            y(v),
            x(0.0) - 4.0,
            y(v)
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{v:.1}</text>"#,
            x(0.0) - 6.0,
            y(v) + 4.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="middle">{v:.1}</text>"#,
            x(v),
            y(0.0) + 16.0
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">confidence</text>"#,
        w / 2.0,
        h - 12.0
    );
    let _ = writeln!(
        s,
        r#"<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle">accuracy</text>"#,
        h / 2.0,
        h / 2.0
    );
    let bw = pw / BINS as f64 / 2.0 - 2.0;
    for (series, (e, colour)) in [(before, "#d08770"), (after, "#5e81ac")]
        .into_iter()
        .enumerate()
    {
        for (i, (n, _, accuracy)) in bins(e).into_iter().enumerate() {
            if n == 0 {
                continue;
            }
            let left = x(i as f64 / BINS as f64) + 1.0 + series as f64 * (bw + 1.0);
            let _ = writeln!(
                s,
                r#"<rect x="{left:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" fill="{colour}"><title>{n} predictions, accuracy {accuracy:.3}</title></rect>"#,
                y(accuracy),
                accuracy * ph
            );
        }
    }
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="40" width="12" height="12" fill="#d08770"/><text x="{}" y="50">uncalibrated, ECE {:.3}</text>"##,
        x(0.02),
        x(0.02) + 16.0,
        before.ece
    );
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="58" width="12" height="12" fill="#5e81ac"/><text x="{}" y="68">calibrated (temperature), ECE {:.3}</text>"##,
        x(0.02),
        x(0.02) + 16.0,
        after.ece
    );
    s.push_str("</svg>\n");
    s
}

fn cost(e: &Evaluation, threshold: f64) -> (f64, f64) {
    let sales = e.labels.iter().position(|l| l == "sales");
    let mut total = 0.0;
    let mut unsure = 0;
    for o in &e.outcomes {
        if !o.signal || o.confidence < threshold {
            total += 0.2;
            unsure += 1;
        } else if Some(o.predicted) == sales && Some(o.truth) != sales {
            total += 10.0;
        } else if Some(o.truth) == sales && Some(o.predicted) != sales {
            total += 1.0;
        }
    }
    (
        total / e.outcomes.len() as f64,
        unsure as f64 / e.outcomes.len() as f64,
    )
}

fn before_after(name: &str, examples: &[Example]) -> (Evaluation, Evaluation) {
    let before = cross_validate(
        &Trainer::new().calibration_folds(0),
        examples,
        10,
        42,
        |_, _| {},
    )
    .expect("cv");
    let after = cross_validate(&Trainer::new(), examples, 10, 42, |_, _| {}).expect("cv");
    println!(
        "| {name} | {} | {:.4} | {:.4} | {:.4} |",
        examples.len(),
        before.ece,
        after.ece,
        after.accuracy
    );
    (before, after)
}

const USAGE: &str = "
Expected calibration error before and after calibration (10-fold cross-validation), the
reliability diagram datasets/reliability.svg, and the cost of each unsure threshold.

usage: cargo run --release --example calibration -- [SMS_SPAM_COLLECTION.tsv]
";

fn main() {
    let (_, values) = common::arguments(USAGE, &[], 1);
    let sms = values.into_iter().next();
    println!("## Expected calibration error, 10-fold cross-validation (seed 42), 10 bins\n");
    println!("| data | notes | ECE before | ECE after | accuracy |");
    println!("|---|---|---|---|---|");
    let shipped = nopitch::pretrained_training_set("datasets").expect("dataset");
    let (before, after) = before_after("datasets/connection_requests.csv", &shipped);
    if let Some(path) = &sms {
        let options = CsvOptions::tsv().text_column("SMS").label_column("Label");
        let examples = read_examples(path, &options).expect("SMS Spam Collection");
        before_after("SMS Spam Collection", &examples);
    }
    let svg = reliability_svg(
        &before,
        &after,
        "Reliability, datasets/connection_requests.csv (10-fold CV)",
    );
    std::fs::write("datasets/reliability.svg", svg).expect("write datasets/reliability.svg");
    println!("\nwrote datasets/reliability.svg\n");

    println!("## Cost of the unsure threshold (shipped data, calibrated, 10-fold CV)\n");
    println!("| unsure below | mean cost per note | unsure share |");
    println!("|---|---|---|");
    let mut best = (f64::INFINITY, 0.0);
    for step in 0..=26 {
        let t = 0.34 + 0.025 * step as f64;
        let (c, u) = cost(&after, t);
        println!("| {t:.3} | {c:.4} | {:.1}% |", 100.0 * u);
        if c < best.0 {
            best = (c, t);
        }
    }
    println!("\nlowest cost {:.4} at unsure below {:.3}", best.0, best.1);
}
