//! Any bytes as labelled CSV/TSV, as a LinkedIn invitations or messages export, or as labelled
//! conversations.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nopitch::linkedin::{
    ConversationReader, InvitationReader, LabelledConversationReader, MessageReader,
};
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
    if let Ok(reader) = MessageReader::from_reader(data) {
        for conversation in ConversationReader::new(reader) {
            let _ = conversation;
        }
    }
    if let Ok(reader) = LabelledConversationReader::from_reader(data) {
        for conversation in reader {
            let _ = conversation;
        }
    }
});
