//! The fast classify path gives, bit for bit, what the plain algorithm gives: a reference
//! classifier written here from the model's JSON export (plain hash maps, the documented formulas,
//! the Snowball stemmer called directly) is compared with `Classifier::classify` on the shipped
//! data, on notes a model was trained without, on generated text, and on the SMS Spam Collection
//! when `../shared` has it. Labels, probabilities and log-likelihoods must be identical.

use std::collections::HashMap;
use std::path::PathBuf;

use nopitch::text::Analyzer;
use nopitch::{stratified_split, Classifier, CsvOptions, Example, ExampleReader, Trainer};
use serde_json::Value;

/// A classifier computed the plain way from a model's JSON export.
struct Reference {
    analyzer: Analyzer,
    stemmer: Option<rust_stemmers::Stemmer>,
    ngram_range: (usize, usize),
    labels: Vec<String>,
    term_of_stem: HashMap<String, u32>,
    term_of_raw: HashMap<String, u32>,
    feature_of: HashMap<Vec<u32>, usize>,
    /// `weights[f][c]`, as the module docs of naive_bayes define them.
    weights: Vec<Vec<f64>>,
    per_token: Vec<f64>,
    bias: Vec<f64>,
    temperature: f64,
}

impl Reference {
    fn new(clf: &Classifier) -> Reference {
        let mut json = Vec::new();
        clf.write_json_to(&mut json).unwrap();
        let m: Value = serde_json::from_slice(&json).unwrap();
        let settings = &m["settings"];
        let language = settings["language"].as_str().unwrap().to_string();
        let stemmer = match language.as_str() {
            "english" => Some(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::English,
            )),
            "none" => None,
            other => panic!("the reference knows English and none, not {other}"),
        };
        let range = &settings["features"]["ngram_range"];
        let ngram_range = (
            range[0].as_u64().unwrap() as usize,
            range[1].as_u64().unwrap() as usize,
        );
        let nb = &settings["naive_bayes"];
        let alpha = nb["alpha"].as_f64().unwrap();
        let complement = nb["kind"].as_str().unwrap() == "complement";
        let uniform = nb["priors"].as_str().unwrap() == "uniform";
        let labels: Vec<String> = m["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        let k = labels.len();
        let docs: Vec<u64> = m["class_docs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_u64().unwrap())
            .collect();
        let mut term_of_stem = HashMap::new();
        for (i, t) in m["terms"].as_array().unwrap().iter().enumerate() {
            term_of_stem.insert(t[0].as_str().unwrap().to_string(), i as u32);
        }
        let mut term_of_raw = HashMap::new();
        for r in m["raw_forms"].as_array().unwrap() {
            term_of_raw.insert(
                r[0].as_str().unwrap().to_string(),
                r[1].as_u64().unwrap() as u32,
            );
        }
        let mut feature_of = HashMap::new();
        for (i, f) in m["features"].as_array().unwrap().iter().enumerate() {
            let ngram: Vec<u32> = f
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_u64().unwrap() as u32)
                .collect();
            feature_of.insert(ngram, i);
        }
        let v = feature_of.len();
        let mut counts = vec![vec![0u64; k]; v];
        for t in m["counts"].as_array().unwrap().chunks(3) {
            let (f, c, n) = (
                t[0].as_u64().unwrap() as usize,
                t[1].as_u64().unwrap() as usize,
                t[2].as_u64().unwrap(),
            );
            counts[f][c] = n;
        }
        let ln = |n: u64| (n as f64 + alpha).ln();
        let weights: Vec<Vec<f64>> = counts
            .iter()
            .map(|row| {
                let total: u64 = row.iter().sum();
                row.iter()
                    .map(|&n| if complement { -ln(total - n) } else { ln(n) })
                    .collect()
            })
            .collect();
        let mut class_tokens = vec![0u64; k];
        for row in &counts {
            for (t, n) in class_tokens.iter_mut().zip(row) {
                *t += n;
            }
        }
        let all_tokens: u64 = class_tokens.iter().sum();
        let n_docs: u64 = docs.iter().sum();
        let per_token = class_tokens
            .iter()
            .map(|&t| {
                if complement {
                    -(((all_tokens - t) as f64) + alpha * v as f64).ln()
                } else {
                    (t as f64 + alpha * v as f64).ln()
                }
            })
            .collect();
        let bias = docs
            .iter()
            .map(|&d| {
                if complement {
                    0.0
                } else if uniform {
                    -((k as f64).ln())
                } else {
                    ((d as f64).max(1e-9) / (n_docs.max(1) as f64)).ln()
                }
            })
            .collect();
        Reference {
            analyzer: Analyzer::new(clf.settings().language),
            stemmer,
            ngram_range,
            labels,
            term_of_stem,
            term_of_raw,
            feature_of,
            weights,
            per_token,
            bias,
            temperature: m["temperature"].as_f64().unwrap(),
        }
    }

    /// The term of each token (`None` for unknown): the stemming cache, else the stem.
    fn terms(&self, text: &str) -> Vec<Option<u32>> {
        self.analyzer
            .tokens(text)
            .iter()
            .map(|token| {
                self.term_of_raw.get(token).copied().or_else(|| {
                    let stem = match &self.stemmer {
                        Some(s) => s.stem(token).into_owned(),
                        None => token.clone(),
                    };
                    // The library keeps a word whose stem would be empty.
                    let stem = if stem.is_empty() { token.clone() } else { stem };
                    self.term_of_stem.get(&stem).copied()
                })
            })
            .collect()
    }

    /// Label, probabilities and joint log-likelihoods.
    fn classify(&self, text: &str) -> (String, Vec<f64>, Vec<f64>) {
        let terms = self.terms(text);
        let k = self.labels.len();
        let mut scores = vec![0.0f64; k];
        let mut n = 0u64;
        for len in self.ngram_range.0..=self.ngram_range.1 {
            for window in terms.windows(len) {
                let Some(ngram) = window.iter().copied().collect::<Option<Vec<u32>>>() else {
                    continue;
                };
                if let Some(&f) = self.feature_of.get(&ngram) {
                    for (s, w) in scores.iter_mut().zip(&self.weights[f]) {
                        *s += w;
                    }
                    n += 1;
                }
            }
        }
        for ((s, b), d) in scores.iter_mut().zip(&self.bias).zip(&self.per_token) {
            *s += b - n as f64 * d;
        }
        let mut best = 0;
        for c in 0..k {
            if scores[c] > scores[best] {
                best = c;
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut probs: Vec<f64> = scores
            .iter()
            .map(|s| ((s - max) / self.temperature).exp())
            .collect();
        let sum: f64 = probs.iter().sum();
        if sum.is_finite() && sum > 0.0 {
            probs.iter_mut().for_each(|p| *p /= sum);
        } else {
            probs.iter_mut().for_each(|p| *p = 1.0 / k as f64);
        }
        (self.labels[best].clone(), probs, scores)
    }
}

fn bits(xs: impl IntoIterator<Item = f64>) -> Vec<u64> {
    xs.into_iter().map(f64::to_bits).collect()
}

/// Compares the classifier with the reference on every text; returns how many were compared.
fn compare(clf: &Classifier, texts: &[String], what: &str) -> usize {
    let reference = Reference::new(clf);
    for text in texts {
        let p = clf.classify(text);
        let (label, probs, scores) = reference.classify(text);
        assert_eq!(p.label(), label, "{what}: label of {text:?}");
        assert_eq!(
            bits(p.probabilities().map(|(_, v)| v)),
            bits(probs),
            "{what}: probabilities of {text:?}"
        );
        assert_eq!(
            bits(p.log_likelihoods().map(|(_, v)| v)),
            bits(scores),
            "{what}: log-likelihoods of {text:?}"
        );
    }
    texts.len()
}

/// The shipped notes as labelled examples.
fn shipped_examples() -> Vec<Example> {
    ExampleReader::from_path(
        format!(
            "{}/datasets/connection_requests.csv",
            env!("CARGO_MANIFEST_DIR")
        ),
        &CsvOptions::csv(),
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn csv_texts(file: &str, column: usize) -> Vec<String> {
    let path = format!("{}/datasets/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap()[column].to_string())
        .collect()
}

/// Seeded text the models have never seen: words of the notes shuffled and cut, misspelt,
/// glued to numbers and symbols, and strings of random characters.
fn generated(seed_texts: &[String], n: usize) -> Vec<String> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = |m: usize| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % m.max(1) as u64) as usize
    };
    let words: Vec<&str> = seed_texts
        .iter()
        .flat_map(|t| t.split_whitespace())
        .collect();
    let extras = [
        "Zorblatt",
        "qwxy",
        "$5k",
        "15%",
        "acme.io",
        "jo@x.co",
        "—",
        "’s",
        "🙌",
        "s a l e",
        "I'd",
        "re-org",
        "2024",
        "+1 555 123 4567",
        "ｆｒｅｅ",
        "dеmо",
        "x",
        "a",
        "'tis",
    ];
    (0..n)
        .map(|_| {
            let len = 1 + next(40);
            let mut out = Vec::new();
            for _ in 0..len {
                let w = match next(10) {
                    0 => extras[next(extras.len())].to_string(),
                    1 => {
                        // A misspelling: one letter dropped.
                        let w = words[next(words.len())];
                        let cut = next(w.len().max(1));
                        w.char_indices()
                            .filter(|&(i, _)| i != cut)
                            .map(|(_, c)| c)
                            .collect()
                    }
                    2 => (0..1 + next(8))
                        .map(|_| char::from_u32(0x61 + next(26) as u32).unwrap_or('a'))
                        .collect(),
                    _ => words[next(words.len())].to_string(),
                };
                out.push(w);
            }
            out.join(" ")
        })
        .collect()
}

fn sms_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("NOPITCH_SMS") {
        return Some(PathBuf::from(p));
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/datasets/sms_spam_collection.tsv"))
        .find(|p| p.is_file())
}

#[test]
fn pretrained_fast_path_equals_the_reference() {
    let clf = Classifier::pretrained();
    let notes = csv_texts("connection_requests.csv", 0);
    let mut n = compare(&clf, &notes, "shipped notes");
    n += compare(
        &clf,
        &csv_texts("obfuscated_pitches.csv", 1),
        "obfuscated pitches",
    );
    n += compare(&clf, &generated(&notes, 3000), "generated text");
    let edge: Vec<String> = ["", " ", "Hi", "🙌", "\u{0}", &"spam ".repeat(2000)]
        .iter()
        .map(|s| s.to_string())
        .collect();
    n += compare(&clf, &edge, "edge cases");
    assert!(n > 16_000, "{n}");
}

#[test]
fn held_out_model_fast_path_equals_the_reference_on_unseen_notes() {
    let (train, test) = stratified_split(&shipped_examples(), 0.1, 42);
    let clf = Trainer::new().fit(&train).unwrap();
    let held: Vec<String> = test.iter().map(|e| e.text().to_string()).collect();
    assert!(compare(&clf, &held, "held-back notes") > 1000);
}

#[test]
fn fast_path_equals_the_reference_on_the_sms_collection() {
    let Some(path) = sms_path() else {
        eprintln!(
            "skipped: the SMS Spam Collection is not in ../shared/datasets (or $NOPITCH_SMS)"
        );
        return;
    };
    let options = CsvOptions::tsv().text_column("SMS").label_column("Label");
    let texts: Vec<String> = ExampleReader::from_path(&path, &options)
        .unwrap()
        .map(|e| e.unwrap().text().to_string())
        .collect();
    assert!(compare(&Classifier::pretrained(), &texts, "SMS Spam Collection") > 5000);
}

/// The scoring paths for other label counts (two and four labels have their own, five or more
/// the general one) and for a model grown by `learn` (no longer canonical) give the reference's
/// answers too.
#[test]
fn fast_path_equals_the_reference_for_other_label_counts_and_after_learn() {
    let examples: Vec<Example> = shipped_examples().into_iter().step_by(4).collect();
    let (train, test) = stratified_split(&examples, 0.2, 7);
    let held: Vec<String> = test.iter().map(|e| e.text().to_string()).collect();
    let relabel = |f: &dyn Fn(usize, &Example) -> String| -> Vec<Example> {
        train
            .iter()
            .enumerate()
            .map(|(i, e)| Example::new(e.text(), f(i, e)))
            .collect()
    };
    let two = relabel(&|_, e| (e.label() == "sales").to_string());
    let four = relabel(&|i, e| format!("{}-{}", e.label() == "sales", i % 2));
    let six = relabel(&|i, e| format!("{}-{}", e.label(), i % 2));
    for (name, data, labels) in [("two", two, 2), ("four", four, 4), ("six", six, 6)] {
        let clf = Trainer::new().fit(&data).unwrap();
        assert_eq!(clf.labels().len(), labels);
        assert!(compare(&clf, &held, name) > 500);
    }
    let mut clf = Trainer::new().fit(&train).unwrap();
    clf.learn(
        "a zebra-striped quokka of a note, never seen before",
        "personal",
    )
    .unwrap();
    clf.learn("we sell quokka insurance to zebras", "sales")
        .unwrap();
    let mut texts = held.clone();
    texts.push("quokka zebra insurance for your team".to_string());
    assert!(compare(&clf, &texts, "after learn") > 500);
}
