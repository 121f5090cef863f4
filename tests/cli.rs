//! The `nopitch` command, run as a user would: every subcommand, its help, its exit codes, bad
//! input, the personal model (learn, unlearn, reset, rebuilds after an upgrade or a crash) and a
//! read-only data directory. Every run gets its own temporary data directory through
//! `NOPITCH_HOME` (and a temporary `HOME`), so the real user data directory is never touched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_nopitch");
const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/sample_invitations.csv"
);
const PITCH: &str = "I'd love to hear about your IT priorities over the next year";
/// A personal note from the sample export that the pretrained model confidently calls personal.
const CODING_CLUB: &str = "Hi Jordan, I run a free Saturday coding club for kids at the public library. Would you ever be up for giving a short talk about what IT people actually do? No pay, lots of enthusiasm.";

/// A temporary directory, removed (made writable first) when dropped.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let root = std::env::temp_dir().join(format!(
            "nopitch-cli-{name}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("fake-home")).unwrap();
        Sandbox { root }
    }

    /// The data directory the command is pointed at.
    fn home(&self) -> PathBuf {
        self.root.join("data")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("NOPITCH_HOME", self.home())
            .env("HOME", self.root.join("fake-home"))
            .env("XDG_DATA_HOME", self.root.join("fake-home"))
            .env_remove("NOPITCH_MODEL")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        Run::from(child.wait_with_output().unwrap())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = fs::set_permissions(self.home(), fs::Permissions::from_mode(0o755));
        }
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// What a run printed and how it ended.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "{self:#?}");
        self
    }

    #[track_caller]
    fn input_error(self) -> Run {
        assert_eq!(self.code, 1, "{self:#?}");
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(errors.len(), 1, "one error line: {self:#?}");
        self
    }

    #[track_caller]
    fn usage_error(self) -> Run {
        assert_eq!(self.code, 2, "{self:#?}");
        assert!(self.stderr.contains("error:"), "{self:#?}");
        self
    }

    /// The label the human output of `classify` gives the first note.
    fn label(&self) -> &str {
        self.stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("label: "))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no label in {self:#?}"))
    }
}

/// Rows of a CSV file, header first.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap()
}

/// The category a triage file gives the invitation whose note is `message`.
fn category_of(path: &Path, message: &str) -> String {
    let rows = rows(path);
    let (m, c) = (column(&rows, "Message"), column(&rows, "category"));
    rows.iter().find(|r| r[m] == message).unwrap()[c].clone()
}

#[test]
fn version_and_help_on_every_subcommand() {
    let s = Sandbox::new("help");
    let v = s.run(&["--version"]).ok();
    assert_eq!(
        v.stdout.trim(),
        format!("nopitch {}", env!("CARGO_PKG_VERSION"))
    );
    let top = s.run(&["--help"]).ok();
    for sub in [
        "classify", "triage", "learn", "unlearn", "model", "train", "evaluate",
    ] {
        assert!(top.stdout.contains(sub), "{sub} in {}", top.stdout);
        for help in [vec![sub, "--help"], vec!["help", sub], vec![sub, "-h"]] {
            let r = s.run(&help).ok();
            assert!(
                r.stdout.contains(&format!("Usage: nopitch {sub}")),
                "{help:?}: {}",
                r.stdout
            );
        }
    }
    assert!(!s.home().exists(), "help writes nothing");
}

#[test]
fn usage_errors_exit_2() {
    let s = Sandbox::new("usage");
    // No subcommand: the help, on standard error, as a usage error.
    let r = s.run(&[]);
    assert_eq!(r.code, 2, "{r:#?}");
    assert!(r.stderr.contains("Usage: nopitch"), "{r:#?}");
    s.run(&["frobnicate"]).usage_error();
    s.run(&["classify", "--bogus"]).usage_error();
    s.run(&["classify", "--evidence", "many", "x"])
        .usage_error();
    s.run(&["triage"]).usage_error();
    s.run(&["train"]).usage_error();
    s.run(&["train", SAMPLE, "--tsv", "--csv"]).usage_error();
    s.run(&["learn"]).usage_error();
    s.run(&["learn", "one", "two"]).usage_error();
    s.run(&["learn", "--label", "sales", SAMPLE]).usage_error();
    s.run(&["unlearn", "some note"]).usage_error();
    s.run(&["train", SAMPLE, "--model", "x.model"])
        .usage_error();
    s.run(&["--model", "x.model", "learn", "--label", "sales", "x"])
        .usage_error();
    s.run(&["model", "--reset", "--model", "x.model"])
        .usage_error();
    let r = s
        .command(&["learn", "--label", "sales", "x"])
        .env("NOPITCH_MODEL", "x.model")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    // An empty NOPITCH_MODEL is no model file.
    let r = s
        .command(&["classify", PITCH])
        .env("NOPITCH_MODEL", "")
        .output()
        .unwrap();
    assert_eq!(Run::from(r).ok().label(), "sales");
    assert!(
        !s.home().join("corrections.csv").exists(),
        "a usage error writes nothing"
    );
}

#[test]
fn classify_arguments_stdin_and_json() {
    let s = Sandbox::new("classify");
    let r = s.run(&["classify", PITCH]).ok();
    assert!(r.stdout.contains("label: sales"), "{}", r.stdout);
    assert!(r.stdout.contains("evidence:"), "{}", r.stdout);
    assert!(r.stderr.contains("model: pretrained"), "{}", r.stderr);
    let r = s.run(&["classify", ""]).ok();
    assert!(r.stdout.contains("(unsure)"), "{}", r.stdout);
    assert!(!r.stdout.contains("evidence:"), "{}", r.stdout);

    // One note per line on standard input, any bytes.
    let mut input = format!("{PITCH}\r\n\u{1F600}\n").into_bytes();
    input.extend_from_slice(b"\xff\xfe junk\n");
    let r = s.run_with_stdin(&["classify"], &input).ok();
    assert_eq!(r.stdout.matches("  label: ").count(), 3, "{}", r.stdout);
    assert!(r.stdout.starts_with(PITCH), "{}", r.stdout);

    let r = s
        .run_with_stdin(
            &["classify", "--json", "--evidence", "2"],
            format!("{PITCH}\nHi\n").as_bytes(),
        )
        .ok();
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["text"], PITCH);
    assert_eq!(lines[0]["label"], "sales");
    assert!(lines[0]["unsure"].is_boolean());
    let total: f64 = lines[0]["probabilities"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert_eq!(
        lines[0]["confidence"].as_f64(),
        lines[0]["probabilities"]["sales"].as_f64()
    );
    let evidence = lines[0]["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    assert!(evidence[0]["feature"].is_string() && evidence[0]["weight"].as_f64().unwrap() > 0.0);
    assert_eq!(lines[1]["unsure"], true);
    assert_eq!(lines[1]["evidence"].as_array().unwrap().len(), 0);
}

#[test]
fn triage_prints_verdicts_and_replies_and_writes_a_review_file() {
    let s = Sandbox::new("triage");
    let out = s.path("triaged.csv");
    let reply = "Thanks, but I only connect with people I have worked with.";
    let r = s
        .run(&[
            "triage",
            SAMPLE,
            "--out",
            out.to_str().unwrap(),
            "--reply",
            reply,
        ])
        .ok();
    assert!(r.stdout.contains("34 incoming invitations"), "{}", r.stdout);
    let rows = rows(&out);
    let action = column(&rows, "action");
    let declined = rows.iter().filter(|r| r[action] == "decline").count();
    assert!(declined > 0);
    // The reply is printed once for each declined invitation, and written in its row.
    assert_eq!(
        r.stdout.matches(&format!("reply: {reply}")).count(),
        declined,
        "{}",
        r.stdout
    );
    let reply_column = column(&rows, "reply");
    assert!(rows
        .iter()
        .all(|r| (r[action] == "decline") == (r[reply_column] == reply)));
    // The export's columns come first, the review columns after.
    assert_eq!(
        rows[0][..5],
        ["From", "To", "Sent At", "Message", "Direction"].map(String::from)
    );
    for name in nopitch::review::ADDED_COLUMNS {
        column(&rows, name);
    }
    assert!(r.stderr.contains("nopitch learn"), "{}", r.stderr);

    // An unzipped export folder works too, and without --out nothing is written.
    let export = s.path("export");
    fs::create_dir_all(&export).unwrap();
    fs::copy(SAMPLE, export.join("Invitations.csv")).unwrap();
    let from_folder = s.run(&["triage", export.to_str().unwrap()]).ok();
    assert!(from_folder.stdout.contains("34 incoming invitations"));
    assert!(from_folder
        .stdout
        .contains("reply: Thanks for reaching out."));
}

#[test]
fn triage_refuses_bad_input_naming_file_and_line() {
    let s = Sandbox::new("triage-bad");
    let missing = s.path("nope.csv");
    let r = s.run(&["triage", missing.to_str().unwrap()]).input_error();
    assert!(r.stderr.contains("nope.csv"), "{}", r.stderr);

    let not_export = s.path("notes.csv");
    fs::write(&not_export, "text,label\nhello,sales\n").unwrap();
    let r = s
        .run(&["triage", not_export.to_str().unwrap()])
        .input_error();
    assert!(
        r.stderr.contains("notes.csv: line 1: missing columns"),
        "{}",
        r.stderr
    );

    let bad_row = s.path("Invitations.csv");
    let mut bytes = b"From,To,Sent At,Message,Direction\nA,B,x,Hello there,INCOMING\n".to_vec();
    bytes.extend_from_slice(b"C,D,y,\"broken \xff\xfe note\",INCOMING\n");
    fs::write(&bad_row, bytes).unwrap();
    let out = s.path("out.csv");
    // A damaged row is reported and kept (rows in = rows out); the rest is triaged.
    s.run(&[
        "triage",
        bad_row.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let written = fs::read_to_string(&out).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(written.contains("unreadable"), "{written}");

    // A triage file is not an export.
    let triaged = s.path("triaged.csv");
    s.run(&["triage", SAMPLE, "--out", triaged.to_str().unwrap()])
        .ok();
    let r = s.run(&["triage", triaged.to_str().unwrap()]).input_error();
    assert!(
        r.stderr
            .contains("triaged.csv: line 1: this is already a triage file"),
        "{}",
        r.stderr
    );

    let empty_folder = s.path("empty");
    fs::create_dir_all(&empty_folder).unwrap();
    let r = s
        .run(&["triage", empty_folder.to_str().unwrap()])
        .input_error();
    assert!(r.stderr.contains("no Invitations.csv"), "{}", r.stderr);

    // A model of another label set cannot triage.
    let data = s.path("spam.csv");
    fs::write(
        &data,
        "text,label\nwin cash now,spam\nfree prize claim now,spam\nlunch at noon?,ham\nsee you at the match,ham\n",
    )
    .unwrap();
    let model = s.path("spam.model");
    s.run(&[
        "train",
        data.to_str().unwrap(),
        "--folds",
        "0",
        "--out",
        model.to_str().unwrap(),
    ])
    .ok();
    let r = s
        .run(&["--model", model.to_str().unwrap(), "triage", SAMPLE])
        .input_error();
    assert!(
        r.stderr
            .contains("labels sales, known-contact and personal"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_correction_changes_the_next_verdict_and_unlearn_takes_it_back() {
    let s = Sandbox::new("learn");
    assert_eq!(s.run(&["classify", PITCH]).ok().label(), "sales");

    let r = s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    assert!(r.stdout.contains("learned 1 correction"), "{}", r.stdout);
    assert!(r.stdout.contains("now known-contact"), "{}", r.stdout);
    let after = s.run(&["classify", PITCH]).ok();
    assert_eq!(after.label(), "known-contact");
    assert!(after.stderr.contains("model: personal"), "{}", after.stderr);
    assert!(after.stderr.contains("1 correction"), "{}", after.stderr);
    let log = fs::read_to_string(s.home().join("corrections.csv")).unwrap();
    assert!(log.starts_with("label,text,verdict,base,time\n"), "{log}");
    assert!(
        log.contains(&format!("known-contact,{PITCH},sales,")),
        "{log}"
    );

    let model = s.run(&["model"]).ok();
    assert!(model.stdout.contains("model: personal"), "{}", model.stdout);
    assert!(model.stdout.contains("corrections: 1"), "{}", model.stdout);

    // Unlearning what was never learned changes nothing.
    let r = s.run(&["unlearn", "--label", "sales", PITCH]).input_error();
    assert!(
        r.stderr.contains("learned as known-contact"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(s.home().join("corrections.csv")).unwrap(),
        log
    );
    s.run(&["learn", "--label", "spam", PITCH]).input_error();
    s.run(&["learn", "--label", "sales", "  "]).input_error();

    let r = s.run(&["unlearn", "--label", "known-contact", PITCH]).ok();
    assert!(r.stdout.contains("now sales"), "{}", r.stdout);
    assert_eq!(s.run(&["classify", PITCH]).ok().label(), "sales");
    let log = fs::read_to_string(s.home().join("corrections.csv")).unwrap();
    assert!(!log.contains(PITCH), "{log}");
    assert!(s.run(&["model"]).ok().stdout.contains("model: pretrained"));
    assert!(!s.home().join("personal.model").exists());
}

#[test]
fn learn_from_an_edited_triage_file_then_retriage() {
    let s = Sandbox::new("review");
    let triaged = s.path("triaged.csv");
    let t = triaged.to_str().unwrap();
    s.run(&["triage", SAMPLE, "--out", t]).ok();
    assert_eq!(category_of(&triaged, CODING_CLUB), "personal");

    let mut table = rows(&triaged);
    let (m, c) = (column(&table, "Message"), column(&table, "category"));
    let club = table.iter().position(|r| r[m] == CODING_CLUB).unwrap();
    table[club][c] = "Sales".into(); // a correction, typed loosely
    let no_note = table.iter().position(|r| r[c] == "no-note").unwrap();
    table[no_note][c] = "known-contact".into(); // nothing to learn from
    let typo = table.iter().position(|r| r[c] == "known-contact").unwrap();
    table[typo][c] = "known contatc".into(); // not a label
    let edited = s.path("edited.csv");
    write_rows(&edited, &table);

    let r = s.run(&["learn", edited.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("learned 1 correction"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("line {}: \"Hi Jordan, I run", club + 1)),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("skipped 2 rows"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains(&format!("line {}: the model gave no verdict", no_note + 1)));
    assert!(r.stdout.contains(&format!(
        "line {}: category \"known contatc\" is not one of the model's labels",
        typo + 1
    )));
    assert!(r
        .stdout
        .contains(&format!("unchanged: {} rows", table.len() - 4)));

    // The next triage follows the correction.
    s.run(&["triage", SAMPLE, "--out", t]).ok();
    assert_eq!(category_of(&triaged, CODING_CLUB), "sales");

    // Learning the same file again learns nothing new.
    let r = s.run(&["learn", edited.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("learned nothing"), "{}", r.stdout);
    assert!(r.stdout.contains("already learned"), "{}", r.stdout);
    assert_eq!(
        fs::read_to_string(s.home().join("corrections.csv"))
            .unwrap()
            .lines()
            .count(),
        2
    );

    // A file that is neither a triage file nor a labelled file is refused.
    let r = s.run(&["learn", SAMPLE]).input_error();
    assert!(
        r.stderr.contains("line 1: neither a triage file"),
        "{}",
        r.stderr
    );
}

#[test]
fn reset_keeps_a_backup_that_can_be_learned_again() {
    let s = Sandbox::new("reset");
    s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    let r = s.run(&["model", "--reset"]).ok();
    assert!(
        r.stdout.contains("back to the pretrained model"),
        "{}",
        r.stdout
    );
    let backup = fs::read_dir(s.home())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("corrections-")
        })
        .expect("a backup");
    assert!(r.stdout.contains(backup.to_str().unwrap()), "{}", r.stdout);
    assert!(fs::read_to_string(&backup).unwrap().contains(PITCH));
    assert!(!s.home().join("corrections.csv").exists());
    assert!(!s.home().join("personal.model").exists());
    assert_eq!(s.run(&["classify", PITCH]).ok().label(), "sales");
    assert!(s
        .run(&["model", "--reset"])
        .ok()
        .stdout
        .contains("nothing to reset"));

    // The backup is a labelled file: learning it brings the correction back.
    let r = s.run(&["learn", backup.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("learned 1 correction"), "{}", r.stdout);
    assert_eq!(s.run(&["classify", PITCH]).ok().label(), "known-contact");
}

#[test]
fn an_upgrade_or_a_crash_rebuilds_the_personal_model_from_the_corrections() {
    let s = Sandbox::new("rebuild");
    s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    let state_path = s.home().join("personal.json");
    let model_path = s.home().join("personal.model");

    // An upgrade: the personal model was learned onto another pretrained model. Simulate it
    // with a personal model built on a different base (trained on other notes) that says so.
    let data = s.path("other.csv");
    fs::write(
        &data,
        "text,label\nbook a demo today,sales\nsave on licences,sales\ngreat working with you,known-contact\nhappy birthday cousin,personal\n",
    )
    .unwrap();
    s.run(&[
        "train",
        data.to_str().unwrap(),
        "--folds",
        "0",
        "--out",
        model_path.to_str().unwrap(),
    ])
    .ok();
    let state = fs::read_to_string(&state_path).unwrap();
    let base: serde_json::Value = serde_json::from_str(&state).unwrap();
    let old_base = base["base"].as_str().unwrap().to_string();
    let fake_base = "0123456789abcdef";
    fs::write(&state_path, state.replace(&old_base, fake_base)).unwrap();
    let r = s.run(&["classify", PITCH]).ok();
    assert!(
        r.stderr.contains("rebuilt your personal model"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("the pretrained model changed (it was {fake_base}")),
        "{}",
        r.stderr
    );
    assert_eq!(r.label(), "known-contact");
    // Rebuilt onto the current pretrained model and saved: the next run uses it quietly.
    let r = s.run(&["model"]).ok();
    assert!(!r.stderr.contains("rebuilt"), "{}", r.stderr);
    assert!(r
        .stdout
        .contains(&format!("based on: the pretrained model {old_base}")));
    // The pretrained vocabulary and more, not the 4-note model's.
    let features: usize = r
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("labels: "))
        .and_then(|l| l.split("; ").nth(1))
        .and_then(|n| n.strip_suffix(" features"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        features >= nopitch::Classifier::pretrained().n_features(),
        "{}",
        r.stdout
    );

    // A corrupt personal model.
    let mut bytes = fs::read(&model_path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    fs::write(&model_path, bytes).unwrap();
    let r = s.run(&["classify", PITCH]).ok();
    assert!(r.stderr.contains("rebuilt"), "{}", r.stderr);
    assert!(r.stderr.contains("checksum"), "{}", r.stderr);
    assert_eq!(r.label(), "known-contact");

    // A crash after the correction was recorded but before the model was saved: the
    // corrections file holds one more correction than the saved model.
    let mut log = fs::OpenOptions::new()
        .append(true)
        .open(s.home().join("corrections.csv"))
        .unwrap();
    writeln!(
        log,
        "sales,\"{CODING_CLUB}\",personal,{old_base},20260101T000000Z"
    )
    .unwrap();
    drop(log);
    let r = s.run(&["classify", CODING_CLUB]).ok();
    assert!(
        r.stderr
            .contains("changed after the personal model was saved"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("2 corrections"), "{}", r.stderr);
    assert_eq!(r.label(), "sales");

    // A personal model that is not the one saved with personal.json (e.g. restored from an old
    // copy): here, the pretrained model itself.
    s.run(&["model", "--reset"]).ok();
    s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    fs::write(
        &model_path,
        include_bytes!("../datasets/connection_requests.model"),
    )
    .unwrap();
    let r = s.run(&["classify", PITCH]).ok();
    assert!(
        r.stderr.contains("is not the personal model saved with"),
        "{}",
        r.stderr
    );
    assert_eq!(r.label(), "known-contact");

    // A missing personal model.
    fs::remove_file(&model_path).unwrap();
    let r = s.run(&["classify", PITCH]).ok();
    assert!(r.stderr.contains("rebuilt"), "{}", r.stderr);
    assert_eq!(r.label(), "known-contact");
}

#[test]
fn a_broken_corrections_file_names_its_line_and_reset_still_works() {
    let s = Sandbox::new("broken-log");
    s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    let log = s.home().join("corrections.csv");
    let mut f = fs::OpenOptions::new().append(true).open(&log).unwrap();
    writeln!(f, "sales,only two fields").unwrap();
    drop(f);
    let r = s.run(&["classify", PITCH]).input_error();
    assert!(
        r.stderr
            .contains("corrections.csv: line 3: wrong number of fields"),
        "{}",
        r.stderr
    );
    s.run(&["learn", "--label", "sales", "x"]).input_error();
    // A label that is not the model's, edited in by hand.
    fs::write(
        &log,
        format!("label,text,verdict,base,time\nspam,{PITCH},sales,x,y\n"),
    )
    .unwrap();
    let r = s.run(&["model"]).input_error();
    assert!(
        r.stderr
            .contains("corrections.csv: line 2: unknown label \"spam\""),
        "{}",
        r.stderr
    );
    let r = s.run(&["model", "--reset"]).ok();
    assert!(
        r.stdout.contains("back to the pretrained model"),
        "{}",
        r.stdout
    );
    assert_eq!(s.run(&["classify", PITCH]).ok().label(), "sales");
}

/// Runs `args` as an unprivileged user when the tests run as root (root ignores file
/// permissions), using util-linux's `setpriv`; `None` when that is not possible.
#[cfg(unix)]
fn unprivileged(s: &Sandbox, args: &[&str]) -> Option<Run> {
    let root = fs::metadata("/proc/self").map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid() == 0
    });
    if !matches!(root, Ok(true)) {
        return Some(s.run(args));
    }
    let c = s.command(args);
    let program = c.get_program().to_owned();
    let mut wrapped = Command::new("setpriv");
    wrapped
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(program)
        .args(c.get_args())
        .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .env_remove("NOPITCH_MODEL")
        .stdin(Stdio::null());
    let output = wrapped.output().ok()?;
    let run = Run::from(output);
    // setpriv missing its capability, or the user cannot reach the binary: not a result.
    if run.stderr.contains("setpriv:") || run.code == 126 || run.code == 127 {
        return None;
    }
    Some(run)
}

#[cfg(unix)]
#[test]
fn a_read_only_data_directory_is_refused_clearly_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new("read-only");
    // Reachable by an unprivileged user, for the run under setpriv.
    fs::set_permissions(&s.root, fs::Permissions::from_mode(0o755)).unwrap();
    s.run(&["learn", "--label", "known-contact", PITCH]).ok();
    let before: Vec<(PathBuf, Vec<u8>)> = ["corrections.csv", "personal.model", "personal.json"]
        .map(|f| s.home().join(f))
        .into_iter()
        .map(|p| (p.clone(), fs::read(&p).unwrap()))
        .collect();
    fs::set_permissions(s.home(), fs::Permissions::from_mode(0o555)).unwrap();
    for (p, _) in &before {
        fs::set_permissions(p, fs::Permissions::from_mode(0o444)).unwrap();
    }
    let Some(r) = unprivileged(&s, &["learn", "--label", "sales", CODING_CLUB]) else {
        eprintln!(
            "skipped: running as root without a usable setpriv, so permissions cannot be tested"
        );
        return;
    };
    let r = r.input_error();
    assert!(
        r.stderr.contains(&format!(
            "cannot write to the data directory {}",
            s.home().display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
    for (p, bytes) in &before {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{} unchanged", p.display());
    }
    // Reading still works, with the personal model.
    let r = unprivileged(&s, &["classify", PITCH]).unwrap().ok();
    assert_eq!(r.label(), "known-contact");
    let r = unprivileged(&s, &["model", "--reset"])
        .unwrap()
        .input_error();
    assert!(
        r.stderr.contains("cannot write to the data directory"),
        "{}",
        r.stderr
    );
    for (p, bytes) in &before {
        assert_eq!(&fs::read(p).unwrap(), bytes, "{} unchanged", p.display());
    }
}

#[test]
fn a_data_directory_that_cannot_be_created_is_refused_clearly() {
    let s = Sandbox::new("not-a-dir");
    fs::create_dir_all(&s.root).unwrap();
    fs::write(s.path("data"), "a file where the data directory should be").unwrap();
    let r = s
        .run(&["learn", "--label", "known-contact", PITCH])
        .input_error();
    assert!(r.stderr.contains("data"), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(s.path("data")).unwrap(),
        "a file where the data directory should be"
    );
}

#[test]
fn train_and_evaluate_own_data() {
    let s = Sandbox::new("train");
    let data = s.path("notes.csv");
    let mut csv = String::from("text,label\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "\"Win a free cruise number {i}, claim your prize now\",spam\n"
        ));
        csv.push_str(&format!(
            "Are we still on for lunch on day {i}? See you there,ham\n"
        ));
    }
    fs::write(&data, &csv).unwrap();
    let model = s.path("my.model");
    let (d, m) = (data.to_str().unwrap(), model.to_str().unwrap());
    let r = s
        .run(&["train", d, "--folds", "3", "--holdout", "0.25", "--out", m])
        .ok();
    assert!(
        r.stdout.contains("Stratified 3-fold cross-validation"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Stratified 75/25 split"), "{}", r.stdout);
    assert!(r.stderr.contains("saved"), "{}", r.stderr);
    let r = s
        .run(&["train", d, "--folds", "0", "--json", "--holdout", "0.25"])
        .ok();
    let json: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert!(json["holdout"]["report"]["accuracy"].as_f64().is_some());

    let r = s.run(&["evaluate", d, "--model", m, "--json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["examples"], 24);
    assert!(r.stderr.contains("my.model (from --model)"), "{}", r.stderr);
    let r = s
        .command(&["classify", "claim your free prize"])
        .env("NOPITCH_MODEL", &model)
        .output()
        .unwrap();
    let r = Run::from(r).ok();
    assert_eq!(r.label(), "spam");
    assert!(r.stderr.contains("(from NOPITCH_MODEL)"), "{}", r.stderr);

    // TSV and other column names.
    let tsv = s.path("notes.tsv");
    fs::write(
        &tsv,
        csv.replace(",spam", "\tspam")
            .replace(",ham", "\tham")
            .replace("text,label", "SMS\tLabel"),
    )
    .unwrap();
    s.run(&[
        "train",
        tsv.to_str().unwrap(),
        "--text-column",
        "SMS",
        "--label-column",
        "Label",
        "--folds",
        "2",
        "--stream",
    ])
    .ok();

    // Bad input names the file and the line.
    let bad = s.path("bad.csv");
    fs::write(&bad, "text,label\nhello,spam\nhi,ham,extra\n").unwrap();
    let r = s.run(&["train", bad.to_str().unwrap()]).input_error();
    assert!(
        r.stderr.contains("bad.csv: line 3: wrong number of fields"),
        "{}",
        r.stderr
    );
    let r = s.run(&["evaluate", bad.to_str().unwrap()]).input_error();
    assert!(r.stderr.contains("bad.csv: line 3"), "{}", r.stderr);
    fs::write(&bad, "text,label\nhello,spam\nhi,\n").unwrap();
    let r = s.run(&["train", bad.to_str().unwrap()]).input_error();
    assert!(
        r.stderr.contains("bad.csv: line 3: empty label"),
        "{}",
        r.stderr
    );
    // Labels the model lacks.
    let r = s.run(&["evaluate", d]).input_error();
    assert!(
        r.stderr
            .contains("notes.csv: line 2: unknown label \"spam\""),
        "{}",
        r.stderr
    );
    // One label only, and bad settings.
    fs::write(&bad, "text,label\nhello,spam\nhi,spam\n").unwrap();
    s.run(&["train", bad.to_str().unwrap()]).input_error();
    s.run(&["train", d, "--alpha=-1"]).input_error();
    s.run(&["train", d, "--alpha", "0"]).input_error();
    s.run(&["train", d, "--holdout", "1.5"]).input_error();
    // A model file that is not one.
    let junk = s.path("junk.model");
    fs::write(&junk, "not a model").unwrap();
    let r = s
        .run(&["--model", junk.to_str().unwrap(), "classify", "x"])
        .input_error();
    assert!(
        r.stderr.contains("junk.model: not a valid nopitch model"),
        "{}",
        r.stderr
    );
    let r = s
        .run(&[
            "--model",
            s.path("missing.model").to_str().unwrap(),
            "evaluate",
            d,
        ])
        .input_error();
    assert!(r.stderr.contains("missing.model"), "{}", r.stderr);
}

#[test]
fn no_progress_bar_when_standard_error_is_not_a_terminal() {
    let s = Sandbox::new("large");
    let big = s.path("Invitations.csv");
    let mut text = String::from("From,To,Sent At,Message,Direction\n");
    let mut i = 0;
    while text.len() < (1 << 20) + 1000 {
        text.push_str(&format!(
            "Person {i},Sam Lee,\"1/29/26, 2:37 PM\",\"{PITCH}, number {i}\",INCOMING\n"
        ));
        i += 1;
    }
    fs::write(&big, text).unwrap();
    let r = s.run(&["triage", big.to_str().unwrap()]).ok();
    assert!(
        r.stdout.contains(&format!("{i} incoming invitations")),
        "{}",
        &r.stdout[..200]
    );
    assert!(!r.stderr.contains("triaging"), "{}", r.stderr);
}

// The inbox and the whole export (#14, #16): `messages.csv`, both files, the export folder.

const MESSAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/sample_messages.csv");
/// The model labels: corrections are made to one of these.
const LABELS: [&str; 3] = ["sales", "known-contact", "personal"];

/// The rows of a CSV file whose `column` is `value`.
fn rows_where<'a>(
    table: &'a [Vec<String>],
    column_name: &str,
    value: &str,
) -> Vec<&'a Vec<String>> {
    let c = column(table, column_name);
    table[1..].iter().filter(|r| r[c] == value).collect()
}

/// The sum of the `messages` column of a conversations file.
fn messages_in(table: &[Vec<String>]) -> u64 {
    let m = column(table, "messages");
    table[1..]
        .iter()
        .map(|r| r[m].parse::<u64>().unwrap())
        .sum()
}

/// A made-up export folder holding copies of the sample files under the given names.
fn export_folder(s: &Sandbox, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = s.path(name);
    fs::create_dir_all(&dir).unwrap();
    for (source, file_name) in files {
        fs::copy(source, dir.join(file_name)).unwrap();
    }
    dir
}

#[test]
fn triage_help_names_the_inbox_and_the_new_options() {
    let s = Sandbox::new("help-inbox");
    let r = s.run(&["triage", "--help"]).ok();
    for words in [
        "--conversations-out <FILE>",
        "--me <NAME_OR_URL>",
        "--out <FILE>",
        "--reply <TEXT>",
        "messages.csv",
        "Invitations.csv",
        "folder",
        "follow-ups",
        "archived",
        "unreadable",
    ] {
        assert!(r.stdout.contains(words), "{words:?} in {}", r.stdout);
    }
    let r = s.run(&["learn", "--help"]).ok();
    assert!(r.stdout.contains("--conversations-out"), "{}", r.stdout);
    assert!(
        r.stdout.contains("nopitch learn conversations.csv"),
        "{}",
        r.stdout
    );
    let top = s.run(&["--help"]).ok();
    assert!(top.stdout.contains("messages.csv"), "{}", top.stdout);
}

#[test]
fn triage_a_messages_file_prints_conversations_and_writes_one_row_each() {
    let s = Sandbox::new("inbox");
    let out = s.path("conversations.csv");
    let reply = "Thanks, but I only connect with people I have worked with.";
    let r = s
        .run(&[
            "triage",
            MESSAGES,
            "--conversations-out",
            out.to_str().unwrap(),
            "--reply",
            reply,
        ])
        .ok();
    assert!(
        r.stdout
            .contains("49 messages in 25 conversations; owner Jordan Ellis"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("0 unreadable rows"), "{}", r.stdout);
    assert!(!r.stdout.contains("invitations"), "{}", r.stdout);
    assert!(r.stderr.contains("nopitch learn"), "{}", r.stderr);

    let table = rows(&out);
    assert_eq!(
        table[0],
        nopitch::review::CONVERSATION_COLUMNS.map(String::from)
    );
    // One row per conversation; their messages add up to the file's rows.
    assert_eq!(table.len() - 1, 25);
    assert_eq!(messages_in(&table), 49);
    let (category, verdict, action, reply_column, follow_ups, last, sender, text) = (
        column(&table, "category"),
        column(&table, "verdict"),
        column(&table, "action"),
        column(&table, "reply"),
        column(&table, "follow_ups"),
        column(&table, "last_follow_up"),
        column(&table, "sender"),
        column(&table, "text"),
    );
    assert!(table[1..].iter().all(|r| r[category] == r[verdict]));
    // The reply is printed once for each declined conversation, and written in its row; an
    // automated conversation is archived, never answered.
    let declined = rows_where(&table, "action", "decline").len();
    assert!(declined > 0);
    assert_eq!(
        r.stdout.matches(&format!("reply: {reply}")).count(),
        declined
    );
    for row in &table[1..] {
        assert_eq!(
            row[action] == "decline",
            row[reply_column] == reply,
            "{row:?}"
        );
        if row[category] == "automated" {
            assert!(
                matches!(row[action].as_str(), "archive" | "review"),
                "{row:?}"
            );
        }
    }
    assert!(!rows_where(&table, "category", "automated").is_empty());
    // Each conversation is printed with its sender and its unanswered follow-ups, and the date of
    // the last one.
    for row in &table[1..] {
        assert!(
            r.stdout.contains(&format!("  {:<24} ", row[sender])),
            "{row:?}"
        );
        if row[follow_ups] != "0" {
            let shown = format!("follow-ups {}, last {}", row[follow_ups], row[last]);
            assert!(r.stdout.contains(&shown), "{shown} in {}", r.stdout);
        }
    }
    assert!(table[1..].iter().any(|r| r[follow_ups] != "0"));
    // Pitches first.
    let sections: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.ends_with(':') && !l.starts_with(' '))
        .collect();
    assert_eq!(sections.first(), Some(&"sales:"), "{sections:?}");
    // The text the model read: the other party's words, never empty for a pitch.
    assert!(rows_where(&table, "category", "sales")
        .iter()
        .all(|r| !r[text].is_empty()));

    // --out writes invitations, which a messages file does not have: a usage error, before any
    // work.
    let r = s
        .run(&[
            "triage",
            MESSAGES,
            "--out",
            s.path("x.csv").to_str().unwrap(),
        ])
        .usage_error();
    assert!(r.stderr.contains("--conversations-out"), "{}", r.stderr);
    assert!(!s.path("x.csv").exists());
    // An output never overwrites an input.
    let copy = s.path("messages.csv");
    fs::copy(MESSAGES, &copy).unwrap();
    let c = copy.to_str().unwrap();
    s.run(&["triage", c, "--conversations-out", c])
        .usage_error();
    assert_eq!(fs::read(&copy).unwrap(), fs::read(MESSAGES).unwrap());
    // A conversations file is a triage file, not an export.
    let r = s.run(&["triage", out.to_str().unwrap()]).input_error();
    assert!(r.stderr.contains("already a triage file"), "{}", r.stderr);
}

#[test]
fn triage_both_files_given_joins_them_in_one_report() {
    let s = Sandbox::new("both");
    let (inv, conv) = (s.path("invitations.csv"), s.path("conversations.csv"));
    // In either order: the files are told apart by their header.
    let r = s
        .run(&[
            "triage",
            MESSAGES,
            SAMPLE,
            "--out",
            inv.to_str().unwrap(),
            "--conversations-out",
            conv.to_str().unwrap(),
        ])
        .ok();
    let invitations_at = r
        .stdout
        .find("34 incoming invitations")
        .expect("invitations");
    let conversations_at = r
        .stdout
        .find("49 messages in 25 conversations; owner Jordan Ellis (from the invitations)")
        .expect("conversations");
    assert!(
        invitations_at < conversations_at,
        "invitations first: {}",
        r.stdout
    );
    assert!(
        r.stdout.contains("joined with their sender's conversation"),
        "{}",
        r.stdout
    );

    let invitations = rows(&inv);
    assert_eq!(invitations.len() - 1, 40, "rows in = rows out");
    let header = &invitations[0];
    let added: Vec<&str> = nopitch::review::ADDED_COLUMNS
        .into_iter()
        .chain(nopitch::review::JOINED_COLUMNS)
        .collect();
    assert_eq!(header[header.len() - added.len()..], added[..]);
    // Helena Sorensen's invitation has no note: it takes the verdict of her conversation.
    let helena = rows_where(&invitations, "From", "Helena Sorensen")[0];
    let col = |name: &str| column(&invitations, name);
    assert_eq!(helena[col("Message")], "");
    assert_eq!(helena[col("verdict_from")], "conversation");
    assert_eq!(helena[col("joined_by")], "profile-url");
    let conversations = rows(&conv);
    let hers = rows_where(
        &conversations,
        "conversation_id",
        &helena[col("conversation")],
    );
    assert_eq!(hers.len(), 1);
    let category = column(&conversations, "category");
    assert_eq!(helena[col("category")], hers[0][category]);
    assert_eq!(messages_in(&conversations), 49);
}

#[test]
fn triage_an_export_folder_and_learn_its_invitations_file() {
    let s = Sandbox::new("folder");
    // LinkedIn's names, in any case.
    let folder = export_folder(
        &s,
        "Basic_LinkedInDataExport",
        &[(SAMPLE, "INVITATIONS.CSV"), (MESSAGES, "Messages.csv")],
    );
    let inv = s.path("invitations.csv");
    let r = s
        .run(&[
            "triage",
            folder.to_str().unwrap(),
            "--out",
            inv.to_str().unwrap(),
            "--conversations-out",
            s.path("conversations.csv").to_str().unwrap(),
        ])
        .ok();
    assert!(r.stdout.contains("34 incoming invitations"), "{}", r.stdout);
    assert!(
        r.stdout.contains("49 messages in 25 conversations"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("INVITATIONS.CSV"), "{}", r.stdout);

    // Correct the invitations file of the folder triage: a note weighed with its sender's
    // conversation is learned (with a word about the conversation); a no-note invitation that
    // took its conversation's verdict has no note to learn.
    let mut table = rows(&inv);
    let (c, v, from) = (
        column(&table, "category"),
        column(&table, "verdict"),
        column(&table, "verdict_from"),
    );
    let weighed = (1..table.len())
        .find(|&i| table[i][from] == "note+conversation" && LABELS.contains(&table[i][v].as_str()))
        .expect("a note weighed with its conversation");
    let other = LABELS.iter().find(|l| **l != table[weighed][v]).unwrap();
    table[weighed][c] = other.to_string();
    let no_note = (1..table.len())
        .find(|&i| table[i][from] == "conversation" && LABELS.contains(&table[i][v].as_str()))
        .expect("a no-note invitation judged by its conversation");
    let other = LABELS.iter().find(|l| **l != table[no_note][v]).unwrap();
    table[no_note][c] = other.to_string();
    write_rows(&inv, &table);
    let r = s.run(&["learn", inv.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("learned 1 correction"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
            "the invitation on line {} was also judged by its sender's conversation",
            weighed + 1
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "line {}: the invitation has no note; its person's conversation is",
            no_note + 1
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn triage_a_folder_with_one_of_the_two_files() {
    let s = Sandbox::new("one-file");
    let messages_only = export_folder(&s, "messages-only", &[(MESSAGES, "messages.csv")]);
    let r = s.run(&["triage", messages_only.to_str().unwrap()]).ok();
    assert!(
        r.stdout.contains("49 messages in 25 conversations"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("owner Jordan Ellis (in every conversation)"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("invitations"), "{}", r.stdout);
    s.run(&[
        "triage",
        messages_only.to_str().unwrap(),
        "--out",
        s.path("x.csv").to_str().unwrap(),
    ])
    .usage_error();

    let invitations_only = export_folder(&s, "invitations-only", &[(SAMPLE, "invitations.csv")]);
    let r = s.run(&["triage", invitations_only.to_str().unwrap()]).ok();
    assert!(r.stdout.contains("34 incoming invitations"), "{}", r.stdout);
    assert!(!r.stdout.contains("conversations"), "{}", r.stdout);
    let r = s
        .run(&[
            "triage",
            invitations_only.to_str().unwrap(),
            "--conversations-out",
            s.path("x.csv").to_str().unwrap(),
        ])
        .usage_error();
    assert!(r.stderr.contains("no messages.csv"), "{}", r.stderr);
    // Without messages the invitations are not joined: no join columns.
    let out = s.path("inv.csv");
    s.run(&[
        "triage",
        invitations_only.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .ok();
    let header = &rows(&out)[0];
    assert!(header.ends_with(&nopitch::review::ADDED_COLUMNS.map(String::from)));
}

#[test]
fn an_unreadable_message_row_is_counted_listed_and_kept() {
    let s = Sandbox::new("inbox-damaged");
    let original = fs::read_to_string(MESSAGES).unwrap();
    let (header, rest) = original.split_once('\n').unwrap();
    // One field too few, on line 2.
    let damaged = format!(
        "{header}\n2-damaged,,Ana Li,,Jordan Ellis,,2026-01-04 10:00:00 UTC,,Hello there,INBOX\n{rest}"
    );
    let messages = s.path("messages.csv");
    fs::write(&messages, damaged).unwrap();
    let out = s.path("conversations.csv");
    let r = s
        .run(&[
            "triage",
            messages.to_str().unwrap(),
            "--conversations-out",
            out.to_str().unwrap(),
        ])
        .ok();
    assert!(
        r.stdout.contains("50 messages in 25 conversations"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 unreadable row;"), "{}", r.stdout);
    assert!(
        r.stdout.contains("  line 2: wrong number of fields"),
        "{}",
        r.stdout
    );
    let table = rows(&out);
    assert_eq!(table.len() - 1, 26);
    assert_eq!(messages_in(&table), 50, "rows in = rows out");
    let kept = rows_where(&table, "category", "unreadable");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0][0], "2-damaged");
    assert_eq!(kept[0][column(&table, "line")], "2");
    assert_eq!(kept[0][column(&table, "text")], "Hello there");
}

#[test]
fn learning_an_edited_conversations_file_changes_the_next_verdict() {
    let s = Sandbox::new("learn-inbox");
    let messages = s.path("messages.csv");
    fs::write(
        &messages,
        format!(
            "CONVERSATION ID,FROM,TO,DATE,SUBJECT,CONTENT\n\
             club,Emily Zhang,Jordan Ellis,2026-01-05 09:00:00 UTC,A talk for the kids?,\"{CODING_CLUB}\"\n\
             mine,Jordan Ellis,Tom Becker,2026-01-06 09:00:00 UTC,,\"Hi Tom, would love your view on our ERP shortlist.\"\n"
        ),
    )
    .unwrap();
    let (m, out) = (messages.to_str().unwrap(), s.path("conversations.csv"));
    let o = out.to_str().unwrap();
    s.run(&[
        "triage",
        m,
        "--me",
        "Jordan Ellis",
        "--conversations-out",
        o,
    ])
    .ok();
    let mut table = rows(&out);
    let (id, c, v, text) = (
        column(&table, "conversation_id"),
        column(&table, "category"),
        column(&table, "verdict"),
        column(&table, "text"),
    );
    let club = (1..table.len()).find(|&i| table[i][id] == "club").unwrap();
    let mine = (1..table.len()).find(|&i| table[i][id] == "mine").unwrap();
    // The text the model read: the subject line, then the message.
    assert_eq!(
        table[club][text],
        format!("A talk for the kids?\n{CODING_CLUB}")
    );
    assert_eq!(table[mine][v], "outreach");
    let before = table[club][v].clone();
    assert!(LABELS.contains(&before.as_str()), "{before}");
    let corrected = LABELS.iter().find(|l| **l != before).unwrap().to_string();
    table[club][c] = corrected.clone();
    table[mine][c] = "sales".into(); // decided by the rules (you wrote first): nothing to learn
    write_rows(&out, &table);

    let r = s.run(&["learn", o]).ok();
    assert!(r.stdout.contains("learned 1 correction"), "{}", r.stdout);
    // Lines as in the file: the first row spans lines 2 and 3 (its text is the subject line,
    // then the message).
    assert_eq!((club, mine), (1, 2));
    assert!(
        r.stdout
            .contains("line 2: \"A talk for the kids? Hi Jordan"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("line 4: the verdict outreach comes from nopitch's rules"),
        "{}",
        r.stdout
    );
    let log = fs::read_to_string(s.home().join("corrections.csv")).unwrap();
    assert!(
        log.contains(&format!("\"A talk for the kids?\n{CODING_CLUB}\"")),
        "{log}"
    );

    // The next triage follows the correction.
    let again = s.path("again.csv");
    let r = s
        .run(&[
            "triage",
            m,
            "--me",
            "Jordan Ellis",
            "--conversations-out",
            again.to_str().unwrap(),
        ])
        .ok();
    assert!(r.stderr.contains("model: personal"), "{}", r.stderr);
    let after = rows(&again);
    let club_after = rows_where(&after, "conversation_id", "club")[0];
    assert_eq!(club_after[column(&after, "verdict")], corrected);
}

/// `--mark` prints each note with its evidence marked, in the note's own words: the marked text
/// without its brackets is the note as written.
#[test]
fn classify_and_triage_mark_the_evidence_in_the_note() {
    let s = Sandbox::new("mark");
    let note = "We buy used office computers and laptops, can I send you a quote?";
    let r = s.run(&["classify", "--mark", note]).ok();
    let marked = r
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("marked: "))
        .unwrap_or_else(|| panic!("no marked line: {}", r.stdout));
    assert!(marked.contains('['), "{marked}");
    assert_eq!(marked.replace(['[', ']'], ""), note);
    let r = s.run(&["triage", SAMPLE, "--mark"]).ok();
    let notes: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("note: "))
        .collect();
    assert!(!notes.is_empty(), "{}", r.stdout);
    assert!(notes.iter().any(|n| n.contains('[')), "{}", r.stdout);
}
