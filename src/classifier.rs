//! The classifier that ties the pipeline together: [`Trainer`] (settings → fit),
//! [`Classifier`] (analyzer + vocabulary + naive Bayes + labels + calibration) and
//! [`Prediction`] (label, calibrated probabilities, evidence).

use std::ops::Range;
use std::sync::Arc;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::calibration::{fit_temperature, DEFAULT_UNSURE_BELOW};
use crate::dataset::{stratified_folds, Example, SplitMix64};
use crate::error::{Error, ErrorKind, Result};
use crate::evidence::Evidence;
use crate::features::{to_sparse, FeatureId, FeatureSettings, Scratch, Vocabulary};
use crate::limits::{check_model_growth, TrainingLimits};
use crate::naive_bayes::{
    argmax, softmax_into, ClassPriors, NaiveBayes, NaiveBayesKind, NaiveBayesSettings,
};
use crate::text::{Analyzer, Language};

/// The least calibrated log-odds (natural log) that a note's features must give its label over
/// the runner-up for the note to count as having a signal (odds of e, about 2.7, to 1). Below it the
/// verdict is unsure and no evidence is reported: "Hi" or a lone emoji say nothing about intent.
pub const MIN_SIGNAL_LOG_ODDS: f64 = 1.0;

/// The most training examples kept (as sparse counts) for cross-validated calibration. Larger
/// training sets are sampled down to this many (reservoir sampling with the trainer's seed), which
/// bounds the memory of streaming training.
pub const MAX_CALIBRATION_EXAMPLES: usize = 20_000;

/// The calibration sample's slot for the example numbered `seen` (from 0), by reservoir
/// sampling: each of the first [`MAX_CALIBRATION_EXAMPLES`] takes the next slot, and each later
/// one replaces a random slot with probability `MAX_CALIBRATION_EXAMPLES / (seen + 1)` (one draw
/// of `rng` per example past the first ones). Shared by the one pass and the chunks' plan.
fn reservoir_slot(seen: u64, rng: &mut SplitMix64) -> Option<usize> {
    if seen < MAX_CALIBRATION_EXAMPLES as u64 {
        return Some(seen as usize);
    }
    let j = rng.below(seen + 1) as usize;
    (j < MAX_CALIBRATION_EXAMPLES).then_some(j)
}

/// With the `rayon` feature, training splits its examples into chunks of at least this many
/// bytes of text, gathered on several cores (smaller training sets are gathered in one pass).
const MIN_CHUNK_BYTES: u64 = 256 * 1024;

/// Training sets with more labels are gathered in one pass: each chunk keeps a count per label
/// for every feature it sees, so with many labels the chunks' tables, not the text, would take
/// the memory (for 256 labels, one copy of the table per chunk).
const MAX_CHUNKED_LABELS: usize = 16;

/// Every setting of a classifier, stored with the model so a model is always applied with the
/// tokenizer and features it was trained with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Stemming language of the text pipeline.
    pub language: Language,
    /// N-gram range and minimum count.
    pub features: FeatureSettings,
    /// Model kind, smoothing and priors.
    pub naive_bayes: NaiveBayesSettings,
    /// Number of cross-validation folds used to fit the calibration temperature (0 or 1: none).
    pub calibration_folds: usize,
    /// Seed for calibration folds and sampling.
    pub seed: u64,
    /// A prediction whose confidence is below this is unsure (see [`Prediction::is_unsure`]).
    pub unsure_below: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::English,
            features: FeatureSettings::default(),
            naive_bayes: NaiveBayesSettings::default(),
            calibration_folds: 10,
            seed: 42,
            unsure_below: DEFAULT_UNSURE_BELOW,
        }
    }
}

impl Settings {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`] naming the first setting out of range.
    pub fn check(&self) -> Result<()> {
        self.features.check()?;
        self.naive_bayes.check()?;
        if self.calibration_folds == 1 {
            return Err(Error::invalid(
                "calibration_folds",
                1,
                "0 (no calibration) or at least 2",
            ));
        }
        if !(0.0..=1.0).contains(&self.unsure_below) {
            return Err(Error::invalid(
                "unsure_below",
                self.unsure_below,
                "a number from 0 to 1",
            ));
        }
        Ok(())
    }
}

/// Trains a [`Classifier`] from labelled examples: the settings, then [`Trainer::fit`].
///
/// | Setting | Default | Purpose | Range |
/// |---|---|---|---|
/// | [`language`](Trainer::language) | English | Snowball stemmer | any [`Language`] |
/// | [`ngram_range`](Trainer::ngram_range) | `(1, 2)` | unigrams and bigrams | `1 ≤ min ≤ max ≤ 5` |
/// | [`min_count`](Trainer::min_count) | `1` | drop rarer n-grams | `≥ 1` |
/// | [`kind`](Trainer::kind) | multinomial | naive Bayes variant | |
/// | [`alpha`](Trainer::alpha) | `0.1` | Lidstone smoothing | `0 < alpha ≤ 1,000,000` |
/// | [`priors`](Trainer::priors) | learned | class priors | |
/// | [`calibration_folds`](Trainer::calibration_folds) | `10` | CV folds for the temperature | `0` (off) or `≥ 2` |
/// | [`seed`](Trainer::seed) | `42` | folds and sampling | any |
/// | [`unsure_below`](Trainer::unsure_below) | see [`Prediction::is_unsure`] | unsure band | `0..=1` |
/// | [`max_labels`](Trainer::max_labels) | `256` | refuse more distinct labels | `2..=256` |
/// | [`max_memory`](Trainer::max_memory) | 64 × the text, ≥ 256 MiB | memory for vocabulary and table | `> 0` |
///
/// The last two are limits of the fit, not settings of the model (they are not saved with it):
/// they keep training's memory in proportion to the data whatever the labels, so that a wrong
/// label column is refused with [`ErrorKind::TooManyLabels`] or [`ErrorKind::MemoryLimit`]
/// instead of exhausting memory. See the README's "Limits" section.
///
/// ```
/// use nopitch::{Example, Trainer};
/// let examples = vec![
///     Example::new("Great working with you at Acme!", "known-contact"),
///     Example::new("Save 15% on your cloud bill this quarter", "sales"),
/// ];
/// let clf = Trainer::new().calibration_folds(0).fit(&examples)?;
/// assert_eq!(clf.classify("we could save you 20% on cloud").label(), "sales");
/// # Ok::<(), nopitch::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Trainer {
    settings: Settings,
    limits: TrainingLimits,
}

impl Trainer {
    /// A trainer with the default settings.
    pub fn new() -> Trainer {
        Trainer::default()
    }

    /// A trainer with these settings.
    pub fn with_settings(settings: Settings) -> Trainer {
        Trainer {
            settings,
            limits: TrainingLimits::default(),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The stemming language.
    pub fn language(mut self, language: Language) -> Trainer {
        self.settings.language = language;
        self
    }

    /// Smallest and largest n-gram length, inclusive.
    pub fn ngram_range(mut self, min: usize, max: usize) -> Trainer {
        self.settings.features.ngram_range = (min, max);
        self
    }

    /// Minimum total count of an n-gram in the training data.
    pub fn min_count(mut self, min_count: u64) -> Trainer {
        self.settings.features.min_count = min_count;
        self
    }

    /// Multinomial or complement naive Bayes.
    pub fn kind(mut self, kind: NaiveBayesKind) -> Trainer {
        self.settings.naive_bayes.kind = kind;
        self
    }

    /// Lidstone smoothing.
    pub fn alpha(mut self, alpha: f64) -> Trainer {
        self.settings.naive_bayes.alpha = alpha;
        self
    }

    /// Learned or uniform class priors.
    pub fn priors(mut self, priors: ClassPriors) -> Trainer {
        self.settings.naive_bayes.priors = priors;
        self
    }

    /// Cross-validation folds for the calibration temperature; 0 turns calibration off.
    pub fn calibration_folds(mut self, folds: usize) -> Trainer {
        self.settings.calibration_folds = folds;
        self
    }

    /// Seed for calibration folds and sampling.
    pub fn seed(mut self, seed: u64) -> Trainer {
        self.settings.seed = seed;
        self
    }

    /// Confidence below which a prediction is unsure.
    pub fn unsure_below(mut self, threshold: f64) -> Trainer {
        self.settings.unsure_below = threshold;
        self
    }

    /// The most distinct labels the training data may have: default and maximum
    /// [`MAX_LABELS`](crate::MAX_LABELS) (256). Checked as labels arrive, so that a wrong label
    /// column (every row a label of its own) is refused at once with
    /// [`ErrorKind::TooManyLabels`]. Lower it to catch stray labels in a known label set.
    pub fn max_labels(mut self, n: usize) -> Trainer {
        self.limits.max_labels = n;
        self
    }

    /// The most memory, in bytes, training may take for what grows with the vocabulary and the
    /// labels: the vocabulary and the `features × labels` table (estimated at 128 bytes a
    /// feature and 8 bytes a cell while examples arrive, 24 bytes a cell once the model is
    /// built), and [`cross_validate`](crate::cross_validate)'s outcomes (a probability per label
    /// per example). The default is [`MEMORY_PER_INPUT_BYTE`](crate::MEMORY_PER_INPUT_BYTE) (64)
    /// times the size of the training text (texts and labels), and at least
    /// [`MIN_MEMORY_LIMIT`](crate::MIN_MEMORY_LIMIT) (256 MiB); whatever the setting, no model
    /// gets more than 2^27 table cells (what [`Classifier::load`] accepts). Past it training stops
    /// with [`ErrorKind::MemoryLimit`] before the memory is allocated.
    pub fn max_memory(mut self, bytes: u64) -> Trainer {
        self.limits.max_memory = Some(bytes);
        self
    }

    /// Refuses `examples` with more distinct labels than [`Trainer::max_labels`], counting
    /// them all for the message (one pass and a hash set of borrowed labels).
    pub(crate) fn check_label_count(&self, examples: &[Example]) -> Result<()> {
        self.limits.check()?;
        let labels: rustc_hash::FxHashSet<&str> = examples.iter().map(Example::label).collect();
        self.limits
            .check_labels(labels.len(), examples.len() as u64, None)
    }

    /// The trainer for the folds of a cross-validation of `examples`: refused if the outcomes
    /// would exceed the memory limit, else with the memory they leave.
    pub(crate) fn for_folds(&self, examples: &[Example]) -> Result<Trainer> {
        let labels: rustc_hash::FxHashSet<&str> = examples.iter().map(Example::label).collect();
        let bytes = examples.iter().map(input_bytes).sum();
        Ok(Trainer {
            settings: self.settings,
            limits: self
                .limits
                .for_folds(labels.len(), examples.len() as u64, bytes)?,
        })
    }

    /// Trains a classifier on `examples`. Any label set with at least two labels works.
    ///
    /// With the `rayon` feature, calibration scores groups of folds in parallel, and a training
    /// set of at least 512 KiB (texts and labels) with at most 16 labels is read in chunks on
    /// rayon's threads and merged: the same model, to the last bit, as in one thread. Errors
    /// are the same too: a chunk that meets one leaves the data to one pass, which reports it
    /// where it occurs. Memory is then about one vocabulary per chunk; the memory limit counts
    /// each chunk's vocabulary once per chunk, and while the chunks are merged the total can
    /// pass it by about one chunk's share. Merging is one thread's work, in proportion to the
    /// features the chunks do not share: on text whose chunks share little vocabulary (random
    /// strings, identifiers) it can cost what the chunks saved, or more.
    ///
    /// # Errors
    /// - [`ErrorKind::InvalidParameter`] for a setting out of range;
    /// - [`ErrorKind::TooManyLabels`] for more distinct labels than [`Trainer::max_labels`];
    /// - [`ErrorKind::MemoryLimit`] if the vocabulary and table would need more than
    ///   [`Trainer::max_memory`];
    /// - [`ErrorKind::EmptyTrainingSet`] for no examples, or none with any token;
    /// - [`ErrorKind::SingleClass`] if all examples share one label;
    /// - [`ErrorKind::EmptyLabel`] for an example with an empty label (naming its line if known).
    pub fn fit(&self, examples: &[Example]) -> Result<Classifier> {
        self.fit_examples(examples)
    }

    /// [`Trainer::fit`] on borrowed examples (cross-validation's folds, without copies).
    pub(crate) fn fit_examples<'a, I>(&self, examples: I) -> Result<Classifier>
    where
        I: IntoIterator<Item = &'a Example>,
        I::IntoIter: Clone,
    {
        self.settings.check()?;
        self.limits.check()?;
        let examples = examples.into_iter();
        let (mut rows, mut bytes) = (0u64, 0u64);
        let labels: rustc_hash::FxHashSet<&str> = examples
            .clone()
            .inspect(|e| {
                rows += 1;
                bytes += input_bytes(e);
            })
            .map(Example::label)
            .collect();
        match labels.iter().next() {
            None => return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None })),
            Some(&label) if labels.len() == 1 => {
                return Err(Error::new(ErrorKind::SingleClass {
                    label: label.to_string(),
                }))
            }
            _ => {}
        }
        self.limits.check_labels(labels.len(), rows, None)?;
        let parts = crate::parallel::workers();
        if parts > 1 && bytes >= 2 * MIN_CHUNK_BYTES && labels.len() <= MAX_CHUNKED_LABELS {
            let examples: Vec<&Example> = examples.clone().collect();
            let parts = parts.min((bytes / MIN_CHUNK_BYTES) as usize);
            if let Some(fitted) = self.fit_in_chunks(&examples, parts, bytes) {
                return fitted;
            }
        }
        self.fit_in_one_pass(examples, bytes)
    }

    /// [`Trainer::fit`] in one pass over `examples` (of `bytes` bytes of text and labels).
    fn fit_in_one_pass<'a>(
        &self,
        examples: impl IntoIterator<Item = &'a Example>,
        bytes: u64,
    ) -> Result<Classifier> {
        let mut state = FitState::new(self.settings, self.limits, bytes);
        // Room for the bigrams up front (about one distinct bigram per 15 bytes of notes):
        // growing the table step by step would rehash it several times.
        state.vocabulary.reserve_bigrams((bytes / 15) as usize);
        for example in examples {
            state.add(example)?;
        }
        state.finish()
    }

    /// [`Trainer::fit`] with the examples cut into `parts` contiguous chunks, each gathered
    /// apart (on several cores with the `rayon` feature), then merged: the same model, to the
    /// last bit, as one pass over them. The merged vocabulary holds the same terms, raw forms,
    /// surfaces and n-grams (numbered differently, until the canonical order renumbers them),
    /// the counts are the same sums, and the calibration sample is the one the reservoir would
    /// have drawn (planned here, before any text is read, from the same random draws).
    ///
    /// `None` where the chunks cannot stand for one pass (an empty label, a chunk over the
    /// memory limit, or the merged vocabulary over it): the caller then makes that one pass,
    /// which fails at the example that causes the error, as it always has.
    fn fit_in_chunks(
        &self,
        examples: &[&Example],
        parts: usize,
        bytes: u64,
    ) -> Option<Result<Classifier>> {
        if examples.iter().any(|e| e.label().trim().is_empty()) {
            return None;
        }
        let n = examples.len();
        // The calibration sample: the slot each example ends in, as the reservoir would fill
        // it (same draws, same order), and the groups of the sampled examples, numbered as the
        // one pass numbers them.
        let mut plan: Option<Vec<Option<u32>>> = None;
        let mut sample_groups = None;
        if self.settings.calibration_folds >= 2 {
            let mut holder: Vec<usize> = Vec::with_capacity(n.min(MAX_CALIBRATION_EXAMPLES));
            let mut rng = SplitMix64::new(self.settings.seed);
            for i in 0..n {
                match reservoir_slot(i as u64, &mut rng) {
                    Some(j) if j == holder.len() => holder.push(i),
                    Some(j) => holder[j] = i,
                    None => {}
                }
            }
            let mut slot_of = vec![None; n];
            for (slot, &i) in holder.iter().enumerate() {
                slot_of[i] = Some(slot as u32);
            }
            plan = Some(slot_of);
            let mut groups: rustc_hash::FxHashMap<&str, u32> = Default::default();
            let mut group_of = Vec::with_capacity(n);
            for e in examples {
                let Some(g) = e.group() else { break };
                let next = groups.len() as u32;
                group_of.push(*groups.entry(g).or_insert(next));
            }
            if group_of.len() == n {
                sample_groups = Some(holder.iter().map(|&i| group_of[i]).collect());
            }
        }
        let chunks =
            crate::parallel::split_by_weight(n, parts, |i| input_bytes(examples[i]).max(1));
        let gathered = crate::parallel::try_map_in_order(&chunks, |range| -> Result<FitState> {
            let mut state = FitState::new(self.settings, self.limits, bytes);
            state.planned = plan.as_ref().map(|slots| slots[range.clone()].to_vec());
            state.vocabulary_share = chunks.len();
            let chunk = &examples[range.clone()];
            // The first chunk's vocabulary takes in the others': room for every bigram.
            let chunk_bytes: u64 = match range.start {
                0 => bytes,
                _ => chunk.iter().map(|e| input_bytes(e)).sum(),
            };
            state
                .vocabulary
                .reserve_bigrams((chunk_bytes / 15) as usize);
            for example in chunk {
                state.add(example)?;
            }
            Ok(state)
        });
        // A chunk that met an error (the others stop early) leaves the data to the one pass.
        let mut states = gathered.ok()?.into_iter();
        let mut merged: FitState = states.next()?;
        merged.vocabulary_share = 1;
        for other in states {
            merged.absorb(other);
        }
        merged
            .limits
            .check_gathering(
                merged.vocabulary.len(),
                merged.labels.len(),
                n as u64,
                bytes,
            )
            .ok()?;
        // The sampled rows in the order of their slots, as the reservoir holds them.
        let mut order: Vec<usize> = (0..merged.planned_slots.len()).collect();
        order.sort_unstable_by_key(|&r| merged.planned_slots[r]);
        let mut sample = Sample::default();
        for r in order {
            let (start, end, c) = merged.sample.rows[r];
            sample.push(&merged.sample.occurrences[start as usize..end as usize], c);
        }
        merged.sample = sample;
        merged.sample_groups = sample_groups;
        Some(merged.finish())
    }

    /// Trains a classifier from a stream of examples, such as an
    /// [`ExampleReader`](crate::ExampleReader) over a file too large to hold in memory. Memory
    /// grows with the vocabulary, not with the number of examples.
    ///
    /// # Errors
    /// As [`Trainer::fit`], plus the first error the stream yields. Too many labels are refused
    /// as soon as the first label over the limit arrives (the error names its line).
    pub fn fit_iter<I>(&self, examples: I) -> Result<Classifier>
    where
        I: IntoIterator<Item = Result<Example>>,
    {
        self.settings.check()?;
        self.limits.check()?;
        let mut state = FitState::new(self.settings, self.limits, 0);
        for example in examples {
            state.add(&example?)?;
        }
        state.finish()
    }
}

/// The bytes of training text an example stands for (its text and label), for the memory limit.
pub(crate) fn input_bytes(example: &Example) -> u64 {
    (example.text().len() + example.label().len()) as u64
}

/// Training in progress: counts per label and feature, and a sample of examples for
/// calibration.
struct FitState {
    settings: Settings,
    limits: TrainingLimits,
    /// Bytes of training text when known in advance (0 when streaming), and those seen so far.
    input_bytes: u64,
    seen_bytes: u64,
    analyzer: Analyzer,
    vocabulary: Vocabulary,
    labels: Vec<String>,
    /// Class-major while training (labels arrive in any order): `counts[label][feature]`.
    counts: Vec<Vec<u64>>,
    docs: Vec<u64>,
    sample: Sample,
    /// The group of each sampled example (an index into `groups`), while every example has one.
    sample_groups: Option<Vec<u32>>,
    groups: rustc_hash::FxHashMap<String, u32>,
    seen: u64,
    rng: SplitMix64,
    scratch: Scratch,
    occurrences: Vec<FeatureId>,
    /// For a chunk of a split fit ([`Trainer::fit_in_chunks`]): the calibration slot each of
    /// its examples takes in the whole fit's sample (`None`: not sampled), which replaces the
    /// reservoir; and the slots of the rows sampled so far.
    planned: Option<Vec<Option<u32>>>,
    planned_slots: Vec<u32>,
    /// The vocabulary is counted this many times over against the memory limit: a chunk's
    /// vocabulary stands for each of the chunks gathered at once.
    vocabulary_share: usize,
    /// Groups of folds calibration scores apart (one per worker).
    calibration_parts: usize,
}

/// The examples kept for calibration (a reservoir sample): each one's feature occurrences as
/// they came (in text order, with repeats), all in one arena rather than one allocation each.
#[derive(Default)]
struct Sample {
    occurrences: Vec<FeatureId>,
    /// Where each example's occurrences are in `occurrences`, and its class.
    rows: Vec<(u32, u32, usize)>,
    /// Occurrences of replaced examples still in the arena.
    dead: usize,
}

impl Sample {
    /// The number of feature occurrences of sampled example `i`.
    fn row_len(&self, i: usize) -> usize {
        let (start, end, _) = self.rows[i];
        (end - start) as usize
    }

    fn push(&mut self, occurrences: &[FeatureId], class: usize) {
        let start = self.occurrences.len() as u32;
        self.occurrences.extend_from_slice(occurrences);
        self.rows
            .push((start, self.occurrences.len() as u32, class));
    }

    /// Replaces example `i` (reservoir sampling), compacting the arena when half of it is dead.
    fn replace(&mut self, i: usize, occurrences: &[FeatureId], class: usize) {
        let (start, end, _) = self.rows[i];
        self.dead += (end - start) as usize;
        let start = self.occurrences.len() as u32;
        self.occurrences.extend_from_slice(occurrences);
        self.rows[i] = (start, self.occurrences.len() as u32, class);
        if self.dead > self.occurrences.len() / 2 {
            let mut live = Vec::with_capacity(self.occurrences.len() - self.dead);
            for row in &mut self.rows {
                let start = live.len() as u32;
                live.extend_from_slice(&self.occurrences[row.0 as usize..row.1 as usize]);
                *row = (start, live.len() as u32, row.2);
            }
            self.occurrences = live;
            self.dead = 0;
        }
    }
}

impl FitState {
    fn new(settings: Settings, limits: TrainingLimits, input_bytes: u64) -> FitState {
        FitState {
            settings,
            limits,
            input_bytes,
            seen_bytes: 0,
            analyzer: Analyzer::new(settings.language),
            vocabulary: Vocabulary::default(),
            labels: Vec::new(),
            counts: Vec::new(),
            docs: Vec::new(),
            sample: Sample::default(),
            sample_groups: Some(Vec::new()),
            groups: Default::default(),
            seen: 0,
            rng: SplitMix64::new(settings.seed),
            scratch: Scratch::default(),
            occurrences: Vec::new(),
            planned: None,
            planned_slots: Vec::new(),
            vocabulary_share: 1,
            calibration_parts: crate::parallel::workers(),
        }
    }

    fn add(&mut self, example: &Example) -> Result<()> {
        if example.label().trim().is_empty() {
            return Err(Error::new(ErrorKind::EmptyLabel {
                path: None,
                line: example.line(),
            }));
        }
        let c = match self.labels.iter().position(|l| l == example.label()) {
            Some(c) => c,
            None => {
                self.limits
                    .check_labels(self.labels.len() + 1, self.seen + 1, example.line())?;
                self.labels.push(example.label().to_string());
                self.counts.push(Vec::new());
                self.docs.push(0);
                self.labels.len() - 1
            }
        };
        self.occurrences.clear();
        let occurrences = &mut self.occurrences;
        self.vocabulary.for_each_feature_growing(
            &self.analyzer,
            &self.settings.features,
            example.text(),
            &mut self.scratch,
            true,
            |f| occurrences.push(f),
        );
        self.seen_bytes += input_bytes(example);
        // Features are numbered in order of first sight, so new ones are always the highest.
        let counts = &mut self.counts[c];
        if counts.len() < self.vocabulary.len() {
            self.limits.check_gathering(
                self.vocabulary.len().saturating_mul(self.vocabulary_share),
                self.labels.len(),
                self.seen + 1,
                self.input_bytes.max(self.seen_bytes),
            )?;
            counts.resize(self.vocabulary.len(), 0);
        }
        for &f in &self.occurrences {
            counts[f as usize] += 1;
        }
        self.docs[c] += 1;
        if let (Some(plan), true) = (&self.planned, self.settings.calibration_folds >= 2) {
            if let Some(&Some(slot)) = plan.get(self.seen as usize) {
                self.sample.push(&self.occurrences, c);
                self.planned_slots.push(slot);
            }
        } else if self.settings.calibration_folds >= 2 {
            // Reservoir sample of examples for calibration.
            let group = match example.group() {
                Some(g) => {
                    let next = self.groups.len() as u32;
                    Some(*self.groups.entry(g.to_string()).or_insert(next))
                }
                None => None,
            };
            if group.is_none() {
                self.sample_groups = None;
            }
            let slot = reservoir_slot(self.seen, &mut self.rng);
            match slot {
                Some(j) if j == self.sample.rows.len() => self.sample.push(&self.occurrences, c),
                Some(j) => self.sample.replace(j, &self.occurrences, c),
                None => {}
            }
            if let (Some(groups), Some(slot), Some(group)) = (&mut self.sample_groups, slot, group)
            {
                if slot == groups.len() {
                    groups.push(group);
                } else {
                    groups[slot] = group;
                }
            }
        }
        self.seen += 1;
        Ok(())
    }

    /// Adds the examples `other` gathered (a later chunk of the same fit) to these: its
    /// vocabulary, counts, documents and sampled rows, in this vocabulary's feature ids.
    fn absorb(&mut self, other: FitState) {
        let features = self.vocabulary.absorb(&other.vocabulary);
        let classes: Vec<usize> = other
            .labels
            .iter()
            .map(|label| match self.labels.iter().position(|l| l == label) {
                Some(c) => c,
                None => {
                    self.labels.push(label.clone());
                    self.counts.push(Vec::new());
                    self.docs.push(0);
                    self.labels.len() - 1
                }
            })
            .collect();
        for (other_counts, &c) in other.counts.iter().zip(&classes) {
            let counts = &mut self.counts[c];
            counts.resize(self.vocabulary.len(), 0);
            for (&f, &k) in features.iter().zip(other_counts) {
                counts[f as usize] += k;
            }
        }
        for (&docs, &c) in other.docs.iter().zip(&classes) {
            self.docs[c] += docs;
        }
        let mut mapped = Vec::new();
        for (&(start, end, c), &slot) in other.sample.rows.iter().zip(&other.planned_slots) {
            mapped.clear();
            mapped.extend(
                other.sample.occurrences[start as usize..end as usize]
                    .iter()
                    .map(|&f| features[f as usize]),
            );
            self.sample.push(&mapped, classes[c]);
            self.planned_slots.push(slot);
        }
        self.seen += other.seen;
        self.seen_bytes += other.seen_bytes;
    }

    fn finish(mut self) -> Result<Classifier> {
        if self.seen == 0 {
            return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None }));
        }
        if self.labels.len() < 2 {
            return Err(Error::new(ErrorKind::SingleClass {
                label: self.labels.swap_remove(0),
            }));
        }
        let n_old = self.vocabulary.len();
        let total = |f: usize| -> u64 {
            self.counts
                .iter()
                .map(|c| c.get(f).copied().unwrap_or(0))
                .sum()
        };
        let totals: Vec<u64> = (0..n_old).map(total).collect();
        let min_count = self.settings.features.min_count;
        let remap = self
            .vocabulary
            .retain_canonical(|f| totals[f as usize] >= min_count);
        let n_features = self.vocabulary.len();
        if n_features == 0 {
            return Err(Error::new(ErrorKind::EmptyTrainingSet { path: None }));
        }
        self.limits.check_table(
            n_features,
            n_old,
            self.labels.len(),
            self.seen,
            self.input_bytes.max(self.seen_bytes),
        )?;
        // Labels in sorted order: ties break by this order, and equal data gives equal models.
        let mut label_order: Vec<usize> = (0..self.labels.len()).collect();
        label_order.sort_by(|&a, &b| self.labels[a].cmp(&self.labels[b]));
        let mut new_label = vec![0; self.labels.len()];
        for (new, &old) in label_order.iter().enumerate() {
            new_label[old] = new;
        }
        let n_classes = self.labels.len();
        let mut counts = vec![0u64; n_features * n_classes];
        let mut docs = vec![0u64; n_classes];
        for (old_c, class_counts) in self.counts.iter().enumerate() {
            let c = new_label[old_c];
            docs[c] = self.docs[old_c];
            for (old_f, &n) in class_counts.iter().enumerate() {
                if let Some(f) = remap[old_f] {
                    counts[f as usize * n_classes + c] = n;
                }
            }
        }
        let labels: Vec<String> = label_order
            .iter()
            .map(|&i| self.labels[i].clone())
            .collect();
        // The gathered counts are in the table now; free them before the weights are made.
        self.counts = Vec::new();
        let nb = NaiveBayes::from_counts(self.settings.naive_bayes, n_classes, counts, docs)?;

        let classes: Vec<usize> = self.sample.rows.iter().map(|r| new_label[r.2]).collect();
        let temperature = calibrate(
            &nb,
            &self.sample,
            &classes,
            &remap,
            self.sample_groups.as_deref(),
            &self.settings,
            self.calibration_parts,
        );

        Ok(Classifier {
            inner: Arc::new(Model {
                settings: self.settings,
                analyzer: self.analyzer,
                labels,
                vocabulary: self.vocabulary,
                nb,
                temperature,
            }),
        })
    }
}

/// Fits the temperature on out-of-fold scores of the sample (with `classes` in the final label
/// order, and its features renumbered by `remap`): each row is scored by the model trained
/// without its fold (computed by subtracting the fold's counts, which equals a refit).
///
/// The folds are the examples' groups when every sampled row has one (leave one group out),
/// there are at least two, and no group holds every example of a label; otherwise
/// `calibration_folds` stratified random folds.
fn calibrate(
    nb: &NaiveBayes,
    sample: &Sample,
    classes: &[usize],
    remap: &[Option<FeatureId>],
    groups: Option<&[u32]>,
    settings: &Settings,
    parts: usize,
) -> f64 {
    let k = settings.calibration_folds;
    if k < 2 || classes.len() < k || classes.iter().all(|&c| c == classes[0]) {
        return 1.0;
    }
    let (folds, k) = match groups.filter(|g| usable_groups(g, classes)) {
        Some(groups) => {
            let k = groups.iter().max().map_or(0, |&g| g as usize + 1);
            (groups.iter().map(|&g| g as usize).collect(), k)
        }
        None => (stratified_folds(classes, k, settings.seed), k),
    };
    let mut by_fold: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &fold) in folds.iter().enumerate() {
        by_fold[fold].push(i);
    }
    // Every quantity of the out-of-fold scores is the fold's own, so groups of folds are scored
    // apart (on several cores with the `rayon` feature) and their scores joined in fold order.
    let groups = crate::parallel::split_by_weight(k, parts, |g| {
        by_fold[g].iter().map(|&i| sample.row_len(i) as u64).sum()
    });
    let scores: Vec<f64> = crate::parallel::map_in_order(&groups, |group| {
        out_of_fold_scores(
            nb,
            sample,
            classes,
            remap,
            &by_fold[group.clone()],
            settings,
        )
    })
    .concat();
    let scored_classes: Vec<usize> = by_fold.iter().flatten().map(|&i| classes[i]).collect();
    fit_temperature(&scores, nb.n_classes(), &scored_classes)
}

/// The out-of-fold scores of the sampled examples of `folds` (each a list of examples, whose
/// classes are `classes`), fold after fold.
fn out_of_fold_scores(
    nb: &NaiveBayes,
    sample: &Sample,
    classes: &[usize],
    remap: &[Option<FeatureId>],
    folds: &[Vec<usize>],
    settings: &Settings,
) -> Vec<f64> {
    // The rows as sorted sparse counts in the final feature ids, fold after fold (the order of
    // the scores), in one arena in that order: scoring visits them in order, many times.
    let n_rows = folds.iter().map(Vec::len).sum();
    let occurrences = folds.iter().flatten().map(|&i| sample.row_len(i)).sum();
    let mut pairs: Vec<(FeatureId, u32)> = Vec::with_capacity(occurrences);
    let mut bounds = Vec::with_capacity(n_rows);
    let mut fold_ends = Vec::with_capacity(folds.len());
    let mut row_classes = Vec::with_capacity(n_rows);
    let mut ids: Vec<FeatureId> = Vec::new();
    for members in folds {
        for &i in members {
            let (start, end, _) = sample.rows[i];
            ids.clear();
            ids.extend(
                sample.occurrences[start as usize..end as usize]
                    .iter()
                    .filter_map(|&f| remap[f as usize]),
            );
            ids.sort_unstable();
            let first = pairs.len();
            for &f in &ids {
                match pairs[first..].last_mut() {
                    Some((last, n)) if *last == f => *n += 1,
                    _ => pairs.push((f, 1)),
                }
            }
            bounds.push(first..pairs.len());
            row_classes.push(classes[i]);
        }
        fold_ends.push(bounds.len());
    }
    let rows: Vec<_> = (bounds.into_iter().zip(&row_classes))
        .map(|(range, &c)| (&pairs[range], c))
        .collect();
    nb.out_of_fold_scores(&rows, &fold_ends, settings.features.min_count)
}

/// Whether `groups` (one per sampled row) can serve as calibration folds: at least two groups,
/// and none holding every row of a label (the model without it could not score that label).
fn usable_groups(groups: &[u32], classes: &[usize]) -> bool {
    if groups.len() != classes.len() || groups.iter().all(|&g| g == groups[0]) {
        return false;
    }
    let n_classes = classes.iter().max().map_or(0, |&c| c + 1);
    let mut per_class = vec![0usize; n_classes];
    let mut per_group_class: rustc_hash::FxHashMap<(u32, usize), usize> = Default::default();
    for (&g, &c) in groups.iter().zip(classes) {
        per_class[c] += 1;
        *per_group_class.entry((g, c)).or_default() += 1;
    }
    per_group_class.iter().all(|(&(_, c), &n)| n < per_class[c])
}

/// The fitted parts of a classifier, shared between clones and predictions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Model {
    pub(crate) settings: Settings,
    pub(crate) analyzer: Analyzer,
    pub(crate) labels: Vec<String>,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) nb: NaiveBayes,
    pub(crate) temperature: f64,
}

impl Model {
    /// Adds the weights of every feature occurrence of `text` to `scores` (of `C` labels) as the
    /// features are found, in their order, with the sums in registers; the number of
    /// occurrences. The same sums, added in the same order, as collecting the occurrences first
    /// and calling [`NaiveBayes::add_feature`] for each, without the list.
    fn score_features<const C: usize>(
        &self,
        text: &str,
        scratch: &mut Scratch,
        scores: &mut [f64],
    ) -> u64 {
        let mut sums = [0.0; C];
        sums.copy_from_slice(&scores[..C]);
        let mut n = 0u64;
        self.vocabulary.for_each_feature(
            &self.analyzer,
            &self.settings.features,
            text,
            scratch,
            #[inline(always)]
            |f| {
                n += 1;
                self.nb.add_feature_n(f, &mut sums);
            },
        );
        scores[..C].copy_from_slice(&sums);
        n
    }
}

/// A trained classifier: give it a note, get a [`Prediction`].
///
/// `Classifier` is `Send + Sync + Clone`; cloning is cheap (the model is shared) and
/// [`Classifier::classify`] takes `&self`, so one instance can serve every thread without a lock.
/// [`Classifier::learn`] and friends copy the model first if it is shared.
///
/// ```
/// use nopitch::Classifier;
/// let clf = Classifier::pretrained();
/// let p = clf.classify("I'd love to hear about your IT priorities over the next year");
/// assert_eq!(p.label(), "sales");
/// assert!((p.probabilities().map(|(_, p)| p).sum::<f64>() - 1.0).abs() < 1e-9);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    pub(crate) inner: Arc<Model>,
}

const _: () = {
    const fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<Classifier>();
    assert_send_sync_clone::<Prediction>();
    assert_send_sync_clone::<Trainer>();
};

impl Classifier {
    /// The labels this classifier can give, in label order (sorted; ties break toward the first).
    pub fn labels(&self) -> &[String] {
        &self.inner.labels
    }

    /// The settings it was trained with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Number of features (n-grams) in its vocabulary.
    pub fn n_features(&self) -> usize {
        self.inner.vocabulary.len()
    }

    /// The calibration temperature: probabilities are `softmax(scores / temperature)`.
    pub fn temperature(&self) -> f64 {
        self.inner.temperature
    }

    /// Classifies one note. Never fails and never panics, whatever the text.
    pub fn classify(&self, text: &str) -> Prediction {
        let mut scratch = Scratch::default();
        self.classify_with(text, &mut scratch)
    }

    /// Classifies many notes, in order. With the `rayon` feature, on every core.
    #[cfg(not(feature = "rayon"))]
    pub fn classify_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Prediction> {
        let mut scratch = Scratch::default();
        texts
            .iter()
            .map(|t| self.classify_with(t.as_ref(), &mut scratch))
            .collect()
    }

    /// Classifies many notes, in order. With the `rayon` feature, on every core.
    #[cfg(feature = "rayon")]
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Prediction> {
        use rayon::prelude::*;
        texts
            .par_iter()
            .map_init(Scratch::default, |scratch, t| {
                self.classify_with(t.as_ref(), scratch)
            })
            .collect()
    }

    fn classify_with(&self, text: &str, scratch: &mut Scratch) -> Prediction {
        let model = &*self.inner;
        let mut scores = PerLabel::zeros(model.labels.len());
        let n_features = match scores.len() {
            2 => model.score_features::<2>(text, scratch, &mut scores),
            3 => model.score_features::<3>(text, scratch, &mut scores),
            4 => model.score_features::<4>(text, scratch, &mut scores),
            _ => {
                let mut n = 0u64;
                model.vocabulary.for_each_feature(
                    &model.analyzer,
                    &model.settings.features,
                    text,
                    scratch,
                    |f| {
                        n += 1;
                        model.nb.add_feature(f, &mut scores);
                    },
                );
                n
            }
        };
        model.nb.finish_scores(n_features, &mut scores);
        let best = argmax(&scores);
        let mut probabilities = PerLabel::zeros(model.labels.len());
        softmax_into(&scores, model.temperature, &mut probabilities);
        Prediction {
            model: Arc::clone(&self.inner),
            best,
            scores,
            probabilities,
            n_features,
            text_len: text.len(),
        }
    }

    /// Sparse feature counts of a text: `(feature index, count)` pairs sorted by index.
    pub fn features(&self, text: &str) -> Vec<(usize, u32)> {
        let model = &*self.inner;
        let mut occurrences = Vec::new();
        model.vocabulary.for_each_feature(
            &model.analyzer,
            &model.settings.features,
            text,
            &mut Scratch::default(),
            |f| occurrences.push(f),
        );
        to_sparse(occurrences)
            .into_iter()
            .map(|(f, k)| (f as usize, k))
            .collect()
    }

    /// The readable names of the features, in feature-index order ("it priorities").
    pub fn feature_names(&self) -> Vec<String> {
        (0..self.inner.vocabulary.len() as FeatureId)
            .map(|f| self.inner.vocabulary.feature_text(f))
            .collect()
    }

    /// A dense `texts × features` matrix of feature counts, for use with other linfa models.
    /// It has one column per feature, so keep it to modest sizes.
    pub fn feature_matrix<S: AsRef<str>>(&self, texts: &[S]) -> Array2<f64> {
        let mut m = Array2::zeros((texts.len(), self.n_features()));
        for (i, text) in texts.iter().enumerate() {
            for (f, k) in self.features(text.as_ref()) {
                m[(i, f)] += k as f64;
            }
        }
        m
    }

    /// The examples as a dense linfa dataset: feature counts as records (with feature names),
    /// label indexes (into [`Classifier::labels`]) as targets. Any linfa model can then be
    /// trained on nopitch's features.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownLabel`] for an example whose label the classifier does not have.
    pub fn to_dataset(
        &self,
        examples: &[Example],
    ) -> Result<linfa::Dataset<f64, usize, ndarray::Ix1>> {
        let targets = examples
            .iter()
            .map(|e| {
                self.label_index(e.label())
                    .map_err(|err| match err.into_kind() {
                        ErrorKind::UnknownLabel { label, known, .. } => {
                            Error::new(ErrorKind::UnknownLabel {
                                label,
                                known,
                                line: e.line(),
                            })
                        }
                        other => Error::new(other),
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        let texts: Vec<&str> = examples.iter().map(Example::text).collect();
        let records = self.feature_matrix(&texts);
        Ok(linfa::Dataset::new(records, ndarray::Array1::from(targets))
            .with_feature_names(self.feature_names()))
    }

    pub(crate) fn label_index(&self, label: &str) -> Result<usize> {
        self.inner
            .labels
            .iter()
            .position(|l| l == label)
            .ok_or_else(|| {
                Error::new(ErrorKind::UnknownLabel {
                    label: label.to_string(),
                    known: self.inner.labels.clone(),
                    line: None,
                })
            })
    }

    /// Learns one more example in place: counts are added, new words and n-grams join the
    /// vocabulary (whatever `min_count` was), and a new label becomes a new class.
    ///
    /// # Errors
    /// [`ErrorKind::EmptyLabel`] for an empty label; [`ErrorKind::TooManyLabels`] for a new label
    /// past [`MAX_LABELS`](crate::MAX_LABELS); [`ErrorKind::MemoryLimit`] if the table could
    /// outgrow what a model may hold (2^27 cells); [`ErrorKind::TooManyCounts`] if the model
    /// could no longer hold its totals exactly. The model is unchanged on error.
    pub fn learn(&mut self, text: &str, label: &str) -> Result<()> {
        if label.trim().is_empty() {
            return Err(Error::new(ErrorKind::EmptyLabel {
                path: None,
                line: None,
            }));
        }
        {
            let model = &*self.inner;
            let new_label = model
                .labels
                .binary_search_by(|l| l.as_str().cmp(label))
                .is_err();
            // New features are at most the text's n-gram occurrences.
            let (lo, hi) = model.settings.features.ngram_range;
            let mut tokens = 0u64;
            model.analyzer.for_each_token(text, |_| tokens += 1);
            check_model_growth(
                model.vocabulary.len() as u64 + tokens * (hi + 1 - lo) as u64,
                model.labels.len(),
                usize::from(new_label),
                model.nb.totals().1 + 1,
            )?;
        }
        // A text has at most one feature occurrence per byte per n-gram length.
        let bound =
            (text.len() as u64).saturating_mul(self.inner.settings.features.ngram_range.1 as u64);
        if !self.inner.nb.can_add(bound, 1) {
            return Err(Error::new(ErrorKind::TooManyCounts {
                limit: crate::naive_bayes::MAX_TOTAL_COUNT,
            }));
        }
        let model = Arc::make_mut(&mut self.inner);
        let c = match model.labels.binary_search_by(|l| l.as_str().cmp(label)) {
            Ok(c) => c,
            Err(at) => {
                model.labels.insert(at, label.to_string());
                model.nb.grow(model.vocabulary.len(), Some(at));
                at
            }
        };
        let mut occurrences = Vec::new();
        model.vocabulary.for_each_feature_growing(
            &model.analyzer,
            &model.settings.features,
            text,
            &mut Scratch::default(),
            false,
            |f| occurrences.push(f),
        );
        model.nb.grow(model.vocabulary.len(), None);
        model.nb.update(&to_sparse(occurrences), c, false)
    }

    /// Reverses an earlier [`Classifier::learn`] of the same text and label. N-grams and labels
    /// whose counts drop to zero are removed, so learn-then-unlearn gives back the same model.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownLabel`] for a label the model lacks; [`ErrorKind::NotLearned`] if
    /// removing the text would drive a count below zero. The model is unchanged on error.
    pub fn unlearn(&mut self, text: &str, label: &str) -> Result<()> {
        let c = self.label_index(label)?;
        let row = to_sparse(
            self.features(text)
                .into_iter()
                .flat_map(|(f, k)| std::iter::repeat(f as FeatureId).take(k as usize))
                .collect(),
        );
        let model = Arc::make_mut(&mut self.inner);
        model.nb.update(&row, c, true)?;
        // Drop n-grams no class uses any more, and terms no n-gram uses (a `learn` of a text
        // shorter than the smallest n-gram adds terms without features).
        if row.iter().any(|&(f, _)| model.nb.feature_total(f) == 0)
            || model.vocabulary.has_unused_terms()
        {
            let nb = &model.nb;
            let remap = model
                .vocabulary
                .retain_canonical(|f| nb.feature_total(f) > 0);
            model.nb.retain_features(&remap);
        }
        // Drop a label that has nothing left, if two labels remain.
        if model.nb.class_docs()[c] == 0 && model.labels.len() > 2 && model.nb.class_is_empty(c) {
            model.labels.remove(c);
            model.nb.remove_class(c);
        }
        Ok(())
    }

    /// Adds another classifier's counts to this one (its labels and vocabulary join this one's),
    /// the basis for training shards in parallel. Training on A ∪ B and merging a model of A with
    /// a model of B give the same model when `min_count` is 1 (pruning is not additive). The
    /// calibration temperature and unsure threshold of `self` are kept.
    ///
    /// # Errors
    /// [`ErrorKind::IncompatibleModels`] if the language, feature or naive Bayes settings differ;
    /// [`ErrorKind::TooManyLabels`] if the labels together would be more than
    /// [`MAX_LABELS`](crate::MAX_LABELS); [`ErrorKind::MemoryLimit`] if the table could outgrow
    /// what a model may hold (2^27 cells, counting both models' features);
    /// [`ErrorKind::TooManyCounts`] if the sum could not be held exactly. `self` is unchanged on
    /// error.
    pub fn merge(&mut self, other: &Classifier) -> Result<()> {
        let (a, b) = (&self.inner.settings, &other.inner.settings);
        let differs = if a.language != b.language {
            Some("language")
        } else if a.features != b.features {
            Some("feature settings")
        } else if a.naive_bayes != b.naive_bayes {
            Some("naive Bayes settings")
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(Error::new(ErrorKind::IncompatibleModels {
                reason: format!("their {what} differ"),
            }));
        }
        let (tokens, docs) = other.inner.nb.totals();
        let new_labels = other
            .inner
            .labels
            .iter()
            .filter(|l| self.inner.labels.binary_search(l).is_err())
            .count();
        check_model_growth(
            (self.n_features() + other.n_features()) as u64,
            self.inner.labels.len(),
            new_labels,
            self.inner.nb.totals().1.saturating_add(docs),
        )?;
        if !self.inner.nb.can_add(tokens, docs) {
            return Err(Error::new(ErrorKind::TooManyCounts {
                limit: crate::naive_bayes::MAX_TOTAL_COUNT,
            }));
        }
        let model = Arc::make_mut(&mut self.inner);
        let other = &*other.inner;
        let mut class_map = Vec::with_capacity(other.labels.len());
        for label in &other.labels {
            match model.labels.binary_search(label) {
                Ok(c) => class_map.push(c),
                Err(at) => {
                    model.labels.insert(at, label.clone());
                    model.nb.grow(model.vocabulary.len(), Some(at));
                    class_map.iter_mut().for_each(|c: &mut usize| {
                        if *c >= at {
                            *c += 1
                        }
                    });
                    class_map.push(at);
                }
            }
        }
        let feature_map = model.vocabulary.absorb(&other.vocabulary);
        model.nb.grow(model.vocabulary.len(), None);
        model.nb.add_counts(&other.nb, &feature_map, &class_map);
        let remap = model.vocabulary.retain_canonical(|_| true);
        model.nb.retain_features(&remap);
        Ok(())
    }
}

/// One number per label, without a heap allocation for the usual handful of labels.
#[derive(Debug, Clone)]
enum PerLabel {
    Inline(usize, [f64; INLINE_LABELS]),
    Heap(Box<[f64]>),
}

/// Label sets up to this size keep their scores inside the [`Prediction`].
const INLINE_LABELS: usize = 4;

impl PerLabel {
    fn zeros(n: usize) -> PerLabel {
        if n <= INLINE_LABELS {
            PerLabel::Inline(n, [0.0; INLINE_LABELS])
        } else {
            PerLabel::Heap(vec![0.0; n].into_boxed_slice())
        }
    }
}

impl std::ops::Deref for PerLabel {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            PerLabel::Inline(n, values) => &values[..*n],
            PerLabel::Heap(values) => values,
        }
    }
}

impl std::ops::DerefMut for PerLabel {
    fn deref_mut(&mut self) -> &mut [f64] {
        match self {
            PerLabel::Inline(n, values) => &mut values[..*n],
            PerLabel::Heap(values) => values,
        }
    }
}

/// The verdict on one note: the label, calibrated probabilities, and the evidence behind them.
///
/// Holds a shared reference to the model (cheap), so it can outlive the `Classifier` it came from.
/// It does not keep the note: classifying allocates nothing for the usual few labels, and
/// [`Prediction::evidence`] is given the note again when evidence is wanted.
#[derive(Debug, Clone)]
pub struct Prediction {
    model: Arc<Model>,
    best: usize,
    scores: PerLabel,
    probabilities: PerLabel,
    /// Number of known feature occurrences in the note.
    n_features: u64,
    /// Length in bytes of the note, to refuse evidence for another text.
    text_len: usize,
}

/// The occurrences of one feature in a note, with their spans.
type Occurrences<'a> = &'a [(FeatureId, Range<usize>)];

/// Up to this many evidence items are kept by insertion rather than by sorting every feature.
const EVIDENCE_BY_INSERTION: usize = 32;

impl Prediction {
    /// The predicted label: the one with the highest probability (ties go to the first label).
    pub fn label(&self) -> &str {
        &self.model.labels[self.best]
    }

    /// The calibrated probability of [`Prediction::label`], in `[0, 1]`.
    pub fn confidence(&self) -> f64 {
        self.probabilities[self.best]
    }

    /// Every label of the model with its calibrated probability, in label order; they sum to 1.
    pub fn probabilities(&self) -> impl Iterator<Item = (&str, f64)> + '_ {
        self.model
            .labels
            .iter()
            .map(String::as_str)
            .zip(self.probabilities.iter().copied())
    }

    /// The probability of one label (0 for a label the model does not have).
    pub fn probability(&self, label: &str) -> f64 {
        self.probabilities()
            .find(|(l, _)| *l == label)
            .map_or(0.0, |(_, p)| p)
    }

    /// The uncalibrated joint log-likelihood of each label (natural log), in label order: for
    /// the multinomial model, `ln P(label) + Σ count · ln P(feature | label)` over known features.
    pub fn log_likelihoods(&self) -> impl Iterator<Item = (&str, f64)> + '_ {
        self.model
            .labels
            .iter()
            .map(String::as_str)
            .zip(self.scores.iter().copied())
    }

    /// Whether the note says anything the model can use: its known features, taken together, favour
    /// the predicted label over the runner-up by at least [`MIN_SIGNAL_LOG_ODDS`] (after
    /// calibration). An empty note, "Hi", a lone emoji or words never seen in training have no
    /// signal: their label comes from the class priors, not from the text.
    pub fn has_signal(&self) -> bool {
        self.n_features > 0 && self.feature_log_odds() >= MIN_SIGNAL_LOG_ODDS
    }

    /// Whether the verdict is too uncertain to act on: the note has no signal, or the confidence
    /// is below the model's `unsure_below` threshold.
    pub fn is_unsure(&self) -> bool {
        !self.has_signal() || self.confidence() < self.model.settings.unsure_below
    }

    /// The label with the second-highest score.
    fn runner_up(&self) -> usize {
        (0..self.scores.len())
            .filter(|&c| c != self.best)
            .fold(None, |acc: Option<usize>, c| match acc {
                Some(b) if self.scores[b] >= self.scores[c] => Some(b),
                _ => Some(c),
            })
            .unwrap_or(0)
    }

    /// The calibrated log-odds of the predicted label against the runner-up that the features
    /// contribute (the class priors left out).
    fn feature_log_odds(&self) -> f64 {
        let model = &*self.model;
        let runner_up = self.runner_up();
        let raw = self.scores[self.best]
            - self.scores[runner_up]
            - (model.nb.bias(self.best) - model.nb.bias(runner_up));
        raw / model.temperature
    }

    /// The `k` features of `text` that pushed hardest toward the predicted label against the
    /// runner-up, strongest first, each with where it occurs in `text` and the words as written
    /// there (see [`Evidence`]).
    ///
    /// `text` is the note this prediction was made from: the prediction does not keep a copy,
    /// so that classifying allocates nothing and costs nothing extra; the note is analysed again
    /// here, with a map from the normalised text back to its original bytes, only when evidence
    /// is asked for. Empty when the note has no signal (see [`Prediction::has_signal`]), and for
    /// a `text` of another length than the classified note.
    ///
    /// ```
    /// use nopitch::Classifier;
    /// let note = "I'd love to hear about your IT priorities over the next year";
    /// let p = Classifier::pretrained().classify(note);
    /// let evidence = p.evidence(note, 3);
    /// let e = evidence.iter().find(|e| e.feature == "it priorities").unwrap();
    /// assert_eq!(e.text, "IT priorities");
    /// assert_eq!(&note[e.spans[0].clone()], "IT priorities");
    /// ```
    pub fn evidence(&self, text: &str, k: usize) -> Vec<Evidence> {
        if self.probabilities.len() < 2 || !self.has_signal() || text.len() != self.text_len {
            return Vec::new();
        }
        let runner_up = self.runner_up();
        let model = &*self.model;
        let mut occurrences: Vec<(FeatureId, Range<usize>)> = Vec::new();
        model.vocabulary.for_each_feature_span(
            &model.analyzer,
            &model.settings.features,
            text,
            |f, span| occurrences.push((f, span)),
        );
        // By feature, then in the order of the note. Equal keys are equal occurrences, so the
        // unstable sort gives the same order as a stable one.
        occurrences.sort_unstable_by_key(|(f, span)| (*f, span.start, span.end));
        // Every feature's weight first (cheap); text and spans only for the `k` shown.
        let weight = |f: FeatureId, count: u32| {
            (model.nb.contribution(f, count, self.best)
                - model.nb.contribution(f, count, runner_up))
                / model.temperature
        };
        // The `k` strongest, strongest first; equal weights keep feature order, so the result is
        // deterministic. Punctuation counts in the score but is not shown: ". open" explains
        // nothing. A small `k` (the usual case) is kept by insertion, checking punctuation only
        // for a feature that would enter it; a large one sorts every feature.
        let groups = occurrences
            .chunk_by(|a, b| a.0 == b.0)
            .map(|group| (weight(group[0].0, group.len() as u32), group));
        let shown = |group: &Occurrences| !model.vocabulary.has_punctuation(group[0].0);
        let top: Vec<(f64, Occurrences)> = if k <= EVIDENCE_BY_INSERTION {
            let mut top: Vec<(f64, Occurrences)> = Vec::with_capacity(k + 1);
            for (w, group) in groups {
                let at = top.partition_point(|(t, _)| t.total_cmp(&w).is_ge());
                if at < k && shown(&group) {
                    top.insert(at, (w, group));
                    top.truncate(k);
                }
            }
            top
        } else {
            let mut all: Vec<(f64, Occurrences)> = groups.collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0));
            all.into_iter().filter(|(_, g)| shown(g)).take(k).collect()
        };
        top.into_iter()
            .map(|(weight, group)| {
                let spans: Vec<Range<usize>> = group.iter().map(|(_, s)| s.clone()).collect();
                Evidence {
                    feature: model.vocabulary.feature_text(group[0].0),
                    text: text.get(spans[0].clone()).unwrap_or_default().to_string(),
                    spans,
                    count: group.len() as u32,
                    weight,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::SplitMix64;

    /// `n` short notes over a small vocabulary (so that chunks share most terms and each also
    /// has some of its own), with labels that first appear at different places and, if
    /// `grouped`, a group each.
    fn notes(n: usize, labels: &[&str], grouped: bool, seed: u64) -> Vec<Example> {
        const WORDS: [&str; 24] = [
            "we",
            "worked",
            "together",
            "at",
            "acme",
            "save",
            "15%",
            "on",
            "your",
            "cloud",
            "bill",
            "loved",
            "post",
            "about",
            "hiring",
            "studied",
            "Studies",
            "ERP",
            "optimisation",
            "services",
            "met",
            "conference",
            "https://x.example",
            "€5,000",
        ];
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|i| {
                let len = 1 + rng.below(9) as usize;
                let mut text: Vec<String> = (0..len)
                    .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize].to_string())
                    .collect();
                // Words of their own, so that later chunks bring new terms and raw forms.
                text.push(format!("name{}", i % 97));
                text.push(format!("Naming{}", i % 13));
                // The last label first appears two thirds of the way in.
                let label = match i * 3 / n {
                    2 => labels[i % labels.len()],
                    _ => labels[i % (labels.len() - 1)],
                };
                let e = Example::new(text.join(" "), label);
                match grouped {
                    true => e.with_group(format!("voice {}", i % 7)),
                    false => e,
                }
            })
            .collect()
    }

    fn bytes(examples: &[Example]) -> u64 {
        examples.iter().map(input_bytes).sum()
    }

    /// The same model, and the same temperature to the bit.
    fn assert_same(a: &Classifier, b: &Classifier, what: &str) {
        assert!(a == b, "{what}");
        assert_eq!(
            a.temperature().to_bits(),
            b.temperature().to_bits(),
            "{what}"
        );
    }

    #[test]
    fn chunks_gathered_apart_give_the_model_of_one_pass() {
        let three = ["sales", "known-contact", "personal"];
        let four = ["a", "b", "c", "d"];
        let cases: Vec<(Trainer, Vec<Example>)> = vec![
            (Trainer::new(), notes(300, &three, true, 1)),
            (Trainer::new(), notes(300, &three, false, 2)),
            (Trainer::new().min_count(2), notes(400, &four, false, 3)),
            (
                Trainer::new().ngram_range(1, 3),
                notes(250, &three, true, 4),
            ),
            (
                Trainer::new().ngram_range(2, 2).min_count(3),
                notes(250, &three, false, 5),
            ),
            (
                Trainer::new().calibration_folds(0),
                notes(200, &four, false, 6),
            ),
            (
                Trainer::new()
                    .kind(NaiveBayesKind::Complement)
                    .calibration_folds(3),
                notes(200, &three, true, 7),
            ),
        ];
        for (case, (trainer, examples)) in cases.iter().enumerate() {
            let refs: Vec<&Example> = examples.iter().collect();
            let one_pass = trainer
                .fit_in_one_pass(examples.iter(), bytes(examples))
                .unwrap();
            for parts in [2, 3, 5] {
                let chunked = trainer
                    .fit_in_chunks(&refs, parts, bytes(examples))
                    .expect("nothing refuses these chunks")
                    .unwrap();
                assert_same(&chunked, &one_pass, &format!("case {case}, {parts} chunks"));
            }
        }
    }

    #[test]
    fn calibration_scores_groups_of_folds_as_it_scores_them_all_at_once() {
        let three = ["sales", "known-contact", "personal"];
        let cases = [
            (Trainer::new(), notes(300, &three, true, 11)),
            (Trainer::new().min_count(2), notes(300, &three, false, 12)),
            (
                Trainer::new().calibration_folds(7),
                notes(200, &["a", "b"], false, 13),
            ),
        ];
        for (case, (trainer, examples)) in cases.iter().enumerate() {
            let fit = |parts: usize| {
                let mut state = FitState::new(trainer.settings, trainer.limits, bytes(examples));
                state.calibration_parts = parts;
                for e in examples {
                    state.add(e).unwrap();
                }
                state.finish().unwrap()
            };
            let all_at_once = fit(1);
            assert_ne!(all_at_once.temperature(), 1.0, "case {case} calibrates");
            for parts in [2, 3, 10, 64] {
                let what = format!("case {case}, {parts} groups");
                assert_same(&fit(parts), &all_at_once, &what);
            }
        }
    }

    #[test]
    fn chunks_sample_for_calibration_as_the_reservoir_does() {
        // More examples than the calibration sample holds: the reservoir replaces some.
        let examples = notes(MAX_CALIBRATION_EXAMPLES + 3_000, &["x", "y", "z"], false, 8);
        let refs: Vec<&Example> = examples.iter().collect();
        let trainer = Trainer::new().calibration_folds(3);
        let one_pass = trainer
            .fit_in_one_pass(&examples, bytes(&examples))
            .unwrap();
        let chunked = trainer
            .fit_in_chunks(&refs, 3, bytes(&examples))
            .expect("nothing refuses these chunks")
            .unwrap();
        assert_same(&chunked, &one_pass, "a reservoir that replaces");
    }

    #[test]
    fn chunks_leave_errors_to_the_one_pass() {
        let three = ["sales", "known-contact", "personal"];
        let mut examples = notes(120, &three, false, 9);
        let refs: Vec<&Example> = examples.iter().collect();
        // Over the memory limit: refused by a chunk (or once merged), so the caller makes the
        // one pass, which names the example where the limit is crossed.
        let small = Trainer::new().max_memory(4_000);
        assert!(small.fit_in_chunks(&refs, 2, bytes(&examples)).is_none());
        let one_pass = small
            .fit_in_one_pass(&examples, bytes(&examples))
            .unwrap_err();
        assert!(
            matches!(one_pass.kind(), ErrorKind::MemoryLimit { .. }),
            "{one_pass}"
        );
        // An empty label anywhere: the one pass reports it (with any error before it).
        examples[100] = Example::new("fine words", " ");
        let refs: Vec<&Example> = examples.iter().collect();
        assert!(Trainer::new()
            .fit_in_chunks(&refs, 2, bytes(&examples))
            .is_none());
    }
}
