//! A synthetic LinkedIn `messages.csv` for benchmarks: any number of messages, deterministic,
//! built from the shipped notes (so the model sees text it knows, in fresh combinations).
//!
//! Its shape follows what #16 measured on real exports: about three messages per conversation
//! (half of them a single message), subjects on about a fifth of the openings, HTML in about 2%
//! of messages, long InMails, follow-up chains, prompted one-liners, sponsored messages, group
//! chats, `LinkedIn Member` senders and some mojibake; rows newest first within a conversation,
//! as LinkedIn writes them. Owner: Jordan Ellis.

#![allow(dead_code)]

/// SplitMix64: small and seeded.
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
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] = &[
    "Dana", "Priya", "Marcus", "Helena", "Tom", "Ana", "Ravi", "Grace", "Owen", "Lena", "Samuel",
    "Chloe", "Miguel", "Fatima", "Jonas", "Kayla", "Ethan", "Rachel", "Patrick", "Ingrid",
    "Daniel", "Maria", "Hassan", "Olivia", "Liam", "Zoe", "Victor", "Amara", "Sean", "Emily",
];
const LAST: &[&str] = &[
    "Reyes",
    "Natarajan",
    "Webb",
    "Sorensen",
    "Becker",
    "Ruiz",
    "Menon",
    "Achterberg",
    "Fitzgerald",
    "Fischer",
    "Osei",
    "Park",
    "Santos",
    "Rahman",
    "Berg",
    "Morgan",
    "Liu",
    "Adeyemi",
    "Nolan",
    "Svensson",
    "Kim",
    "Rossi",
    "Ali",
    "Grant",
    "O'Connor",
    "Martin",
    "Petrov",
    "Nwosu",
    "Murphy",
    "Zhang",
];
const FOLLOW_UPS: &[&str] = &[
    "Just bumping this to the top of your inbox.",
    "Circling back on my note above, would next week work?",
    "Did you get a chance to look at my message?",
    "Following up in case this got buried. Happy to send a short summary instead.",
    "Any thoughts on this? I'll close the loop if the timing is wrong.",
];
const PROMPTED: &[&str] = &[
    "Happy birthday, Jordan! 🎂",
    "Congrats on the new role!",
    "Happy work anniversary!",
    "Thanks for the endorsement, Jordan!",
    "Congratulations on the promotion, well deserved.",
];
const REPLIES: &[&str] = &[
    "Thanks! Great to hear from you.",
    "Not interested, thanks.",
    "Sure, send me a few times that work next week.",
    "Thank you, appreciate it!",
    "Let's catch up soon.",
];
const SUBJECTS: &[&str] = &[
    "Quick question",
    "Opportunity at a fast-growing company",
    "Your IT priorities for next year",
    "Introduction",
    "Following up",
];
const AD: &str = "<table><tr><td><img src=\"https://static.example.com/banner.png\"></td></tr><tr><td><p>Hi Jordan,</p><p>See who&rsquo;s viewed your profile and reach hiring managers directly.</p><p><a href=\"https://www.example.com/trial\">Try Premium free for 1 month</a></p><p style=\"font-size:11px\">You are receiving this message as a member. <a href=\"https://www.example.com/unsubscribe\">Unsubscribe</a></p></td></tr></table>";

const HEADER: [&str; 12] = [
    "CONVERSATION ID",
    "CONVERSATION TITLE",
    "FROM",
    "SENDER PROFILE URL",
    "TO",
    "RECIPIENT PROFILE URLS",
    "DATE",
    "SUBJECT",
    "CONTENT",
    "FOLDER",
    "ATTACHMENTS",
    "IS MESSAGE DRAFT",
];

const OWNER: &str = "Jordan Ellis";
const OWNER_URL: &str = "https://www.linkedin.com/in/jordan-ellis-example";

/// UTF-8 read as Latin-1: every byte becomes a character.
fn mojibake(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// `YYYY-MM-DD HH:MM:SS UTC` for seconds since 2024-01-01.
fn date(seconds: u64) -> String {
    let days = seconds / 86_400;
    let (mut year, mut day_of_year) = (2024u64, days);
    loop {
        let len = if year % 4 == 0 { 366 } else { 365 };
        if day_of_year < len {
            break;
        }
        day_of_year -= len;
        year += 1;
    }
    let months = [
        31,
        if year % 4 == 0 { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while day_of_year >= months[month] {
        day_of_year -= months[month];
        month += 1;
    }
    let s = seconds % 86_400;
    format!(
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        month + 1,
        day_of_year + 1,
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// One message of a conversation being built.
struct Row {
    from: String,
    from_url: String,
    to: String,
    to_url: String,
    seconds: u64,
    subject: String,
    content: String,
}

/// A `messages.csv` of exactly `messages` data rows, built from `notes`.
pub fn synthetic_messages_csv(notes: &[String], messages: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut w = csv::Writer::from_writer(Vec::with_capacity(messages * 350));
    w.write_record(HEADER).unwrap();
    let (mut written, mut conversation) = (0usize, 0usize);
    let note = |rng: &mut Rng| notes[rng.below(notes.len())].clone();
    while written < messages {
        conversation += 1;
        let first = FIRST[rng.below(FIRST.len())];
        let last = LAST[rng.below(LAST.len())];
        let member = rng.chance(2);
        let name = if member {
            "LinkedIn Member".to_string()
        } else {
            format!("{first} {last}")
        };
        let url = if member {
            String::new()
        } else {
            format!(
                "https://www.linkedin.com/in/{}-{}-{}",
                first.to_lowercase(),
                last.to_lowercase().replace('\'', ""),
                rng.below(1000)
            )
        };
        let start = (conversation as u64 * 7919) % (700 * 86_400);
        let them = |seconds: u64, subject: String, content: String| Row {
            from: name.clone(),
            from_url: url.clone(),
            to: OWNER.into(),
            to_url: OWNER_URL.into(),
            seconds,
            subject,
            content,
        };
        let me = |seconds: u64, content: String| Row {
            from: OWNER.into(),
            from_url: OWNER_URL.into(),
            to: name.clone(),
            to_url: url.clone(),
            seconds,
            subject: String::new(),
            content,
        };
        let subject = |rng: &mut Rng| {
            if rng.chance(22) {
                SUBJECTS[rng.below(SUBJECTS.len())].to_string()
            } else {
                String::new()
            }
        };
        let mut rows: Vec<Row> = Vec::new();
        let mut title = String::new();
        match rng.below(100) {
            // A single message.
            0..=39 => rows.push(them(start, subject(&mut rng), note(&mut rng))),
            // A pitch and unanswered follow-ups.
            40..=59 => {
                rows.push(them(start, subject(&mut rng), note(&mut rng)));
                for k in 1..=1 + rng.below(3) {
                    let text = FOLLOW_UPS[rng.below(FOLLOW_UPS.len())].to_string();
                    rows.push(them(start + k as u64 * 5 * 86_400, String::new(), text));
                }
            }
            // A conversation.
            60..=74 => {
                rows.push(them(start, subject(&mut rng), note(&mut rng)));
                rows.push(me(
                    start + 3600,
                    REPLIES[rng.below(REPLIES.len())].to_string(),
                ));
                rows.push(them(start + 7200, String::new(), note(&mut rng)));
                if rng.chance(50) {
                    rows.push(me(start + 86_400, note(&mut rng)));
                }
            }
            // A prompted one-liner and thanks.
            75..=84 => {
                rows.push(them(
                    start,
                    String::new(),
                    PROMPTED[rng.below(PROMPTED.len())].into(),
                ));
                rows.push(me(start + 600, REPLIES[3].to_string()));
            }
            // The owner's outreach.
            85..=89 => {
                rows.push(me(start, note(&mut rng)));
                if rng.chance(50) {
                    rows.push(them(start + 86_400, String::new(), REPLIES[2].to_string()));
                }
            }
            // A sponsored message.
            90..=93 => rows.push(Row {
                from: "LinkedIn Premium".into(),
                from_url: String::new(),
                to: OWNER.into(),
                to_url: OWNER_URL.into(),
                seconds: start,
                subject: "Jordan, your free month of Premium is waiting".into(),
                content: AD.into(),
            }),
            // A group chat.
            94..=96 => {
                title = "Introduction".into();
                let other = format!(
                    "{} {}",
                    FIRST[rng.below(FIRST.len())],
                    LAST[rng.below(LAST.len())]
                );
                for k in 0..3u64 {
                    let from = if k == 1 { other.clone() } else { name.clone() };
                    rows.push(Row {
                        to: format!("{OWNER}, {}", if k == 1 { &name } else { &other }),
                        to_url: String::new(),
                        from,
                        from_url: String::new(),
                        seconds: start + k * 3600,
                        subject: String::new(),
                        content: note(&mut rng),
                    });
                }
            }
            // A long InMail.
            _ => {
                let mut text = String::new();
                for _ in 0..4 + rng.below(5) {
                    text.push_str(&note(&mut rng));
                    text.push_str("\n\n");
                }
                rows.push(them(
                    start,
                    SUBJECTS[rng.below(SUBJECTS.len())].into(),
                    text,
                ));
            }
        }
        rows.truncate(messages - written);
        let id = format!("2-c{conversation:08}");
        for row in rows.iter().rev() {
            let content = if rng.chance(2) {
                mojibake(&row.content)
            } else {
                row.content.clone()
            };
            w.write_record([
                id.as_str(),
                &title,
                &row.from,
                &row.from_url,
                &row.to,
                &row.to_url,
                &date(row.seconds),
                &row.subject,
                &content,
                "INBOX",
                "",
                "No",
            ])
            .unwrap();
            written += 1;
        }
    }
    w.into_inner().unwrap()
}
