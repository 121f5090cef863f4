//! LinkedIn's data export: the invitations you received (`Invitations.csv`), your inbox
//! (`messages.csv`), and the whole export folder with the two joined by person.
//!
//! | what | read | judge | triage |
//! |---|---|---|---|
//! | invitations | [`InvitationReader`] | the note, with a [`TriagePolicy`](crate::TriagePolicy) | [`triage`] |
//! | messages | [`MessageReader`], grouped by [`ConversationReader`] | [`ConversationJudge`] on [`conversation_text`] and rules | [`triage_messages`] |
//! | an export folder | [`ExportFiles::find`] | both, joined | [`triage_export_dir`] |
//!
//! The files a person reviews and corrects are written by
//! [`review::write_invitations`](crate::review::write_invitations) and
//! [`review::write_conversations`](crate::review::write_conversations).
//! | labelled conversations | [`LabelledConversationReader`] | | [`evaluate_conversations`], [`conversation_examples`] |
//!
//! Every reader finds columns by name, reports damaged records by line and goes on
//! ([`Record::Damaged`]); the triage keeps every row.
//!
//! ```
//! use nopitch::linkedin::{triage, InvitationReader, Triage};
//! use nopitch::{Classifier, TriagePolicy};
//! let export = "From,To,Sent At,Message,Direction\n\
//!               Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",\"Save 15% on your SAP licensing, quick call?\",INCOMING\n\
//!               Ana Li,Sam Lee,\"1/30/26, 9:05 AM\",,INCOMING\n";
//! let reader = InvitationReader::from_reader(export.as_bytes())?;
//! let rows = triage(reader, &Classifier::pretrained(), &TriagePolicy::default())?;
//! assert!(matches!(&rows[0].triage, Triage::Judged(v, _) if v.category.label() == "sales"));
//! assert!(matches!(rows[1].triage, Triage::NoNote));
//! # Ok::<(), nopitch::Error>(())
//! ```

mod conversations;
mod cues;
mod export;
mod html;
mod inbox;
mod invitations;
mod labelled;
mod messages;
mod mojibake;
mod records;
mod verdict;

pub use conversations::{
    find_owner, person_key, profile_key, recipients, split_names, Conversation, ConversationReader,
    Owner, OwnerSource, LINKEDIN_MEMBER,
};
pub use export::{
    export_file_kind, triage_export, triage_export_dir, triage_export_readers, triage_export_with,
    ConversationLink, ExportFile, ExportFiles, ExportInvitation, ExportTriage, InvitationVerdict,
    InvitationsTriage, JoinedBy, VerdictSource,
};
pub use html::{html_to_text, Markup};
pub use inbox::{
    evidence_text, triage_messages, triage_messages_file, InboxTriage, TriagedConversation,
    OWNER_SEARCH_MAX_CONVERSATIONS,
};
pub use invitations::{
    triage, Direction, Invitation, InvitationReader, Triage, TriagedInvitation,
    EVIDENCE_PER_INVITATION, REQUIRED_COLUMNS,
};
pub use labelled::{
    conversation_examples, evaluate_conversations, read_labelled_conversations,
    ConversationEvaluation, LabelledConversation, LabelledConversationReader, LabelledMessage,
    LABELLED_COLUMNS, MACRO_F1_CATEGORIES, OPTIONAL_LABELLED_COLUMNS, OWNER_SENDER,
};
pub use messages::{
    parse_timestamp, Message, MessageReader, MESSAGE_COLUMNS, OPTIONAL_MESSAGE_COLUMNS,
};
pub use mojibake::repair_mojibake;
pub use records::{Damage, DamagedRecord, Record};
pub use verdict::{
    conversation_text, ConversationCategory, ConversationJudge, ConversationVerdict, Turn,
    EVIDENCE_PER_CONVERSATION, FOLLOW_UP_MIN_GAP_DAYS, LATER_MAX_CHARS, LATER_MAX_MESSAGES,
    OPENING_MAX_CHARS, PROMPTED_CONFIDENCE,
};
