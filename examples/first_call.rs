//! What `Classifier::pretrained()` costs on its first call (decoding the model compiled into the
//! program), measured the only way a first call can be measured: in fresh processes. It runs
//! itself again N times (21 by default) and reports the fastest, median and slowest first call;
//! then, in this process, the median of 21 decodes of the same bytes by `Classifier::read_from`,
//! which also checks the file's checksum (`pretrained()` leaves that to the tests).
//!
//! ```text
//! cargo run --release --example first_call [-- N]
//! # one first call, as a child process runs it:
//! NOPITCH_FIRST_CALL_CHILD=1 valgrind --tool=callgrind target/release/examples/first_call   # instructions
//! NOPITCH_FIRST_CALL_CHILD=1 valgrind --tool=dhat target/release/examples/first_call        # memory left allocated ("At t-end")
//! NOPITCH_FIRST_CALL_CHILD=1 perf stat -e page-faults target/release/examples/first_call    # page faults
//! ```

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use nopitch::Classifier;

mod common;

/// Set in the child processes, which time one first call and print it in microseconds.
const CHILD: &str = "NOPITCH_FIRST_CALL_CHILD";

fn main() {
    if std::env::var_os(CHILD).is_some() {
        let start = Instant::now();
        let clf = black_box(Classifier::pretrained());
        let micros = start.elapsed().as_micros();
        assert!(clf.n_features() > 0);
        println!("{micros}");
        return;
    }
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(21)
        .max(1);
    let me = std::env::current_exe().expect("this program's path");
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let out = Command::new(&me)
                .env(CHILD, "1")
                .output()
                .expect("run a child process");
            let text = String::from_utf8_lossy(&out.stdout);
            text.trim().parse::<f64>().expect("a time in microseconds") / 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "Classifier::pretrained() first call, {runs} fresh processes: fastest {:.2} ms, median {:.2} ms, slowest {:.2} ms",
        ms[0],
        ms[runs / 2],
        ms[runs - 1]
    );

    let clf = Classifier::pretrained();
    let mut bytes = Vec::new();
    clf.write_to(&mut bytes).expect("encode");
    let decode = common::decode_times_ms(&bytes, 21);
    println!(
        "Classifier::read_from on the same {} bytes (checksum checked), 21 in this process: fastest {:.2} ms, median {:.2} ms",
        bytes.len(),
        decode[0],
        decode[10]
    );
}
