//! The personal model: the pretrained model plus your corrections, kept in the data directory.
//!
//! ```text
//! $NOPITCH_HOME (default: the platform's data directory, e.g. ~/.local/share/nopitch)
//!   corrections.csv   every correction, in order (label,text,verdict,base,time): the truth
//!   personal.model    the pretrained model with the corrections learned: a cache of the above
//!   personal.json     what personal.model was built from: the pretrained model's fingerprint
//!                     and a digest of corrections.csv (and personal.model's own fingerprint)
//! ```
//!
//! A correction is appended to `corrections.csv` and flushed to disk before `personal.model`
//! (saved atomically) and `personal.json` are written, so a crash at any point loses nothing:
//! when `personal.json` does not match the current pretrained model and `corrections.csv`, or
//! `personal.model` is missing or unreadable, the personal model is rebuilt from the current
//! pretrained model by replaying `corrections.csv`, and the command says so. An upgrade of
//! nopitch that ships a new pretrained model is handled the same way.
//!
//! Each correction is learned until the note gets its label (at most [`MAX_REPEATS`] times;
//! see `Classifier::learn_correction`), so the personal model is always exactly the pretrained
//! model with the corrections of `corrections.csv` replayed in order, and a new pretrained model
//! gets each correction as many times as it needs.
//!
//! A model file named with `--model` or `NOPITCH_MODEL` is used as it is and never changed.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use nopitch::{Classifier, CsvOptions, Example, ExampleReader};
use serde::{Deserialize, Serialize};

use crate::{in_file, ChosenModel, Failure, Via};

/// The environment variable that overrides the data directory.
pub const HOME_VAR: &str = "NOPITCH_HOME";
/// The columns of `corrections.csv`.
pub const LOG_COLUMNS: [&str; 5] = ["label", "text", "verdict", "base", "time"];

/// The data directory and the files in it.
#[derive(Debug, Clone)]
pub struct Store {
    /// The data directory.
    pub dir: PathBuf,
}

/// One correction from `corrections.csv`.
#[derive(Debug, Clone)]
pub struct Correction {
    /// The note and the label you gave it, with its line in the file.
    pub example: Example,
}

/// `personal.json`: what `personal.model` was built from.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct State {
    /// The fingerprint of the pretrained model the corrections were learned onto, in hex.
    base: String,
    /// How many corrections `personal.model` holds.
    corrections: usize,
    /// FNV-1a 64 of `corrections.csv` as it was when `personal.model` was saved, in hex.
    corrections_digest: String,
    /// The fingerprint of `personal.model` itself, in hex: a personal model that is not the one
    /// saved with this state (restored from elsewhere, half-replaced) is rebuilt.
    model: String,
}

/// The model a command uses, and where it came from.
pub struct Loaded {
    /// The classifier.
    pub classifier: Classifier,
    /// Where it came from.
    pub source: Source,
}

/// Where the model a command uses came from.
pub enum Source {
    /// The model compiled into nopitch; `store` is the data directory, if one could be found.
    Pretrained { store: Option<Store> },
    /// The personal model: the pretrained model plus the corrections in `store`.
    Personal {
        store: Store,
        corrections: Vec<Correction>,
        base: u64,
    },
    /// A file named with `--model` or `NOPITCH_MODEL`.
    File(ChosenModel),
}

impl Source {
    /// One line saying which model is used, for standard error.
    pub fn describe(&self) -> String {
        match self {
            Source::Pretrained { .. } => "model: pretrained (built into nopitch)".to_string(),
            Source::Personal {
                store, corrections, ..
            } => format!(
                "model: personal, {} (the pretrained model + {} from {})",
                store.model_path().display(),
                plural(corrections.len(), "correction"),
                store.log_path().display()
            ),
            Source::File(chosen) => format!(
                "model: {} (from {})",
                chosen.path.display(),
                match chosen.via {
                    Via::Option => "--model",
                    Via::Env => "NOPITCH_MODEL",
                }
            ),
        }
    }
}

/// "1 correction", "3 corrections".
pub fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// FNV-1a 64: a stable digest of `corrections.csv`, to notice that it changed.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The model a read-only command uses: the chosen file, else the personal model (rebuilt if
/// needed), else the pretrained one.
pub fn load(chosen: Option<&ChosenModel>) -> Result<Loaded, Failure> {
    if let Some(chosen) = chosen {
        let classifier = Classifier::load(&chosen.path).map_err(|e| in_file(&chosen.path, e))?;
        return Ok(Loaded {
            classifier,
            source: Source::File(chosen.clone()),
        });
    }
    match Store::locate() {
        Ok(store) => store.open(),
        Err(why) => {
            eprintln!("note: {why}; using the pretrained model");
            Ok(Loaded {
                classifier: Classifier::pretrained(),
                source: Source::Pretrained { store: None },
            })
        }
    }
}

impl Store {
    /// The data directory: `NOPITCH_HOME`, else the platform's data directory + `nopitch`.
    pub fn locate() -> Result<Store, String> {
        if let Some(home) = std::env::var_os(HOME_VAR).filter(|h| !h.is_empty()) {
            return Ok(Store {
                dir: PathBuf::from(home),
            });
        }
        dirs::data_dir()
            .map(|d| Store {
                dir: d.join("nopitch"),
            })
            .ok_or_else(|| {
                format!("no data directory could be found for your personal model (set {HOME_VAR})")
            })
    }

    /// `personal.model`.
    pub fn model_path(&self) -> PathBuf {
        self.dir.join("personal.model")
    }

    /// `corrections.csv`.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("corrections.csv")
    }

    fn state_path(&self) -> PathBuf {
        self.dir.join("personal.json")
    }

    /// The bytes of `corrections.csv` (empty if it does not exist).
    fn log_bytes(&self) -> Result<Vec<u8>, Failure> {
        match fs::read(self.log_path()) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(in_file(&self.log_path(), e)),
        }
    }

    /// How many corrections `corrections.csv` holds, if it can be read.
    pub fn count_corrections(&self) -> Option<usize> {
        let bytes = self.log_bytes().ok()?;
        parse_corrections(&bytes, &self.log_path())
            .ok()
            .map(|c| c.len())
    }

    /// The personal model if there are corrections (rebuilt from the pretrained model and
    /// `corrections.csv` when `personal.model` is missing, unreadable or out of date), else the
    /// pretrained model.
    pub fn open(self) -> Result<Loaded, Failure> {
        let bytes = self.log_bytes()?;
        let corrections = parse_corrections(&bytes, &self.log_path())?;
        if corrections.is_empty() {
            // Leftovers of an interrupted reset, or a corrections file emptied by hand.
            for stale in [self.model_path(), self.state_path()] {
                if stale.exists() && fs::remove_file(&stale).is_ok() {
                    eprintln!(
                        "note: removed {}: there are no corrections in {}",
                        stale.display(),
                        self.log_path().display()
                    );
                }
            }
            return Ok(Loaded {
                classifier: Classifier::pretrained(),
                source: Source::Pretrained { store: Some(self) },
            });
        }
        let base = Classifier::pretrained_fingerprint();
        let digest = fnv1a(&bytes);
        let classifier = match self.check(base, digest, corrections.len()) {
            Ok(model) => model,
            Err(why) => {
                let rebuilt = replay(&Classifier::pretrained(), &corrections, &self.log_path())?;
                eprintln!(
                    "note: rebuilt your personal model from the pretrained model and {} in {}: {why}",
                    plural(corrections.len(), "correction"),
                    self.log_path().display()
                );
                if let Err(e) = self.save(&rebuilt, base, &bytes, corrections.len()) {
                    eprintln!(
                        "note: could not save it ({}); using it for this run",
                        message(e)
                    );
                }
                rebuilt
            }
        };
        Ok(Loaded {
            classifier,
            source: Source::Personal {
                store: self,
                corrections,
                base,
            },
        })
    }

    /// The saved personal model, if it is what `personal.json` says and that matches the
    /// current pretrained model and corrections; else why not.
    fn check(&self, base: u64, digest: u64, n: usize) -> Result<Classifier, String> {
        let state: State = match fs::read(self.state_path()) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is unreadable ({e})", self.state_path().display()))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(format!("{} does not exist", self.state_path().display()))
            }
            Err(e) => return Err(format!("{}: {e}", self.state_path().display())),
        };
        let base_hex = hex(base);
        if state.base != base_hex {
            return Err(format!(
                "the pretrained model changed (it was {}, it is now {base_hex})",
                state.base
            ));
        }
        if state.corrections_digest != hex(digest) || state.corrections != n {
            return Err(format!(
                "{} changed after the personal model was saved",
                self.log_path().display()
            ));
        }
        let path = self.model_path();
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let model = Classifier::read_from(bytes.as_slice())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // A binary model file ends with its fingerprint (see `Classifier::fingerprint`).
        let trailer: [u8; 8] = bytes[bytes.len().saturating_sub(8)..]
            .try_into()
            .unwrap_or_default();
        if state.model != hex(u64::from_le_bytes(trailer)) {
            return Err(format!(
                "{} is not the personal model saved with {}",
                path.display(),
                self.state_path().display()
            ));
        }
        Ok(model)
    }

    /// Saves the personal model and then `personal.json`, both atomically.
    fn save(
        &self,
        model: &Classifier,
        base: u64,
        log: &[u8],
        corrections: usize,
    ) -> Result<(), Failure> {
        model.save(self.model_path())?;
        let state = State {
            base: hex(base),
            corrections,
            corrections_digest: hex(fnv1a(log)),
            model: hex(model.fingerprint()),
        };
        let json = serde_json::to_vec_pretty(&state).map_err(|e| Failure::Input(e.to_string()))?;
        write_atomically(&self.state_path(), &json)
    }

    /// Creates the data directory if needed and checks that files can be created in it, so that
    /// a change is refused before anything is written.
    pub fn ensure_writable(&self) -> Result<(), Failure> {
        let refuse = |e: io::Error| {
            Failure::Input(format!(
                "cannot write to the data directory {}: {e}; nothing was changed (set {HOME_VAR} to a writable directory)",
                self.dir.display()
            ))
        };
        fs::create_dir_all(&self.dir).map_err(refuse)?;
        let probe = self
            .dir
            .join(format!(".nopitch-probe-{}.tmp", std::process::id()));
        File::create(&probe).map_err(refuse)?;
        let _ = fs::remove_file(&probe);
        // Appending to an existing corrections file must work too.
        if self.log_path().exists() {
            OpenOptions::new()
                .append(true)
                .open(self.log_path())
                .map_err(refuse)?;
        }
        Ok(())
    }

    /// Records corrections and saves the personal model that holds them: `corrections.csv` is
    /// appended to and flushed to disk first, then `personal.model` and `personal.json` are
    /// saved atomically. `model` must be the current personal model with `added` learned.
    pub fn commit_learned(
        &self,
        model: &Classifier,
        base: u64,
        added: &[LogEntry],
        total: usize,
    ) -> Result<(), Failure> {
        append_log(&self.log_path(), added)?;
        let log = self.log_bytes()?;
        self.save(model, base, &log, total).map_err(|e| {
            Failure::Input(format!(
                "{}; the correction is safe in {} and the personal model will be rebuilt from it next time",
                message(e),
                self.log_path().display()
            ))
        })
    }

    /// Removes the corrections at `indexes` (0-based, in file order) from `corrections.csv`
    /// (rewritten atomically), then rebuilds and saves the personal model from the others, or
    /// removes it when no corrections are left. Returns the model now in use.
    pub fn commit_unlearned(
        &self,
        corrections: &[Correction],
        indexes: &HashSet<usize>,
    ) -> Result<Classifier, Failure> {
        let remaining: Vec<Correction> = corrections
            .iter()
            .enumerate()
            .filter(|(i, _)| !indexes.contains(i))
            .map(|(_, c)| c.clone())
            .collect();
        let model = replay(&Classifier::pretrained(), &remaining, &self.log_path())?;
        let path = self.log_path();
        // Another nopitch may have appended a correction since this one read the file: then
        // rewriting it would drop that correction.
        let now = parse_corrections(&self.log_bytes()?, &path)?;
        let same = |a: &Correction, b: &Correction| {
            a.example.label() == b.example.label() && a.example.text() == b.example.text()
        };
        if now.len() != corrections.len() || !now.iter().zip(corrections).all(|(a, b)| same(a, b)) {
            return Err(Failure::Input(format!(
                "{} changed while this command ran (another nopitch?); nothing was changed, run it again",
                path.display()
            )));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(&path)
            .map_err(|e| in_file(&path, e))?;
        let headers = reader.headers().map_err(|e| in_file(&path, e))?.clone();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&headers).map_err(|e| in_file(&path, e))?;
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| in_file(&path, e))?;
            if !indexes.contains(&i) {
                w.write_record(&record).map_err(|e| in_file(&path, e))?;
            }
        }
        let bytes = w.into_inner().map_err(|e| in_file(&path, e.error()))?;
        write_atomically(&path, &bytes)?;
        if remaining.is_empty() {
            for file in [self.model_path(), self.state_path()] {
                match fs::remove_file(&file) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(in_file(&file, e)),
                }
            }
        } else {
            self.save(
                &model,
                Classifier::pretrained_fingerprint(),
                &bytes,
                remaining.len(),
            )?;
        }
        Ok(model)
    }

    /// Goes back to the pretrained model: `corrections.csv` is renamed to a timestamped backup
    /// (returned), then the personal model is removed.
    pub fn reset(&self) -> Result<Option<PathBuf>, Failure> {
        let log = self.log_path();
        let backup = if log.exists() {
            let stamp = utc_stamp(SystemTime::now());
            let mut backup = self.dir.join(format!("corrections-{stamp}.csv"));
            let mut n = 1;
            while backup.exists() {
                backup = self.dir.join(format!("corrections-{stamp}-{n}.csv"));
                n += 1;
            }
            fs::rename(&log, &backup).map_err(|e| {
                Failure::Input(format!(
                    "cannot rename {} to {}: {e}; nothing was changed",
                    log.display(),
                    backup.display()
                ))
            })?;
            Some(backup)
        } else {
            None
        };
        for file in [self.model_path(), self.state_path()] {
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(in_file(&file, e)),
            }
        }
        Ok(backup)
    }
}

/// The text of a failure.
pub fn message(f: Failure) -> String {
    match f {
        Failure::Input(m) => m,
        Failure::Stdout(e) => e.to_string(),
    }
}

/// The most times one correction is learned (see [`Classifier::learn_correction`]).
pub const MAX_REPEATS: u32 = nopitch::review::MAX_CORRECTION_REPEATS;

/// The pretrained model with every correction learned in order, each until the note gets its
/// label (at most [`MAX_REPEATS`] times), as `learn` did.
fn replay(
    pretrained: &Classifier,
    corrections: &[Correction],
    log: &Path,
) -> Result<Classifier, Failure> {
    let mut model = pretrained.clone();
    for c in corrections {
        let e = &c.example;
        if !pretrained.labels().iter().any(|l| l == e.label()) {
            return Err(Failure::Input(format!(
                "{}: line {}: unknown label {:?}; the model's labels are {}",
                log.display(),
                e.line().unwrap_or(0),
                e.label(),
                pretrained.labels().join(", ")
            )));
        }
        model
            .learn_correction(e.text(), e.label(), MAX_REPEATS)
            .map_err(|err| {
                Failure::Input(format!(
                    "{}: line {}: {err}",
                    log.display(),
                    e.line().unwrap_or(0)
                ))
            })?;
    }
    Ok(model)
}

/// The corrections in the bytes of a corrections file (`label` and `text` columns; the others
/// are for people). A row that cannot be read is an error naming the file and line.
fn parse_corrections(bytes: &[u8], path: &Path) -> Result<Vec<Correction>, Failure> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    ExampleReader::from_reader(bytes, &CsvOptions::csv())
        .and_then(|r| r.collect::<nopitch::Result<Vec<Example>>>())
        .map(|examples| {
            examples
                .into_iter()
                .map(|example| Correction { example })
                .collect()
        })
        .map_err(|e| in_file(path, e))
}

/// A correction to append to `corrections.csv`.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// The label you gave.
    pub label: String,
    /// The note.
    pub text: String,
    /// What the model said before (its label).
    pub verdict: String,
    /// The fingerprint of the pretrained model, in hex.
    pub base: String,
}

/// Appends entries to a corrections file (writing the header first if it is new) in one write,
/// then flushes it to disk. On failure the file is cut back to its old length.
fn append_log(path: &Path, entries: &[LogEntry]) -> Result<(), Failure> {
    let refuse = |e: &dyn std::fmt::Display| {
        Failure::Input(format!(
            "cannot record the correction in {}: {e}; nothing was changed",
            path.display()
        ))
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(|e| refuse(&e))?;
    let old_len = file.metadata().map_err(|e| refuse(&e))?.len();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut bytes = Vec::new();
    if old_len == 0 {
        w.write_record(LOG_COLUMNS).map_err(|e| refuse(&e))?;
    } else {
        // A file edited by hand may lack its final line end.
        let mut last = [0u8];
        let mut reader = File::open(path).map_err(|e| refuse(&e))?;
        io::Seek::seek(&mut reader, io::SeekFrom::Start(old_len - 1)).map_err(|e| refuse(&e))?;
        reader.read_exact(&mut last).map_err(|e| refuse(&e))?;
        if last[0] != b'\n' {
            bytes.push(b'\n');
        }
    }
    let time = utc_stamp(SystemTime::now());
    for e in entries {
        w.write_record([&e.label, &e.text, &e.verdict, &e.base, &time])
            .map_err(|e| refuse(&e))?;
    }
    bytes.extend(w.into_inner().map_err(|e| refuse(e.error()))?);
    let written = file.write_all(&bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = file.set_len(old_len);
        return Err(refuse(&e));
    }
    if old_len == 0 {
        sync_dir(path);
    }
    Ok(())
}

/// Makes a new directory entry durable (where the platform allows opening a directory).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, renamed over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_atomically_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically what `write` writes, streamed (nothing is held in memory): a
/// temporary file in the same directory, flushed to disk, renamed over `path`. On an error the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut w = io::BufWriter::new(File::create(&tmp)?);
        write(&mut w)?;
        let f = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(in_file(path, e));
    }
    sync_dir(path);
    Ok(())
}

/// A fingerprint as 16 hex digits.
pub fn hex(fingerprint: u64) -> String {
    format!("{fingerprint:016x}")
}

/// A UTC time as `20261206T184800Z` (sorts in time order, safe in file names).
pub fn utc_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        // 2000-02-29 12:34:56 UTC, a leap day.
        let t = UNIX_EPOCH + Duration::from_secs(951_827_696);
        assert_eq!(utc_stamp(t), "20000229T123456Z");
        // 2026-12-31 23:59:59 UTC.
        let t = UNIX_EPOCH + Duration::from_secs(1_798_761_599);
        assert_eq!(utc_stamp(t), "20261231T235959Z");
    }

    #[test]
    fn fnv1a_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
