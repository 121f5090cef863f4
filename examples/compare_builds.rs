//! Compares two builds of a timing example (`fresh_text`, `fit_time`, …) the way the README's
//! "Performance" figures are taken on a shared machine: the two programs run in alternating
//! order N times each, and for every line they print of the form `<what>: fastest [round] <x>
//! <unit>…`, this reports the 10th, 25th and 50th percentiles of each build's fastest values,
//! their ratios (B / A) and the median of the per-pair ratios. Percentiles of the fastest
//! rounds hold up when other tenants load the machine in phases; the medians of one run do not.
//!
//! ```text
//! # build the example at both commits (e.g. a `git worktree` with its own CARGO_TARGET_DIR),
//! # copy the two binaries aside, then:
//! cargo run --release --example compare_builds -- /tmp/old_fresh_text /tmp/new_fresh_text 60
//! ```
//!
//! Run from the repository's root (the examples read `datasets/`).

use std::collections::BTreeMap;
use std::process::Command;

mod common;

const USAGE: &str = "
Runs two builds of a timing example alternately and compares their fastest rounds.

usage: cargo run --release --example compare_builds -- PROGRAM_A PROGRAM_B [PAIRS]
";

/// Each line's label and fastest value: `"<label>: fastest [round] <number> …"`.
fn fastest_values(output: &str) -> Vec<(String, f64)> {
    output
        .lines()
        .filter_map(|line| {
            let (label, rest) = line.split_once(": fastest ")?;
            let rest = rest.strip_prefix("round ").unwrap_or(rest);
            let number = rest.split_whitespace().next()?.parse().ok()?;
            Some((label.to_string(), number))
        })
        .collect()
}

fn run(program: &str) -> Vec<(String, f64)> {
    match Command::new(program).output() {
        Ok(out) => fastest_values(&String::from_utf8_lossy(&out.stdout)),
        Err(e) => {
            eprintln!("{program}: {e}");
            std::process::exit(1);
        }
    }
}

/// The value at fraction `p` of the sorted values (nearest rank below).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

fn main() {
    let (_, values) = common::arguments(USAGE, &[], 3);
    let (Some(a), Some(b)) = (values.first(), values.get(1)) else {
        eprintln!("{}", USAGE.trim());
        std::process::exit(2);
    };
    let pairs: usize = values.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    // label → (values of A, values of B), in run order.
    let mut seen: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for i in 0..pairs {
        let order = if i % 2 == 0 { [a, b] } else { [b, a] };
        for program in order {
            for (label, x) in run(program) {
                let entry = seen.entry(label).or_default();
                if program == a {
                    entry.0.push(x);
                } else {
                    entry.1.push(x);
                }
            }
        }
    }
    for (label, (xa, xb)) in &seen {
        if xa.is_empty() || xb.is_empty() {
            continue;
        }
        let mut ratios: Vec<f64> = xa.iter().zip(xb).map(|(x, y)| y / x).collect();
        let (mut sa, mut sb) = (xa.clone(), xb.clone());
        for v in [&mut sa, &mut sb, &mut ratios] {
            v.sort_by(f64::total_cmp);
        }
        let q = |v: &[f64]| [0.1, 0.25, 0.5].map(|p| quantile(v, p));
        let (qa, qb) = (q(&sa), q(&sb));
        println!(
            "{label}: A {:.3}/{:.3}/{:.3} | B {:.3}/{:.3}/{:.3} (10th/25th/50th percentile of the fastest rounds) | B/A {:.3} at the 10th, {:.3} at the 25th; median pair ratio {:.3} ({} pairs)",
            qa[0], qa[1], qa[2], qb[0], qb[1], qb[2],
            qb[0] / qa[0], qb[1] / qa[1], quantile(&ratios, 0.5), ratios.len()
        );
    }
}
