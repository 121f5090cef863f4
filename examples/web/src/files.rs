//! The files a person drops on the page, sorted into the two CSVs of a LinkedIn export: the ZIP
//! archive LinkedIn mails (its `Invitations.csv` and `messages.csv` found by name, in any folder
//! and any case) and loose CSV files (told apart by their header, as the command does).

#![forbid(unsafe_code)]

use std::io::{Cursor, Read};

use nopitch::linkedin::{ExportFile, InvitationReader, MessageReader};

/// The most bytes one file may have once unzipped: far above any real export (7,000 messages
/// are a few megabytes), and a ZIP bomb stops here instead of filling the browser's memory.
pub const MAX_UNZIPPED_BYTES: u64 = 512 << 20;

/// A file given to the page: its name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedFile {
    /// The name the browser gave (no folder).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// One export CSV, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCsv {
    /// Where it came from, for the page to say: `messages.csv`, or
    /// `Basic_LinkedInDataExport.zip: messages.csv`.
    pub source: String,
    /// The CSV's bytes.
    pub bytes: Vec<u8>,
    /// Whether its name is the export's own (`messages.csv`, `Invitations.csv`, any case).
    named: bool,
}

/// The export's two CSVs (either may be missing, not both), and the files left aside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportCsvs {
    /// `Invitations.csv`.
    pub invitations: Option<ExportCsv>,
    /// `messages.csv`.
    pub messages: Option<ExportCsv>,
    /// Files that are neither, each with the reason (a ZIP's other files are not listed).
    pub ignored: Vec<String>,
}

/// Whether the bytes start like a ZIP archive.
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Which export file a CSV is, from its header (read by the library's own readers, so the page
/// accepts exactly what the command accepts); `Err` says why it is neither.
fn csv_kind(bytes: &[u8]) -> Result<ExportFile, String> {
    if MessageReader::from_reader(bytes).is_ok() {
        return Ok(ExportFile::Messages);
    }
    match InvitationReader::from_reader(bytes) {
        Ok(_) => Ok(ExportFile::Invitations),
        Err(e) => Err(format!(
            "neither LinkedIn's Invitations.csv nor messages.csv ({e})"
        )),
    }
}

impl ExportCsvs {
    /// Sorts the dropped files.
    ///
    /// # Errors
    /// A message for the page when a ZIP cannot be read, when no file is an export CSV (with each
    /// file's reason), or when two files of the same kind both claim to be it.
    pub fn from_files(files: Vec<DroppedFile>) -> Result<ExportCsvs, String> {
        let mut found = ExportCsvs::default();
        for file in files {
            if is_zip(&file.bytes) {
                found.add_zip(file)?;
            } else {
                match csv_kind(&file.bytes) {
                    Ok(kind) => {
                        let named = file.name.eq_ignore_ascii_case(kind.file_name());
                        let csv = ExportCsv {
                            source: file.name,
                            bytes: file.bytes,
                            named,
                        };
                        found.add(kind, csv)?;
                    }
                    Err(why) => found.ignored.push(format!("{}: {why}", file.name)),
                }
            }
        }
        if found.invitations.is_none() && found.messages.is_none() {
            let mut message = String::from(
                "found neither Invitations.csv nor messages.csv: give the ZIP LinkedIn mailed you, or those CSV files",
            );
            for why in &found.ignored {
                message.push_str("\n  ");
                message.push_str(why);
            }
            return Err(message);
        }
        Ok(found)
    }

    /// Keeps `csv` as the file of `kind`. Of two, the one with the export's own name wins (the
    /// other is listed as ignored); two with that name, or two without, are refused.
    fn add(&mut self, kind: ExportFile, csv: ExportCsv) -> Result<(), String> {
        let slot = match kind {
            ExportFile::Invitations => &mut self.invitations,
            ExportFile::Messages => &mut self.messages,
        };
        match slot {
            None => *slot = Some(csv),
            Some(first) if first.named != csv.named => {
                let (kept, other) = if csv.named {
                    (csv, first.clone())
                } else {
                    (first.clone(), csv)
                };
                self.ignored.push(format!(
                    "{}: another {} (using {})",
                    other.source,
                    kind.file_name(),
                    kept.source
                ));
                *slot = Some(kept);
            }
            Some(first) => {
                return Err(format!(
                    "two files are {}: {} and {}; give one of them",
                    kind.file_name(),
                    first.source,
                    csv.source
                ))
            }
        }
        Ok(())
    }

    /// Reads `Invitations.csv` and `messages.csv` from a ZIP archive, wherever they are in it
    /// (the shallowest of each wins); its other files are left alone.
    fn add_zip(&mut self, file: DroppedFile) -> Result<(), String> {
        let bad =
            |e: &dyn std::fmt::Display| format!("{}: not a readable ZIP archive ({e})", file.name);
        let mut archive =
            zip::ZipArchive::new(Cursor::new(&file.bytes[..])).map_err(|e| bad(&e))?;
        // (depth, index) of the entry to read for each kind.
        let mut chosen: [Option<(usize, usize)>; 2] = [None, None];
        for index in 0..archive.len() {
            let Some(Ok(name)) = archive.name_for_index(index) else {
                continue;
            };
            let name = name.replace('\\', "/");
            let base = name.rsplit('/').next().unwrap_or("");
            let depth = name.matches('/').count();
            for (slot, kind) in [ExportFile::Invitations, ExportFile::Messages]
                .into_iter()
                .enumerate()
            {
                if base.eq_ignore_ascii_case(kind.file_name())
                    && chosen[slot].is_none_or(|(d, _)| depth < d)
                {
                    chosen[slot] = Some((depth, index));
                }
            }
        }
        if chosen.iter().all(Option::is_none) {
            self.ignored.push(format!(
                "{}: a ZIP archive without Invitations.csv or messages.csv",
                file.name
            ));
            return Ok(());
        }
        for (slot, kind) in [ExportFile::Invitations, ExportFile::Messages]
            .into_iter()
            .enumerate()
        {
            let Some((_, index)) = chosen[slot] else {
                continue;
            };
            let mut entry = archive.by_index(index).map_err(|e| bad(&e))?;
            let inner = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            let source = format!("{}: {inner}", file.name);
            let mut bytes = Vec::new();
            (&mut entry)
                .take(MAX_UNZIPPED_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("{source}: cannot be unzipped ({e})"))?;
            if bytes.len() as u64 > MAX_UNZIPPED_BYTES {
                return Err(format!(
                    "{source}: larger than {} MiB once unzipped; is this a LinkedIn export?",
                    MAX_UNZIPPED_BYTES >> 20
                ));
            }
            self.add(
                kind,
                ExportCsv {
                    source,
                    bytes,
                    named: true,
                },
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const INVITATIONS: &str = "From,To,Sent At,Message,Direction\n\
        Dana Reyes,Sam Lee,\"1/29/26, 2:37 PM\",\"Save 15% on your SAP licensing, quick call?\",INCOMING\n";
    const MESSAGES: &str = "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n\
        c1,,Dana Reyes,,Sam Lee,2026-01-12 14:05:11 UTC,,We help firms save 15% on licensing. Quick call?,INBOX\n";

    fn file(name: &str, bytes: &[u8]) -> DroppedFile {
        DroppedFile {
            name: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    fn zip_of(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        let method = if deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        for (name, bytes) in entries {
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn loose_csvs_are_told_apart_by_header_whatever_their_names() {
        let found = ExportCsvs::from_files(vec![
            file("a.csv", MESSAGES.as_bytes()),
            file("b.csv", INVITATIONS.as_bytes()),
            file("Connections.csv", b"First Name,Last Name,URL\nA,B,C\n"),
        ])
        .unwrap();
        assert_eq!(found.invitations.unwrap().source, "b.csv");
        assert_eq!(found.messages.unwrap().bytes, MESSAGES.as_bytes());
        assert_eq!(found.ignored.len(), 1);
        assert!(
            found.ignored[0].starts_with("Connections.csv: neither"),
            "{:?}",
            found.ignored
        );
    }

    #[test]
    fn a_zip_gives_its_two_files_from_any_folder_and_in_any_case() {
        for deflate in [true, false] {
            let zip = zip_of(
                &[
                    ("Export/Connections.csv", b"First Name\nA\n"),
                    ("Export/MESSAGES.csv", MESSAGES.as_bytes()),
                    ("Export/guide_messages.csv", MESSAGES.as_bytes()),
                    ("Invitations.csv", INVITATIONS.as_bytes()),
                ],
                deflate,
            );
            let found = ExportCsvs::from_files(vec![file("export.zip", &zip)]).unwrap();
            let invitations = found.invitations.unwrap();
            assert_eq!(invitations.source, "export.zip: Invitations.csv");
            assert_eq!(invitations.bytes, INVITATIONS.as_bytes());
            let messages = found.messages.unwrap();
            assert_eq!(messages.source, "export.zip: Export/MESSAGES.csv");
            assert_eq!(messages.bytes, MESSAGES.as_bytes());
            assert!(found.ignored.is_empty());
        }
    }

    #[test]
    fn the_shallowest_copy_in_a_zip_wins() {
        let other = MESSAGES.replace("c1", "c2");
        let zip = zip_of(
            &[
                ("old/backup/messages.csv", other.as_bytes()),
                ("export/messages.csv", MESSAGES.as_bytes()),
            ],
            true,
        );
        let found = ExportCsvs::from_files(vec![file("e.zip", &zip)]).unwrap();
        assert_eq!(found.messages.unwrap().bytes, MESSAGES.as_bytes());
    }

    #[test]
    fn the_export_name_wins_over_another_file_of_the_same_kind() {
        let found = ExportCsvs::from_files(vec![
            file("guide_messages.csv", MESSAGES.as_bytes()),
            file("messages.csv", MESSAGES.as_bytes()),
        ])
        .unwrap();
        assert_eq!(found.messages.unwrap().source, "messages.csv");
        assert_eq!(
            found.ignored,
            ["guide_messages.csv: another messages.csv (using messages.csv)"]
        );
    }

    #[test]
    fn two_files_of_one_kind_are_refused_naming_both() {
        let e = ExportCsvs::from_files(vec![
            file("a.csv", INVITATIONS.as_bytes()),
            file("b.csv", INVITATIONS.as_bytes()),
        ])
        .unwrap_err();
        assert_eq!(
            e,
            "two files are Invitations.csv: a.csv and b.csv; give one of them"
        );
        let zip = zip_of(&[("Invitations.csv", INVITATIONS.as_bytes())], true);
        let e = ExportCsvs::from_files(vec![
            file("Invitations.csv", INVITATIONS.as_bytes()),
            file("export.zip", &zip),
        ])
        .unwrap_err();
        assert!(
            e.contains("Invitations.csv and export.zip: Invitations.csv"),
            "{e}"
        );
    }

    #[test]
    fn nothing_usable_is_an_error_that_gives_each_files_reason() {
        let zip = zip_of(&[("Profile.csv", b"First Name\nA\n")], true);
        let e = ExportCsvs::from_files(vec![file("notes.txt", b"hello"), file("other.zip", &zip)])
            .unwrap_err();
        assert!(
            e.starts_with("found neither Invitations.csv nor messages.csv"),
            "{e}"
        );
        assert!(e.contains("\n  notes.txt: neither"), "{e}");
        assert!(e.contains("\n  other.zip: a ZIP archive without"), "{e}");
        assert!(ExportCsvs::from_files(Vec::new()).is_err());
    }

    #[test]
    fn a_damaged_zip_is_refused_without_panicking() {
        let zip = zip_of(&[("messages.csv", MESSAGES.as_bytes())], true);
        for cut in [4, 30, zip.len() / 2, zip.len() - 10] {
            let r = ExportCsvs::from_files(vec![file("cut.zip", &zip[..cut])]);
            assert!(r.is_err() || r.unwrap().messages.is_some());
        }
        let mut flipped = zip.clone();
        for b in flipped.iter_mut().skip(40).take(20) {
            *b ^= 0x5a;
        }
        let _ = ExportCsvs::from_files(vec![file("flipped.zip", &flipped)]);
    }
}
