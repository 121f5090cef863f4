//! `Classifier::classify` allocates (nearly) nothing for a usual note: an ASCII text of up to 512
//! bytes is normalised, tokenized and scored in buffers inside the call's own frame, and the
//! `Prediction` keeps its scores inline for up to four labels. What remains is the Snowball
//! stemmer's: `rust-stemmers` returns a new `String` for a word it changes, which happens for a
//! word the model has never seen that could stem to a known term ("calgary" → "calgari").
//!
//! A counting allocator counts the allocations, so this file holds a single test: tests in one
//! binary run on parallel threads and would add to each other's counts.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use nopitch::{read_examples, Classifier, CsvOptions};

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn classifying_a_usual_note_allocates_nothing() {
    let clf = Classifier::pretrained();
    let notes: Vec<String> = read_examples("datasets/heldout_notes.csv", &CsvOptions::csv())
        .expect("the held-out notes")
        .iter()
        .map(|e| e.text().to_string())
        .filter(|t| t.is_ascii() && t.len() <= 512)
        .collect();
    assert!(notes.len() > 300, "{} short ASCII notes", notes.len());
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let mut sales = 0;
    let mut allocating = 0;
    for note in &notes {
        let at_start = ALLOCATIONS.load(Ordering::Relaxed);
        let p = black_box(clf.classify(black_box(note)));
        allocating += usize::from(ALLOCATIONS.load(Ordering::Relaxed) > at_start);
        sales += usize::from(p.label() == "sales");
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    eprintln!(
        "{allocations} allocations, in {allocating} of {} notes",
        notes.len()
    );
    // Before the inline buffers: three or more allocations per note.
    assert!(
        allocations * 5 < notes.len() && allocating * 5 < notes.len(),
        "{allocations} allocations, in {allocating} of {} notes",
        notes.len()
    );
    assert!(sales > 0 && sales < notes.len());

    // Longer or non-ASCII texts may allocate, and still classify.
    let long = "We help teams like yours cut cloud costs. ".repeat(40);
    let accented = "Ravi de vous avoir croisé à la conférence, Amélie !";
    for text in [long.as_str(), accented] {
        let p = clf.classify(text);
        assert!(p.confidence() > 0.0);
    }
}
