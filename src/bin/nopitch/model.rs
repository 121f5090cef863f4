//! `nopitch model`: which model is used; `--reset` goes back to the pretrained one.

use std::io::Write;

use crate::store::{self, hex, plural, Source, Store, HOME_VAR};
use crate::{outln, usage_error, ChosenModel, Failure, Via};

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Without options, shows the model nopitch uses: your personal model (the pretrained model plus
your corrections), the pretrained model, or a file named with --model or NOPITCH_MODEL.
With --reset, goes back to the pretrained model: your corrections file is kept as a backup with
a timestamped name (learn it again with `nopitch learn BACKUP`).")]
pub struct Args {
    /// Go back to the pretrained model (your corrections are kept in a backup file).
    #[arg(long)]
    reset: bool,
}

pub fn run(args: &Args, chosen: Option<&ChosenModel>, out: &mut impl Write) -> Result<(), Failure> {
    if args.reset {
        if let Some(chosen) = chosen {
            usage_error("model", match chosen.via {
                Via::Option => "--reset goes back from your personal model to the pretrained one; it does not apply to a file named with --model",
                Via::Env => "--reset goes back from your personal model to the pretrained one, but NOPITCH_MODEL names another model file: unset it first",
            });
        }
        return reset(out);
    }
    let loaded = store::load(chosen)?;
    eprintln!("{}", loaded.source.describe());
    let clf = &loaded.classifier;
    match &loaded.source {
        Source::File(chosen) => {
            outln!(out, "model: {}", chosen.path.display());
            outln!(out, "  fingerprint: {}", hex(clf.fingerprint()));
            outln!(
                out,
                "  a model file you name is used as it is: learn and unlearn change it in place, without a corrections file"
            );
        }
        Source::Personal {
            store,
            corrections,
            base,
        } => {
            outln!(out, "model: personal");
            outln!(out, "  file: {}", store.model_path().display());
            outln!(out, "  fingerprint: {}", hex(clf.fingerprint()));
            outln!(
                out,
                "  based on: the pretrained model {} (the one in this nopitch)",
                hex(*base)
            );
            outln!(
                out,
                "  corrections: {} in {}",
                corrections.len(),
                store.log_path().display()
            );
            outln!(
                out,
                "  data directory: {} (set {HOME_VAR} to move it)",
                store.dir.display()
            );
        }
        Source::Pretrained { store } => {
            outln!(out, "model: pretrained (built into nopitch)");
            outln!(out, "  fingerprint: {}", hex(clf.fingerprint()));
            outln!(
                out,
                "  corrections: none (`nopitch learn` starts your personal model)"
            );
            match store {
                Some(store) => outln!(
                    out,
                    "  data directory: {} (set {HOME_VAR} to move it)",
                    store.dir.display()
                ),
                None => outln!(out, "  data directory: none found (set {HOME_VAR})"),
            }
        }
    }
    outln!(
        out,
        "  labels: {}; {} features",
        clf.labels().join(", "),
        clf.n_features()
    );
    Ok(())
}

fn reset(out: &mut impl Write) -> Result<(), Failure> {
    let store = Store::locate().map_err(Failure::Input)?;
    let has_personal = store.log_path().exists() || store.model_path().exists();
    if !has_personal {
        outln!(out, "already using the pretrained model: nothing to reset");
        return Ok(());
    }
    store.ensure_writable()?;
    // Counted before the reset, for the message; a file broken by hand is still backed up.
    let count = store.count_corrections();
    match store.reset()? {
        Some(backup) => {
            outln!(out, "back to the pretrained model");
            let what = match count {
                Some(n) => format!("your {}", plural(n, "correction")),
                None => "your corrections".to_string(),
            };
            outln!(
                out,
                "kept {what} in {} (learn them again with: nopitch learn {})",
                backup.display(),
                backup.display()
            );
        }
        None => outln!(
            out,
            "back to the pretrained model (there were no corrections)"
        ),
    }
    Ok(())
}
