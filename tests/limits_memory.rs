//! A wrong label column is refused without a large allocation: the peak of live heap bytes
//! while training on the mixed-up shipped notes stays within a few megabytes, where the
//! `features × labels` table it asks for would be tens of gigabytes.
//!
//! A counting allocator measures the peak, so this file holds a single test: tests in one binary
//! run on parallel threads and would add to each other's peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use nopitch::{CsvOptions, ErrorKind, Example, ExampleReader, Trainer};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap bytes live at once while `f` runs, above those live when it starts.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - start)
}

const MIB: usize = 1 << 20;

#[test]
fn a_mixed_up_label_column_is_refused_without_a_large_allocation() {
    let notes = nopitch::read_examples(
        "datasets/connection_requests.csv",
        &CsvOptions::csv().group_column("voice"),
    )
    .expect("the shipped notes");
    // Every label is the first 60 characters of its own note.
    let mixed: Vec<Example> = notes
        .iter()
        .map(|n| Example::new(n.text(), n.text().chars().take(60).collect::<String>()))
        .collect();
    let bytes: usize = mixed.iter().map(|e| e.text().len() + e.label().len()).sum();

    let (result, peak) = peak_during(|| Trainer::new().fit(&mixed));
    let e = result.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooManyLabels { .. }), "{e}");
    // Counting the labels borrows them: well under the data's own size.
    assert!(peak < bytes, "peak {peak} bytes for {bytes} bytes of data");

    // Streaming reads and counts 257 rows before it refuses.
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["text", "label"]).unwrap();
    for e in &mixed {
        csv.write_record([e.text(), e.label()]).unwrap();
    }
    let csv = csv.into_inner().unwrap();
    let (result, peak) = peak_during(|| {
        let reader = ExampleReader::from_reader(csv.as_slice(), &CsvOptions::csv())?;
        Trainer::new().fit_iter(reader)
    });
    let e = result.unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::TooManyLabels { .. }), "{e}");
    assert!(peak < 16 * MIB, "peak {} MiB", peak / MIB);
}
