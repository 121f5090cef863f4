//! Writes a synthetic LinkedIn `messages.csv` (the benches' generator, built from the shipped
//! notes) for timing and memory measurements of the triage.
//!
//! ```text
//! cargo run --release --example synthetic_export -- OUT.csv [--messages N] [--seed S]
//! /usr/bin/time -v target/release/examples/triage OUT.csv --me "Jordan Ellis" > /dev/null
//! ```

use std::path::PathBuf;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let (mut out, mut messages, mut seed) = (None, 100_000usize, 42u64);
    while let Some(arg) = parser.next()? {
        match arg {
            Long("messages") => messages = parser.value()?.parse()?,
            Long("seed") => seed = parser.value()?.parse()?,
            Value(v) if out.is_none() => out = Some(PathBuf::from(v)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    let out = out.ok_or("usage: synthetic_export OUT.csv [--messages N] [--seed S]")?;
    let data = common::export::synthetic_messages_csv(&common::notes(), messages, seed);
    std::fs::write(&out, &data)?;
    println!(
        "wrote {} ({messages} messages, {} bytes)",
        out.display(),
        data.len()
    );
    Ok(())
}
