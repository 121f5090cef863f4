//! Hostile input: a seeded, bounded property test that no public entry point panics on any
//! text, CSV bytes or model bytes (arbitrary Unicode, huge strings, control characters, mixed and
//! right-to-left scripts, invalid UTF-8 made lossy, corrupt and bit-flipped models).

use nopitch::linkedin::{
    triage, triage_messages, ConversationJudge, InvitationReader, LabelledConversationReader,
};
use nopitch::{Classifier, CsvOptions, Example, ExampleReader, Trainer, TriagePolicy};

/// SplitMix64: a tiny seeded generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Character pools: (first, last) code points.
const POOLS: &[(u32, u32)] = &[
    (0x20, 0x7E),       // printable ASCII
    (0x00, 0x1F),       // control characters
    (0xA0, 0x24F),      // Latin-1 and Latin Extended
    (0x300, 0x36F),     // combining diacritics
    (0x370, 0x3FF),     // Greek
    (0x400, 0x4FF),     // Cyrillic
    (0x590, 0x5FF),     // Hebrew (right to left)
    (0x600, 0x6FF),     // Arabic (right to left)
    (0x900, 0x97F),     // Devanagari
    (0x200B, 0x200F),   // zero-width characters and direction marks
    (0x202A, 0x202E),   // bidi embeddings and overrides
    (0x2000, 0x206F),   // general punctuation
    (0x20A0, 0x20BF),   // currency symbols
    (0x3040, 0x30FF),   // kana
    (0x4E00, 0x4FFF),   // CJK
    (0xAC00, 0xAFFF),   // Hangul
    (0xFE00, 0xFE0F),   // variation selectors
    (0xFF00, 0xFFEF),   // fullwidth forms
    (0xFFF0, 0xFFFF),   // specials, noncharacters
    (0x1D400, 0x1D7FF), // mathematical alphanumerics
    (0x1F1E6, 0x1F1FF), // regional indicators
    (0x1F300, 0x1FAFF), // emoji
    (0xE0000, 0xE007F), // tags
    (0x10FFF0, 0x10FFFF),
];

const FRAGMENTS: &[&str] = &[
    "$",
    "€5k",
    "15%",
    " percent",
    "http://",
    "www.",
    ".com",
    "@",
    "+1 (555) ",
    "123-4567",
    "s a l e ",
    "f.r.e.e",
    "'",
    "\"",
    ",",
    "\n",
    "\r\n",
    "\t",
    "-",
    "...",
    "!!!",
    "👨‍👩‍👧",
    "🙌🏽",
    "İ",
    "ß",
    "ﬁ",
    "Σ",
    "USD 1,000",
    "rs. 500",
    "0",
    "9999999999999999999999",
    "e.g.",
    "a",
    "I'd",
    "&",
    "<url>",
];

fn random_text(rng: &mut Rng, max_len: usize) -> String {
    let len = rng.below(max_len + 1);
    let mut s = String::new();
    while s.chars().count() < len {
        if rng.below(4) == 0 {
            let fragment: &&str = rng.pick(FRAGMENTS);
            s.push_str(fragment);
        } else {
            let (lo, hi) = *rng.pick(POOLS);
            let run = 1 + rng.below(12);
            for _ in 0..run {
                let c = char::from_u32(lo + rng.below((hi - lo + 1) as usize) as u32)
                    .unwrap_or('\u{FFFD}');
                s.push(c);
            }
        }
    }
    s
}

fn random_bytes(rng: &mut Rng, max_len: usize) -> Vec<u8> {
    let len = rng.below(max_len + 1);
    (0..len).map(|_| rng.next() as u8).collect()
}

/// Invalid UTF-8 (lone surrogates, truncated sequences) made lossy, as a host would.
fn lossy(rng: &mut Rng) -> String {
    let mut bytes = random_bytes(rng, 64);
    bytes.extend_from_slice(b"\xED\xA0\x80 \xF0\x9F\x98 \xC0\xAF");
    String::from_utf8_lossy(&bytes).into_owned()
}

fn huge_texts() -> Vec<String> {
    let mb = 1 << 20;
    vec![
        "a".repeat(mb),
        "s a l e ".repeat(mb / 8),
        "1".repeat(mb),
        "1 ".repeat(mb / 2),
        ".".repeat(mb),
        "$".repeat(mb),
        "http://x".repeat(mb / 8),
        "ab@".repeat(mb / 3),
        "\u{301}".repeat(mb / 2),
        "🙌".repeat(mb / 4),
        "\u{200B}".repeat(mb / 3),
        "Save 15% on your SAP licensing! ".repeat(mb / 32),
    ]
}

fn check_prediction(clf: &Classifier, text: &str) {
    let p = clf.classify(text);
    let total: f64 = p.probabilities().map(|(_, v)| v).sum();
    assert!(
        (total - 1.0).abs() < 1e-9,
        "probabilities sum to {total} for {text:?}"
    );
    assert!(p
        .probabilities()
        .all(|(_, v)| v.is_finite() && (0.0..=1.0).contains(&v)));
    assert!(p.log_likelihoods().all(|(_, v)| v.is_finite()));
    for e in p.evidence(text, 10) {
        assert!(e.weight.is_finite());
        // Spans slice the text as given, on character boundaries, whatever it holds.
        for span in &e.spans {
            assert!(
                text.get(span.clone()).is_some_and(|s| !s.is_empty()),
                "span {span:?} of {text:?}"
            );
        }
        assert_eq!(text.get(e.spans[0].clone()), Some(e.text.as_str()));
    }
    let _ = p.is_unsure();
    if let Ok(v) = TriagePolicy::default().verdict(&p) {
        assert!(v.confidence.is_finite());
    }
}

#[test]
fn classify_never_panics_on_any_text() {
    let clf = Classifier::pretrained();
    let mut rng = Rng(0x5EED_0001);
    for _ in 0..3000 {
        let text = random_text(&mut rng, 200);
        check_prediction(&clf, &text);
    }
    for _ in 0..200 {
        check_prediction(&clf, &lossy(&mut rng));
    }
    for text in huge_texts() {
        check_prediction(&clf, &text);
    }
}

#[test]
fn training_never_panics_and_models_stay_usable() {
    let mut rng = Rng(0x5EED_0002);
    let labels = [
        "sales",
        "known-contact",
        "x",
        "🙌",
        "a b",
        "Ünïcödé",
        "\u{200B}",
    ];
    for round in 0..60 {
        let n = rng.below(30);
        let examples: Vec<Example> = (0..n)
            .map(|_| Example::new(random_text(&mut rng, 80), *rng.pick(&labels)))
            .collect();
        let trainer = Trainer::new()
            .ngram_range(1, 1 + rng.below(3))
            .min_count(1 + rng.below(2) as u64);
        let Ok(mut clf) = trainer.fit(&examples) else {
            continue;
        };
        for _ in 0..20 {
            check_prediction(&clf, &random_text(&mut rng, 100));
        }
        let text = random_text(&mut rng, 60);
        let label = *rng.pick(&labels);
        if clf.learn(&text, label).is_ok() {
            check_prediction(&clf, &text);
            let _ = clf.unlearn(&text, label);
        }
        let _ = clf.unlearn(&random_text(&mut rng, 60), label);
        let mut bytes = Vec::new();
        clf.write_to(&mut bytes).unwrap();
        let back = Classifier::read_from(bytes.as_slice())
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(back, clf);
    }
}

#[test]
fn csv_loading_never_panics() {
    let mut rng = Rng(0x5EED_0003);
    let options = [
        CsvOptions::csv(),
        CsvOptions::tsv(),
        CsvOptions::csv().allow_empty_text(true),
    ];
    for _ in 0..500 {
        let mut data: Vec<u8> = match rng.below(3) {
            0 => random_bytes(&mut rng, 300),
            1 => random_text(&mut rng, 300).into_bytes(),
            _ => {
                let mut s = String::from("text,label\n");
                for _ in 0..rng.below(10) {
                    s.push_str(&random_text(&mut rng, 40));
                    let sep: &&str = rng.pick(&[",", "\t", "\n", "\"", ",sales\n"]);
                    s.push_str(sep);
                }
                s.into_bytes()
            }
        };
        if rng.below(2) == 0 {
            data.splice(0..0, *b"From,To,Sent At,Message,Direction\n");
        }
        for o in &options {
            if let Ok(reader) = ExampleReader::from_reader(data.as_slice(), o) {
                let _: Vec<_> = reader.collect();
            }
        }
        if let Ok(reader) = InvitationReader::from_reader(data.as_slice()) {
            let _: Vec<_> = reader.collect();
        }
    }
}

#[test]
fn export_readers_and_triage_never_panic() {
    let mut rng = Rng(0x5EED_0E1F);
    let clf = small_model();
    let judge = ConversationJudge::new(&clf, &TriagePolicy::default()).unwrap();
    let pieces = [
        ",",
        "\"",
        "\n",
        "\r\n",
        "\"\"",
        "<p>",
        "</p>",
        "<a href=x>",
        "&amp;",
        "&#x1F600;",
        "Ã©",
        "â€™",
        "ðŸ˜€",
        "2024-01-02 10:00:00 UTC",
        "1/2/24, 9:00 AM",
        "INCOMING",
        "OUTGOING",
        "LinkedIn Member",
        "LinkedIn Premium",
        "owner",
        "sales",
        "c1",
        "c2",
        "Sam Lee",
        "Happy birthday!",
        "Just bumping this",
        "Unsubscribe",
    ];
    let (mut conversations, mut damaged) = (0, 0);
    for _ in 0..300 {
        let header: &&str = rng.pick(&[
            "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER\n",
            "CONVERSATION ID,FROM,TO,DATE,CONTENT\n",
            "From,To,Sent At,Message,Direction\n",
            "conversation,label,kind,sender,day,subject,text\n",
        ]);
        let mut data = String::from(*header);
        let width = header.split(',').count();
        for _ in 0..rng.below(12) {
            // Rows of about the header's width, fields random, quoting mostly right.
            let fields = match rng.below(8) {
                0 => width + 1,
                1 => width - 1,
                _ => width,
            };
            for f in 0..fields {
                if f > 0 {
                    data.push(',');
                }
                let mut field = String::new();
                for _ in 0..rng.below(4) {
                    if rng.below(3) == 0 {
                        field.push_str(&random_text(&mut rng, 12));
                    } else {
                        let piece: &&str = rng.pick(&pieces);
                        field.push_str(piece);
                    }
                }
                match rng.below(10) {
                    0 => data.push_str(&field),
                    1 => {
                        data.push('"');
                        data.push_str(&field);
                    }
                    _ => {
                        data.push('"');
                        data.push_str(&field.replace('"', "\"\""));
                        data.push('"');
                    }
                }
            }
            data.push_str(if rng.below(2) == 0 { "\n" } else { "\r\n" });
        }
        let bytes = data.into_bytes();
        if let Ok(reader) = InvitationReader::from_reader(bytes.as_slice()) {
            let rows = triage(reader, &clf, &TriagePolicy::default()).unwrap();
            let _ = rows.len();
        }
        if let Ok(inbox) = triage_messages(std::io::Cursor::new(&bytes), None, &judge) {
            let read: usize = inbox.conversations.iter().map(|c| c.messages).sum();
            assert_eq!(read as u64 + inbox.unreadable.len() as u64, inbox.rows);
            conversations += inbox.conversations.len();
            damaged += inbox.unreadable.len();
        }
        if let Ok(reader) = LabelledConversationReader::from_reader(bytes.as_slice()) {
            let _: Vec<_> = reader.collect();
        }
    }
    // The generator reaches both paths.
    assert!(
        conversations > 50 && damaged > 50,
        "{conversations} {damaged}"
    );
}

fn small_model() -> Classifier {
    let ex = vec![
        Example::new("Save 15% on your SAP licensing this quarter", "sales"),
        Example::new(
            "Great working with you at Acme, stay in touch",
            "known-contact",
        ),
        Example::new("Hey cuz, mum says hi", "personal"),
    ];
    Trainer::new().fit(&ex).unwrap()
}

fn try_load(bytes: &[u8]) {
    if let Ok(clf) = Classifier::read_from(bytes) {
        check_prediction(&clf, "save 15% great working with you hey cuz");
    }
}

/// Random bytes, every truncation, and thousands of small mutations of a valid model file.
fn mutate_and_load(rng: &mut Rng, valid: &[u8]) {
    for _ in 0..300 {
        try_load(&random_bytes(rng, 200));
    }
    for cut in (0..valid.len()).step_by(7) {
        try_load(&valid[..cut]);
    }
    for _ in 0..2000 {
        let mut bytes = valid.to_vec();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[i] ^= 1 << rng.below(8),
                1 => bytes[i] = *rng.pick(b"0123456789-,[]{}\":.eE"),
                _ => {
                    let junk: &&str = rng.pick(&[
                        "18446744073709551615",
                        "-1",
                        "1e999",
                        "NaN",
                        "null",
                        "[]",
                        "{}",
                        "9999999999",
                    ]);
                    bytes.splice(i..i, junk.bytes());
                }
            }
        }
        try_load(&bytes);
    }
}

#[test]
fn model_loading_never_panics() {
    let mut rng = Rng(0x5EED_0004);
    let mut json = Vec::new();
    small_model().write_json_to(&mut json).unwrap();
    let mut binary = Vec::new();
    small_model().write_to(&mut binary).unwrap();
    mutate_and_load(&mut rng, &json);
    mutate_and_load(&mut rng, &binary);
    // Deep nesting and a huge claimed number are refused without a stack overflow or allocation.
    try_load("[".repeat(100_000).as_bytes());
    let text = String::from_utf8(json).unwrap();
    try_load(
        text.replacen("\"counts\":[", "\"counts\":[18446744073709551615,0,1,", 1)
            .as_bytes(),
    );
}
