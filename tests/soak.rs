//! Soak test, outside the default `cargo test` (it is `#[ignore]`d; a few seconds in release,
//! minutes in debug):
//!
//! ```text
//! cargo test --release --test soak -- --ignored --nocapture
//! ```
//!
//! 8 threads classify 4,000,000 generated notes with one shared classifier (the pretrained one)
//! while a sampler reads the process's resident memory (`VmRSS` in `/proc/self/status`) every
//! 100 ms. After a warm-up (the first 10% of every thread's notes), memory must stay flat: it
//! may not grow by more than [`MAX_GROWTH`] (2 bytes a note; a leak of one small allocation per
//! note would be far more). It prints the samples' figures, which the README reports. Linux only;
//! elsewhere it says so and passes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nopitch::Classifier;

const THREADS: u64 = 8;
const NOTES_PER_THREAD: u64 = 500_000;
/// The most resident memory may grow after the warm-up.
const MAX_GROWTH: u64 = 8 << 20;

/// Resident memory of this process, in bytes.
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A seeded generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Words of the kinds notes use (written for this test), and odd tokens: numbers, money, links,
/// emoji, other scripts, words never seen.
const WORDS: &[&str] = &[
    "hi",
    "hello",
    "thanks",
    "great",
    "working",
    "with",
    "you",
    "at",
    "on",
    "the",
    "project",
    "last",
    "year",
    "we",
    "help",
    "teams",
    "cut",
    "costs",
    "free",
    "demo",
    "call",
    "next",
    "week",
    "remember",
    "our",
    "class",
    "at",
    "university",
    "loved",
    "your",
    "post",
    "about",
    "hiring",
    "growth",
    "pipeline",
    "leads",
    "quick",
    "question",
    "coffee",
    "conference",
    "met",
    "in",
    "berlin",
    "reconnect",
    "old",
    "colleague",
    "from",
    "acme",
    "partner",
    "offer",
    "discount",
    "agency",
    "software",
    "platform",
    "schedule",
    "15",
    "minutes",
    "happy",
    "to",
    "connect",
    "and",
    "learn",
    "more",
    "cousin",
    "mum",
    "says",
    "hello",
    "15%",
    "$499",
    "https://example.com/x",
    "name@example.org",
    "+1 555 0100",
    "🙂",
    "👋🏽",
    "数据",
    "привет",
    "مرحبا",
    "zzqxv",
    "!!",
    "?",
    ",",
    ".",
    "—",
    "\u{200b}",
    "ｆｒｅｅ",
    "s a l e",
];

/// Writes the `i`-th note of a thread into `out`: 1 to 60 words.
fn note(rng: &mut Rng, out: &mut String) {
    out.clear();
    let n = 1 + rng.next() % 60;
    for _ in 0..n {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(rng.pick(WORDS));
    }
}

#[test]
#[ignore = "soak test: run with --release --ignored (see the file's docs)"]
fn eight_threads_classify_millions_of_notes_in_flat_memory() {
    let Some(start_rss) = rss() else {
        eprintln!("skipped: no /proc/self/status (the soak test reads resident memory from it)");
        return;
    };
    let clf = Classifier::pretrained();
    let done = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    // (notes done, resident bytes) every 100 ms.
    let samples = Arc::new(Mutex::new(Vec::<(u64, u64)>::new()));
    let sampler = {
        let (done, finished, samples) = (done.clone(), finished.clone(), samples.clone());
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                if let Some(r) = rss() {
                    samples
                        .lock()
                        .unwrap()
                        .push((done.load(Ordering::Relaxed), r));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let started = Instant::now();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (clf, done) = (clf.clone(), done.clone());
            std::thread::spawn(move || {
                let mut rng = Rng(1000 + t);
                let mut text = String::new();
                let mut per_label = [0u64; 3];
                for _ in 0..NOTES_PER_THREAD {
                    note(&mut rng, &mut text);
                    let p = clf.classify(&text);
                    let total: f64 = p.probabilities().map(|(_, v)| v).sum();
                    assert!((total - 1.0).abs() < 1e-9, "{text:?}");
                    let _ = p.evidence(&text, 3);
                    let i = clf.labels().iter().position(|l| l == p.label()).unwrap();
                    per_label[i] += 1;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                per_label
            })
        })
        .collect();
    let mut per_label = [0u64; 3];
    for w in workers {
        for (total, n) in per_label.iter_mut().zip(w.join().unwrap()) {
            *total += n;
        }
    }
    let elapsed = started.elapsed();
    finished.store(true, Ordering::Relaxed);
    sampler.join().unwrap();

    let total = THREADS * NOTES_PER_THREAD;
    assert_eq!(per_label.iter().sum::<u64>(), total);
    let samples = samples.lock().unwrap().clone();
    let warm_up = total / 10;
    let after: Vec<u64> = samples
        .iter()
        .filter(|(n, _)| *n >= warm_up)
        .map(|&(_, r)| r)
        .collect();
    assert!(
        after.len() >= 5,
        "too few samples after warm-up: {samples:?}"
    );
    let (first, max, last) = (
        after[0],
        *after.iter().max().unwrap(),
        after[after.len() - 1],
    );
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    eprintln!(
        "{total} notes on {THREADS} threads in {:.1} s ({:.0} notes/s; labels {:?} = {per_label:?}); \
         resident memory: {:.1} MiB at start, {:.1} MiB after warm-up, {:.1} MiB at most after it, \
         {:.1} MiB at the end ({} samples)",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        clf.labels(),
        mib(start_rss),
        mib(first),
        mib(max),
        mib(last),
        samples.len(),
    );
    assert!(
        max - first <= MAX_GROWTH,
        "resident memory grew by {:.1} MiB after warm-up: {samples:?}",
        mib(max - first)
    );
}
