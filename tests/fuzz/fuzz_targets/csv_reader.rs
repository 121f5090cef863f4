//! Any bytes as labelled CSV/TSV or as a LinkedIn invitations export.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nopitch::linkedin::InvitationReader;
use nopitch::{CsvOptions, ExampleReader};

fuzz_target!(|data: &[u8]| {
    for options in [CsvOptions::csv(), CsvOptions::tsv()] {
        if let Ok(reader) = ExampleReader::from_reader(data, &options) {
            for example in reader {
                let _ = example;
            }
        }
    }
    if let Ok(reader) = InvitationReader::from_reader(data) {
        for invitation in reader {
            let _ = invitation;
        }
    }
});
