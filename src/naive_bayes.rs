//! Naive Bayes over sparse counts: multinomial (Lidstone-smoothed) and complement
//! (Rennie et al., 2003), in log space.
//!
//! Both are kept as integer counts (so that `learn`, `unlearn` and `merge` are exact) plus the
//! weights derived from them, laid out feature-major so that scoring one feature touches one
//! cache line. A message's score for class `c` is
//!
//! ```text
//! score_c = bias_c + Σ_f n_f · w_{f,c} − n · d_c        (n = Σ_f n_f, known features only)
//! ```
//!
//! - multinomial: `w = ln(N_fc + α)`, `d = ln(N_c + αV)`, `bias = ln P(c)`: the joint
//!   log-likelihood `ln P(c) + Σ n_f ln θ_fc`, exactly what linfa-bayes computes on dense counts;
//! - complement: `w = −ln(N_f − N_fc + α)`, `d = −ln(N_¬c + αV)`, `bias = 0`: the negated
//!   log-likelihood under every other class (scikit-learn's `ComplementNB(norm=False)`).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::features::{FeatureId, SparseCounts};
use crate::persist::EncodedCounts;

/// Which naive Bayes model to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum NaiveBayesKind {
    /// Multinomial naive Bayes: each class is a distribution over features. The default: in
    /// cross-validation on the shipped data (`cargo run --release --example tune`) it matched
    /// complement naive Bayes on macro-F1 and called fewer known contacts sales, the costly error.
    #[default]
    Multinomial,
    /// Complement naive Bayes: each class is scored by how badly the *other* classes explain
    /// the message. Rennie et al. (2003) found it more robust on unbalanced classes.
    Complement,
}

/// How class priors are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassPriors {
    /// The share of training examples in each class.
    #[default]
    Learned,
    /// Every class equally likely before the text is seen.
    Uniform,
}

/// The settings of the naive Bayes model.
///
/// | Name | Default | Purpose | Range |
/// |---|---|---|---|
/// | `kind` | `Multinomial` | multinomial or complement NB | |
/// | `alpha` | `0.1` | Lidstone smoothing added to every count | `0 < alpha ≤ 1,000,000` |
/// | `priors` | `Learned` | class priors from data, or uniform | |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NaiveBayesSettings {
    /// Multinomial or complement.
    pub kind: NaiveBayesKind,
    /// Lidstone smoothing: a pseudo-count added to every feature count.
    pub alpha: f64,
    /// How class priors are set.
    pub priors: ClassPriors,
}

/// The largest smoothing accepted: far beyond any useful value, and small enough that
/// `alpha × vocabulary size` stays finite.
pub const MAX_ALPHA: f64 = 1e6;

/// The default smoothing. Chosen by stratified 10-fold and leave-one-voice-out cross-validation on
/// the shipped data (`cargo run --release --example tune`; the README has the reasoning): 0.1 and
/// 0.3 tie there, and 0.1 also meets the SMS Spam Collection targets.
pub const DEFAULT_ALPHA: f64 = 0.1;

impl Default for NaiveBayesSettings {
    fn default() -> Self {
        NaiveBayesSettings {
            kind: NaiveBayesKind::Multinomial,
            alpha: DEFAULT_ALPHA,
            priors: ClassPriors::Learned,
        }
    }
}

impl NaiveBayesSettings {
    /// Checks the ranges in the table above.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidParameter`] for an alpha that is not a finite positive number.
    pub fn check(&self) -> Result<()> {
        if !(self.alpha > 0.0 && self.alpha <= MAX_ALPHA) {
            return Err(Error::invalid(
                "alpha",
                self.alpha,
                "a number greater than 0 and at most 1,000,000",
            ));
        }
        Ok(())
    }
}

/// The largest total of counts (tokens or examples) a model may hold: 2^53, below which every
/// integer is exact in `f64`. Nobody trains on 9 quadrillion tokens; a file claiming more is corrupt.
pub(crate) const MAX_TOTAL_COUNT: u64 = 1 << 53;

/// A fitted naive Bayes model over `n_features` features and `n_classes` classes.
#[derive(Debug, Clone)]
pub(crate) struct NaiveBayes {
    settings: NaiveBayesSettings,
    n_classes: usize,
    /// Token counts, feature-major: `counts[f * n_classes + c]`.
    counts: Counts,
    /// Training examples per class.
    class_docs: Vec<u64>,
    /// Token counts per class, summed over features.
    class_tokens: Vec<u64>,
    // Derived from the counts (see the module docs).
    /// `ln(n + alpha)` for small `n`: nearly every count is small, and the table gives
    /// bit-identical values without 100,000s of logarithms.
    ln_table: Vec<f64>,
    /// The weights `w_{f,c}`, feature-major, one byte per cell: a weight is `±ln(n + alpha)` for
    /// a count `n`, and code `n` stands for it when `n < ESCAPE` (nearly every cell). Scoring a
    /// text is bound by memory latency, and a table eight times smaller than one of `f64` mostly
    /// stays in the CPU cache. The weights are the same `f64` values. A row whose first code is
    /// [`ESCAPE`] has its weights in `escaped`; its other bytes hold its place there when
    /// `escaped_in_codes`, and are [`ESCAPE`] too otherwise.
    codes: Vec<u8>,
    /// The weight of each code below [`ESCAPE`], then 0 for [`ESCAPE`] itself (so that any byte
    /// indexes it: scoring reads it for an escaped row and discards it).
    code_weights: Vec<f64>,
    /// The features whose row is escaped (frequent ones: "i", "to", ","), and the full row of
    /// weights of each.
    escaped: EscapedRows,
    /// Whether every escaped row's place in `escaped` is written in its codes (2 to 4 classes,
    /// and few enough escaped rows for the bytes after the first): scoring then reads an escaped
    /// row without a branch on whether the row is one, which would go either way from one word
    /// to the next (about half of the occurrences in a note are of escaped features).
    escaped_in_codes: bool,
    per_token: Vec<f64>,
    bias: Vec<f64>,
}

impl PartialEq for NaiveBayes {
    fn eq(&self, other: &Self) -> bool {
        // The derived weights follow from these.
        self.settings == other.settings
            && self.n_classes == other.n_classes
            && self.counts.cells() == other.counts.cells()
            && self.class_docs == other.class_docs
    }
}

/// The table of token counts: held, or (for a model read from a binary file and not changed
/// since) left encoded in the file's bytes and rebuilt the first time it is read. Classifying
/// reads only the weights, so a model that only classifies never builds it.
#[derive(Debug, Clone, Default)]
struct Counts {
    /// The table, when held.
    cells: Vec<u64>,
    /// The file's counts, when `cells` is not held...
    encoded: Option<EncodedCounts>,
    /// ...and the table they make, once read.
    decoded: OnceLock<Vec<u64>>,
}

impl Counts {
    fn held(cells: Vec<u64>) -> Counts {
        Counts {
            cells,
            ..Counts::default()
        }
    }

    fn encoded(encoded: EncodedCounts) -> Counts {
        Counts {
            encoded: Some(encoded),
            ..Counts::default()
        }
    }

    /// The number of cells, without building the table.
    fn len(&self) -> usize {
        match &self.encoded {
            Some(encoded) => encoded.cells(),
            None => self.cells.len(),
        }
    }

    fn cells(&self) -> &[u64] {
        match &self.encoded {
            Some(encoded) => self.decoded.get_or_init(|| encoded.table()),
            None => &self.cells,
        }
    }

    /// The table, held from now on, to change.
    fn cells_mut(&mut self) -> &mut Vec<u64> {
        if let Some(encoded) = self.encoded.take() {
            self.cells = self.decoded.take().unwrap_or_else(|| encoded.table());
        }
        &mut self.cells
    }
}

impl NaiveBayes {
    /// A model from raw counts. Checks that the shapes agree and that every class has an example.
    pub(crate) fn from_counts(
        settings: NaiveBayesSettings,
        n_classes: usize,
        counts: Vec<u64>,
        class_docs: Vec<u64>,
    ) -> Result<NaiveBayes> {
        settings.check()?;
        if n_classes < 2 || class_docs.len() != n_classes || counts.len() % n_classes != 0 {
            return Err(Error::format(format!(
                "counts do not match {n_classes} classes ({} class totals, {} counts)",
                class_docs.len(),
                counts.len()
            )));
        }
        let mut class_tokens = vec![0u64; n_classes];
        for row in counts.chunks_exact(n_classes) {
            for (total, &n) in class_tokens.iter_mut().zip(row) {
                *total = total.saturating_add(n);
            }
        }
        if too_big(&class_tokens) || too_big(&class_docs) {
            return Err(Error::format(format!(
                "counts add up to more than {MAX_TOTAL_COUNT}"
            )));
        }
        let mut nb = NaiveBayes::underived(
            settings,
            n_classes,
            Counts::held(counts),
            class_docs,
            class_tokens,
        );
        nb.refresh_all();
        Ok(nb)
    }

    /// A model of these counts and totals whose weights are still to be derived.
    fn underived(
        settings: NaiveBayesSettings,
        n_classes: usize,
        counts: Counts,
        class_docs: Vec<u64>,
        class_tokens: Vec<u64>,
    ) -> NaiveBayes {
        NaiveBayes {
            settings,
            n_classes,
            counts,
            class_docs,
            class_tokens,
            ln_table: (0..LN_TABLE)
                .map(|n| (n as f64 + settings.alpha).ln())
                .collect(),
            codes: Vec::new(),
            code_weights: Vec::new(),
            escaped: EscapedRows::default(),
            escaped_in_codes: false,
            per_token: Vec::new(),
            bias: Vec::new(),
        }
    }

    pub(crate) fn n_classes(&self) -> usize {
        self.n_classes
    }

    pub(crate) fn n_features(&self) -> usize {
        self.counts.len() / self.n_classes
    }

    pub(crate) fn counts(&self) -> &[u64] {
        self.counts.cells()
    }

    /// Whether the table of counts is held (see [`Counts`]).
    #[cfg(test)]
    pub(crate) fn holds_counts(&self) -> bool {
        self.counts.encoded.is_none()
    }

    /// Whether the table of counts exists at all, held or rebuilt from encoded counts.
    #[cfg(test)]
    pub(crate) fn has_count_table(&self) -> bool {
        self.holds_counts() || self.counts.decoded.get().is_some()
    }

    pub(crate) fn class_docs(&self) -> &[u64] {
        &self.class_docs
    }

    /// Adds `scores[c] += w_{f,c}` for one occurrence of feature `f`.
    #[inline]
    pub(crate) fn add_feature(&self, f: FeatureId, scores: &mut [f64]) {
        let start = f as usize * self.n_classes;
        let codes = &self.codes[start..start + self.n_classes];
        if codes.first() == Some(&ESCAPE) {
            let row = self.escaped.row(f, self.n_classes);
            for (s, w) in scores.iter_mut().zip(row) {
                *s += w;
            }
            return;
        }
        for (s, &code) in scores.iter_mut().zip(codes) {
            *s += self.code_weights[code as usize];
        }
    }

    /// [`NaiveBayes::add_feature`] for a model of `C` classes (nothing for another model), with
    /// the scores in registers: the same sum, added in the same order.
    #[inline(always)]
    pub(crate) fn add_feature_n<const C: usize>(&self, f: FeatureId, sums: &mut [f64; C]) {
        let start = f as usize * C;
        let Some(codes) = self
            .codes
            .get(start..start + C)
            .and_then(|codes| <&[u8; C]>::try_from(codes).ok())
        else {
            return;
        };
        if self.escaped_in_codes {
            // Both candidates are read and one is kept (a select, not a branch): the escaped
            // row at the place the codes hold (row 0 for a row that is not escaped), and each
            // code's weight.
            let escaped = codes[0] == ESCAPE;
            let place = place_in_codes(codes) & (escaped as usize).wrapping_neg();
            let row = self
                .escaped
                .weights
                .get(place * C..place * C + C)
                .unwrap_or(&[0.0; C]);
            for c in 0..C {
                let coded = self.code_weights[codes[c] as usize];
                sums[c] += if escaped { row[c] } else { coded };
            }
            return;
        }
        if codes[0] == ESCAPE {
            for (s, w) in sums.iter_mut().zip(self.escaped.row(f, C)) {
                *s += w;
            }
            return;
        }
        for c in 0..C {
            sums[c] += self.code_weights[codes[c] as usize];
        }
    }

    /// The weight `w_{f,c}`.
    pub(crate) fn weight(&self, f: FeatureId, c: usize) -> f64 {
        let start = f as usize * self.n_classes;
        if self.codes[start] == ESCAPE {
            return self
                .escaped
                .row(f, self.n_classes)
                .get(c)
                .copied()
                .unwrap_or(0.0);
        }
        self.code_weights[self.codes[start + c] as usize]
    }

    /// Completes scores accumulated with [`NaiveBayes::add_feature`] over `n` occurrences.
    pub(crate) fn finish_scores(&self, n: u64, scores: &mut [f64]) {
        for ((s, b), d) in scores.iter_mut().zip(&self.bias).zip(&self.per_token) {
            *s += b - n as f64 * d;
        }
    }

    /// The contribution of `count` occurrences of feature `f` to class `c`'s score, including its
    /// share of the per-token normaliser (so contributions sum to the score minus the bias).
    pub(crate) fn contribution(&self, f: FeatureId, count: u32, c: usize) -> f64 {
        count as f64 * (self.weight(f, c) - self.per_token[c])
    }

    /// Scores of a sparse message.
    #[cfg(test)]
    pub(crate) fn scores(&self, row: &SparseCounts) -> Vec<f64> {
        let mut scores = vec![0.0; self.n_classes];
        let mut n = 0u64;
        for &(f, k) in row {
            for (c, s) in scores.iter_mut().enumerate() {
                *s += k as f64 * self.weight(f, c);
            }
            n += k as u64;
        }
        self.finish_scores(n, &mut scores);
        scores
    }

    /// Out-of-fold scores for cross-validated calibration, without refitting: each row scored
    /// by exactly the model a fit on the other folds would give (features whose count outside
    /// the row's fold falls below `min_count` leave that model's vocabulary and class totals, and
    /// are unknown to the row). `rows` are sorted sparse counts with their class, fold after
    /// fold; `fold_ends[g]` is the end of fold `g` in `rows` (increasing, the last one
    /// `rows.len()`). Returns `n_classes` scores per row, in the order of `rows`.
    ///
    /// The vocabulary is taken in blocks of [`FEATURE_BLOCK`] features (fewer with more than
    /// three labels: [`FEATURE_BLOCK_CELLS`]), and each block fold by
    /// fold: the fold's counts of the block's features, which of them its model keeps and with
    /// what weights, then its rows' sums, each row resuming where the last block left it. What a
    /// block touches stays in the CPU cache, where holding out one fold at a time over the whole
    /// vocabulary reads counts all over memory (half the time, on the shipped data). Every row
    /// still gets its features in increasing order, so each score is the same sum, added in the
    /// same order, as scoring the row alone against the model without its fold.
    pub(crate) fn out_of_fold_scores(
        &self,
        rows: &[(&[(FeatureId, u32)], usize)],
        fold_ends: &[usize],
        min_count: u64,
    ) -> Vec<f64> {
        // A constant block for the usual label counts lets the compiler fold it in.
        match self.n_classes {
            0..=3 => self.out_of_fold_scores_in_blocks(rows, fold_ends, min_count, FEATURE_BLOCK),
            n => {
                let block = FEATURE_BLOCK_CELLS / n;
                self.out_of_fold_scores_in_blocks(rows, fold_ends, min_count, block)
            }
        }
    }

    /// [`NaiveBayes::out_of_fold_scores`] with blocks of `block` features (the tests try several).
    fn out_of_fold_scores_in_blocks(
        &self,
        rows: &[(&[(FeatureId, u32)], usize)],
        fold_ends: &[usize],
        min_count: u64,
        block: usize,
    ) -> Vec<f64> {
        let block = block.max(1);
        match self.n_classes {
            2 => self.out_of_fold_scores_n::<2>(rows, fold_ends, min_count, block),
            3 => self.out_of_fold_scores_n::<3>(rows, fold_ends, min_count, block),
            _ => self.out_of_fold_scores_n::<0>(rows, fold_ends, min_count, block),
        }
    }

    /// [`NaiveBayes::out_of_fold_scores`] for `C` classes (0: any number), the same arithmetic.
    fn out_of_fold_scores_n<const C: usize>(
        &self,
        rows: &[(&[(FeatureId, u32)], usize)],
        fold_ends: &[usize],
        min_count: u64,
        block: usize,
    ) -> Vec<f64> {
        let c_n = if C == 0 { self.n_classes } else { C };
        let classes: Vec<u32> = rows.iter().map(|&(_, c)| c as u32).collect();
        let n_features = self.n_features();
        // Each fold's examples and tokens per class.
        let n_folds = fold_ends.len();
        let mut fold_docs = vec![0u64; n_folds * c_n];
        let mut fold_tokens = vec![0u64; n_folds * c_n];
        let mut begin = 0;
        for (g, &end) in fold_ends.iter().enumerate() {
            for &(row, c) in rows.get(begin..end).unwrap_or(&[]) {
                fold_docs[g * c_n + c] += 1;
                fold_tokens[g * c_n + c] += row.iter().map(|&(_, k)| k as u64).sum::<u64>();
            }
            begin = end;
        }
        // Each feature's count over all classes.
        let counts = self.counts.cells();
        let totals: Vec<u64> = counts
            .chunks_exact(c_n)
            .map(|row| row.iter().sum())
            .collect();
        // Where each row's features of the block at hand start.
        let n_blocks = n_features.div_ceil(block);
        let mut cursors = vec![0usize; rows.len()];
        let ln = LnAlpha::new(self.settings.alpha);
        let mut scores = vec![0.0; rows.len() * c_n];
        // Tokens of each row's known features; features each fold loses, and the tokens those
        // carry outside the fold.
        let mut known = vec![0u64; rows.len()];
        let mut lost = vec![0usize; n_folds];
        let mut lost_tokens = vec![0u64; n_folds * c_n];
        // Per feature of a block, for the fold at hand: its held-out counts, whether it stays,
        // its weights, and the run that last touched it.
        let mut held = vec![0u64; block * c_n];
        let mut kept = vec![false; block];
        let mut weights = vec![0.0; block * c_n];
        let mut stamp = vec![0u32; block];
        let mut run_number = 0u32;
        let mut touched: Vec<usize> = Vec::new();
        let mut begin = 0;
        for b in 0..n_blocks {
            let base = b * block;
            let limit = (base + block) as FeatureId;
            for (g, &end) in fold_ends.iter().enumerate() {
                let fold = begin.min(end)..end;
                begin = end;
                // The fold's counts of the block's features.
                run_number += 1;
                touched.clear();
                for r in fold.clone() {
                    let row = rows[r].0;
                    let c = classes[r] as usize;
                    for &(f, k) in &row[cursors[r]..] {
                        if f >= limit {
                            break;
                        }
                        let local = f as usize - base;
                        let cells = &mut held[local * c_n..][..c_n];
                        if stamp[local] != run_number {
                            stamp[local] = run_number;
                            touched.push(local);
                            cells.fill(0);
                        }
                        cells[c] += k as u64;
                    }
                }
                // Which of them the fold's model keeps, and their weights there.
                for &local in &touched {
                    let f = base + local;
                    let held = &held[local * c_n..][..c_n];
                    let remaining_total = totals[f] - held.iter().sum::<u64>();
                    kept[local] = remaining_total >= min_count;
                    if !kept[local] {
                        lost[g] += 1;
                        if remaining_total == 0 {
                            // Every count is in the fold (as for most rare n-grams).
                            continue;
                        }
                        let all = &counts[f * c_n..][..c_n];
                        for ((t, a), h) in lost_tokens[g * c_n..(g + 1) * c_n]
                            .iter_mut()
                            .zip(all)
                            .zip(held)
                        {
                            *t += a - h;
                        }
                        continue;
                    }
                    let all = &counts[f * c_n..][..c_n];
                    for ((w, &a), &h) in weights[local * c_n..(local + 1) * c_n]
                        .iter_mut()
                        .zip(all)
                        .zip(held)
                    {
                        let n_fc = a - h;
                        *w = match self.settings.kind {
                            NaiveBayesKind::Multinomial => ln.of(n_fc),
                            NaiveBayesKind::Complement => -ln.of(remaining_total - n_fc),
                        };
                    }
                }
                // The fold's rows' sums.
                for r in fold {
                    let row = rows[r].0;
                    let mut at = cursors[r];
                    while let Some(&(f, k)) = row.get(at).filter(|&&(f, _)| f < limit) {
                        at += 1;
                        let local = f as usize - base;
                        if !kept[local] {
                            continue;
                        }
                        known[r] += k as u64;
                        for (s, w) in scores[r * c_n..(r + 1) * c_n]
                            .iter_mut()
                            .zip(&weights[local * c_n..(local + 1) * c_n])
                        {
                            *s += k as f64 * w;
                        }
                    }
                    cursors[r] = at;
                }
            }
            begin = 0;
        }
        // Each fold's model: class totals without the fold and without the features it loses.
        let mut begin = 0;
        for (g, &end) in fold_ends.iter().enumerate() {
            let span = g * c_n..(g + 1) * c_n;
            let docs: Vec<u64> = (self.class_docs.iter().zip(&fold_docs[span.clone()]))
                .map(|(a, h)| a - h)
                .collect();
            let tokens: Vec<u64> = (self.class_tokens.iter().zip(&fold_tokens[span.clone()]))
                .zip(&lost_tokens[span])
                .map(|((a, h), l)| a - h - l)
                .collect();
            let (bias, per_token) = class_terms(
                &self.settings,
                &docs,
                &tokens,
                (n_features - lost[g]) as f64,
            );
            for r in begin..end {
                for ((s, b), d) in scores[r * c_n..(r + 1) * c_n]
                    .iter_mut()
                    .zip(&bias)
                    .zip(&per_token)
                {
                    *s += b - known[r] as f64 * d;
                }
            }
            begin = end;
        }
        scores
    }

    /// `ln(n + alpha)`, from the table for small `n`.
    fn ln_alpha(&self, n: u64) -> f64 {
        self.ln_table
            .get(n as usize)
            .copied()
            .unwrap_or_else(|| (n as f64 + self.settings.alpha).ln())
    }

    /// Adds (`sign` = +1) or removes (−1) one example's counts for class `c`.
    ///
    /// # Errors
    /// [`ErrorKind::NotLearned`] if removing would drive a count below zero; nothing changes then.
    pub(crate) fn update(&mut self, row: &SparseCounts, c: usize, remove: bool) -> Result<()> {
        let c_n = self.n_classes;
        if remove {
            if self.class_docs[c] == 0 {
                return Err(Error::new(ErrorKind::NotLearned {
                    reason: "the label has no examples left".into(),
                }));
            }
            for &(f, k) in row {
                if self
                    .counts
                    .cells()
                    .get(f as usize * c_n + c)
                    .copied()
                    .unwrap_or(0)
                    < k as u64
                {
                    return Err(Error::new(ErrorKind::NotLearned {
                        reason: "the text's features were not learned with this label".into(),
                    }));
                }
            }
        }
        let added: u64 = row.iter().map(|&(_, k)| k as u64).sum();
        if !remove && !self.can_add(added, 1) {
            return Err(Error::new(ErrorKind::TooManyCounts {
                limit: MAX_TOTAL_COUNT,
            }));
        }
        let counts = self.counts.cells_mut();
        for &(f, k) in row {
            let needed = (f as usize + 1) * c_n;
            if counts.len() < needed {
                counts.resize(needed, 0);
            }
            let cell = &mut counts[f as usize * c_n + c];
            if remove {
                *cell -= k as u64;
                self.class_tokens[c] -= k as u64;
            } else {
                *cell += k as u64;
                self.class_tokens[c] += k as u64;
            }
        }
        if remove {
            self.class_docs[c] -= 1;
        } else {
            self.class_docs[c] += 1;
        }
        self.refresh_all();
        Ok(())
    }

    /// Whether `tokens` more tokens and `docs` more examples keep the totals within
    /// [`MAX_TOTAL_COUNT`] (which also keeps every single count from overflowing).
    pub(crate) fn can_add(&self, tokens: u64, docs: u64) -> bool {
        let total_tokens: u64 = self.class_tokens.iter().sum();
        let total_docs: u64 = self.class_docs.iter().sum();
        total_tokens
            .checked_add(tokens)
            .is_some_and(|t| t <= MAX_TOTAL_COUNT)
            && total_docs
                .checked_add(docs)
                .is_some_and(|d| d <= MAX_TOTAL_COUNT)
    }

    /// The total of all token counts and of all examples.
    pub(crate) fn totals(&self) -> (u64, u64) {
        (self.class_tokens.iter().sum(), self.class_docs.iter().sum())
    }

    /// Adds another model's counts, with `other`'s feature `i` mapped to `feature_map[i]` and
    /// its class `j` to `class_map[j]`. `self` must already have room for every mapped feature
    /// and class (see [`NaiveBayes::grow`]), and the sums must fit ([`NaiveBayes::can_add`]).
    pub(crate) fn add_counts(
        &mut self,
        other: &NaiveBayes,
        feature_map: &[FeatureId],
        class_map: &[usize],
    ) {
        let c_n = self.n_classes;
        let counts = self.counts.cells_mut();
        for (i, row) in other
            .counts
            .cells()
            .chunks_exact(other.n_classes)
            .enumerate()
        {
            let f = feature_map[i] as usize;
            for (j, &n) in row.iter().enumerate() {
                counts[f * c_n + class_map[j]] += n;
                self.class_tokens[class_map[j]] += n;
            }
        }
        for (j, &d) in other.class_docs.iter().enumerate() {
            self.class_docs[class_map[j]] += d;
        }
        self.refresh_all();
    }

    /// Makes room for `n_features` features and inserts a new, empty class at `at`.
    pub(crate) fn grow(&mut self, n_features: usize, new_class_at: Option<usize>) {
        if let Some(at) = new_class_at {
            let old = self.n_classes;
            let mut counts = Vec::with_capacity((old + 1) * self.n_features());
            for row in self.counts.cells().chunks_exact(old) {
                counts.extend_from_slice(&row[..at]);
                counts.push(0);
                counts.extend_from_slice(&row[at..]);
            }
            self.counts = Counts::held(counts);
            self.class_docs.insert(at, 0);
            self.class_tokens.insert(at, 0);
            self.n_classes += 1;
        }
        let cells = n_features * self.n_classes;
        let counts = self.counts.cells_mut();
        if counts.len() < cells {
            counts.resize(cells, 0);
        }
        self.refresh_all();
    }

    /// Drops features for which `keep` is false and renumbers the rest in order.
    pub(crate) fn retain_features(&mut self, remap: &[Option<FeatureId>]) {
        let c_n = self.n_classes;
        let n_new = remap.iter().flatten().count();
        let mut counts = vec![0u64; n_new * c_n];
        let old_counts = self.counts.cells();
        for (old, new) in remap.iter().enumerate() {
            if let Some(new) = new {
                let src = old * c_n;
                if src + c_n <= old_counts.len() {
                    counts[*new as usize * c_n..(*new as usize + 1) * c_n]
                        .copy_from_slice(&old_counts[src..src + c_n]);
                }
            }
        }
        self.class_tokens = vec![0; c_n];
        for row in counts.chunks_exact(c_n) {
            for (t, &n) in self.class_tokens.iter_mut().zip(row) {
                *t += n;
            }
        }
        self.counts = Counts::held(counts);
        self.refresh_all();
    }

    /// Whether class `c` has no examples and no counts.
    pub(crate) fn class_is_empty(&self, c: usize) -> bool {
        self.class_docs[c] == 0 && self.class_tokens[c] == 0
    }

    /// Removes class `c` (which should be empty).
    pub(crate) fn remove_class(&mut self, c: usize) {
        let old = self.n_classes;
        let mut counts = Vec::with_capacity((old - 1) * self.n_features());
        for row in self.counts.cells().chunks_exact(old) {
            counts.extend_from_slice(&row[..c]);
            counts.extend_from_slice(&row[c + 1..]);
        }
        self.counts = Counts::held(counts);
        self.class_docs.remove(c);
        self.class_tokens.remove(c);
        self.n_classes -= 1;
        self.refresh_all();
    }

    /// The class bias (log prior for the multinomial model, 0 for complement).
    pub(crate) fn bias(&self, c: usize) -> f64 {
        self.bias[c]
    }

    /// Total count of feature `f` over all classes.
    pub(crate) fn feature_total(&self, f: FeatureId) -> u64 {
        let start = f as usize * self.n_classes;
        self.counts.cells()[start..start + self.n_classes]
            .iter()
            .sum()
    }

    /// The weights' sign: `+ln` (multinomial) or `−ln` (complement).
    fn sign(&self) -> f64 {
        match self.settings.kind {
            NaiveBayesKind::Multinomial => 1.0,
            NaiveBayesKind::Complement => -1.0,
        }
    }

    /// Derives the class terms and the weight of each code from the class totals.
    fn refresh_terms(&mut self) {
        let v = self.n_features() as f64;
        let (bias, per_token) =
            class_terms(&self.settings, &self.class_docs, &self.class_tokens, v);
        self.bias = bias;
        self.per_token = per_token;
        let sign = self.sign();
        self.code_weights = self.ln_table[..ESCAPE as usize]
            .iter()
            .map(|w| sign * w)
            .chain([0.0])
            .collect();
    }

    /// The weights of an escaped row of counts: `±ln(n + alpha)` of each cell's count.
    fn escaped_weights(&self, row: &[u64]) -> Vec<f64> {
        let total = row.iter().fold(0u64, |a, &n| a.saturating_add(n));
        let complement = self.settings.kind == NaiveBayesKind::Complement;
        let sign = self.sign();
        row.iter()
            .map(|&n| sign * self.ln_alpha(if complement { total - n } else { n }))
            .collect()
    }

    /// A model from the counts of a binary model file, which it keeps encoded (see [`Counts`]):
    /// one pass over them checks them, sums the class totals and codes the weights, the same
    /// codes and weights [`NaiveBayes::from_counts`] derives from the table.
    ///
    /// # Errors
    /// A format error for malformed counts, a feature without any, or totals past
    /// [`MAX_TOTAL_COUNT`]; as [`NaiveBayes::from_counts`] for the rest.
    pub(crate) fn from_encoded_counts(
        settings: NaiveBayesSettings,
        encoded: EncodedCounts,
        class_docs: Vec<u64>,
    ) -> Result<NaiveBayes> {
        settings.check()?;
        let n_classes = encoded.n_classes();
        if n_classes < 2 || class_docs.len() != n_classes {
            return Err(Error::format(format!(
                "counts do not match {n_classes} classes ({} class totals)",
                class_docs.len()
            )));
        }
        let mut nb = NaiveBayes::underived(
            settings,
            n_classes,
            Counts::default(),
            class_docs,
            vec![0; n_classes],
        );
        let (codes, escaped, empty) = match n_classes {
            2 => nb.code_encoded::<2>(&encoded)?,
            3 => nb.code_encoded::<3>(&encoded)?,
            4 => nb.code_encoded::<4>(&encoded)?,
            _ => nb.code_encoded::<0>(&encoded)?,
        };
        if empty {
            return Err(Error::format("a feature has no counts"));
        }
        if too_big(&nb.class_tokens) || too_big(&nb.class_docs) {
            return Err(Error::format(format!(
                "counts add up to more than {MAX_TOTAL_COUNT}"
            )));
        }
        nb.counts = Counts::encoded(encoded);
        nb.set_codes(codes, EscapedRows::new(escaped, n_classes));
        nb.refresh_terms();
        Ok(nb)
    }

    /// The pass of [`NaiveBayes::from_encoded_counts`] for `C` labels (0: any number): sums the
    /// class totals; returns the weight codes, the escaped rows and whether a feature has no
    /// counts.
    #[allow(clippy::type_complexity)]
    fn code_encoded<const C: usize>(
        &mut self,
        encoded: &EncodedCounts,
    ) -> Result<(Vec<u8>, Vec<(FeatureId, Vec<f64>)>, bool)> {
        let complement = self.settings.kind == NaiveBayesKind::Complement;
        let mut codes = vec![0u8; encoded.cells()];
        let mut rows_codes = codes.chunks_exact_mut(self.n_classes);
        let mut class_tokens = std::mem::take(&mut self.class_tokens);
        let mut escaped = Vec::new();
        let mut empty = false;
        let mut f: FeatureId = 0;
        encoded.for_each_row_of::<C>(
            #[inline(always)]
            |row| {
                let total = row.iter().fold(0u64, |a, &n| a.saturating_add(n));
                empty |= total == 0;
                for (t, &n) in class_tokens.iter_mut().zip(row) {
                    *t = t.saturating_add(n);
                }
                let Some(out) = rows_codes.next() else { return };
                // The count whose logarithm is a cell's weight.
                let counted = |n: u64| if complement { total - n } else { n };
                if row.iter().any(|&n| counted(n) >= ESCAPE as u64) {
                    out.fill(ESCAPE);
                    escaped.push((f, self.escaped_weights(row)));
                } else {
                    for (code, &n) in out.iter_mut().zip(row) {
                        *code = counted(n) as u8;
                    }
                }
                f = f.wrapping_add(1);
            },
        )?;
        self.class_tokens = class_tokens;
        Ok((codes, escaped, empty))
    }

    fn refresh_all(&mut self) {
        let c_n = self.n_classes;
        self.refresh_terms();
        let counts = self.counts.cells();
        let mut codes = std::mem::take(&mut self.codes);
        codes.clear();
        codes.resize(counts.len(), 0);
        let mut escaped = Vec::new();
        let complement = self.settings.kind == NaiveBayesKind::Complement;
        match (c_n, complement) {
            (2, false) => code_rows::<2>(counts, &mut codes, &mut escaped),
            (3, false) => code_rows::<3>(counts, &mut codes, &mut escaped),
            (4, false) => code_rows::<4>(counts, &mut codes, &mut escaped),
            _ => {
                for (f, (row, out)) in counts
                    .chunks_exact(c_n)
                    .zip(codes.chunks_exact_mut(c_n))
                    .enumerate()
                {
                    let total: u64 = row.iter().sum();
                    // The count whose logarithm is a cell's weight.
                    let counted = |n: u64| if complement { total - n } else { n };
                    if row.iter().any(|&n| counted(n) >= ESCAPE as u64) {
                        escaped.push(f as FeatureId);
                    } else {
                        for (code, &n) in out.iter_mut().zip(row) {
                            *code = counted(n) as u8;
                        }
                    }
                }
            }
        }
        // The few features with a large count: every cell escaped (until `set_codes` writes
        // their places), the full row of weights kept.
        let rows = escaped
            .into_iter()
            .map(|f| {
                let start = f as usize * c_n;
                codes[start..start + c_n].fill(ESCAPE);
                (f, self.escaped_weights(&counts[start..start + c_n]))
            })
            .collect();
        self.set_codes(codes, EscapedRows::new(rows, c_n));
    }

    /// Keeps the weight codes and the escaped rows, writing each escaped row's place in
    /// `escaped` into its codes (after the first, [`ESCAPE`]) where they all fit.
    fn set_codes(&mut self, mut codes: Vec<u8>, escaped: EscapedRows) {
        let c_n = self.n_classes;
        let place_bytes = c_n.saturating_sub(1);
        self.escaped_in_codes =
            (2..=4).contains(&c_n) && (escaped.len() as u64) <= 1u64 << (8 * place_bytes).min(63);
        if self.escaped_in_codes {
            for (f, place) in escaped.places() {
                let start = f as usize * c_n;
                let row = codes.get_mut(start..start + c_n);
                debug_assert!(row.is_some(), "escaped feature {f} past the codes");
                if let Some(row) = row {
                    write_place(row, place);
                }
            }
        }
        self.codes = codes;
        self.escaped = escaped;
    }

    /// Whether every escaped row's place is written in its codes (for tests).
    #[cfg(test)]
    pub(crate) fn escaped_in_codes(&self) -> bool {
        self.escaped_in_codes
    }
}

/// Writes `place` into the codes of an escaped row after its first byte ([`ESCAPE`]), high byte
/// first; [`place_in_codes`] reads it back. The row must have room for it (`set_codes` checks).
fn write_place(row: &mut [u8], place: u32) {
    let n = row.len();
    for (k, byte) in row.iter_mut().enumerate().skip(1) {
        *byte = (place as u64 >> (8 * (n - 1 - k))) as u8;
    }
}

/// The place [`write_place`] wrote into a row of codes.
#[inline(always)]
fn place_in_codes(row: &[u8]) -> usize {
    row.iter().skip(1).fold(0usize, |p, &b| p << 8 | b as usize)
}

/// The weight codes of multinomial rows of `C` classes (the counts themselves), and in
/// `escaped` the features with a count too large for a code: [`NaiveBayes::refresh_all`] for the
/// usual class counts, with each row in registers (loading a model codes 100,000s of rows).
fn code_rows<const C: usize>(counts: &[u64], codes: &mut [u8], escaped: &mut Vec<FeatureId>) {
    for (f, (row, out)) in counts
        .chunks_exact(C)
        .zip(codes.chunks_exact_mut(C))
        .enumerate()
    {
        let mut cells = [0u8; C];
        let mut large = false;
        for c in 0..C {
            large |= row[c] >= ESCAPE as u64;
            cells[c] = row[c] as u8;
        }
        if large {
            escaped.push(f as FeatureId);
        } else {
            out.copy_from_slice(&cells);
        }
    }
}

/// Whether counts add up past [`MAX_TOTAL_COUNT`]: totals must stay exact in f64 and never
/// overflow u64 sums anywhere downstream.
fn too_big(counts: &[u64]) -> bool {
    counts
        .iter()
        .try_fold(0u64, |a, &x| a.checked_add(x))
        .map_or(true, |t| t > MAX_TOTAL_COUNT)
}

/// Size of the table of `ln(n + alpha)` used when deriving weights.
const LN_TABLE: usize = 256;

/// `ln(n + alpha)`, from a table for small `n` (the values are the same either way).
struct LnAlpha {
    alpha: f64,
    table: Vec<f64>,
}

impl LnAlpha {
    fn new(alpha: f64) -> LnAlpha {
        LnAlpha {
            alpha,
            table: (0..HELD_OUT_LN_TABLE)
                .map(|n| (n as f64 + alpha).ln())
                .collect(),
        }
    }

    #[inline]
    fn of(&self, n: u64) -> f64 {
        match self.table.get(n as usize) {
            Some(&w) => w,
            None => (n as f64 + self.alpha).ln(),
        }
    }
}

/// Features per block of [`NaiveBayes::out_of_fold_scores`]: a block's held-out counts, weights
/// and marks (53 bytes a feature with three labels) mostly stay in a 1-2 MB cache. Chosen by
/// timing the calibration of the shipped notes (183,214 features, as `examples/fit_time`
/// prints; 10 folds; a timer around it while choosing, not kept) with other sizes: blocks of
/// 2,048 and 8,192 features were slower, as were 131,072 and no blocks at all.
/// `examples/fit_time` times whole fits.
const FEATURE_BLOCK: usize = 32768;

/// Cells (features × labels) per block at most: with many labels a block holds fewer features,
/// so that its scratch stays about the size it has for three (2.4 MB rather than 134 MB for
/// 256 labels, for each group of folds scored at once).
const FEATURE_BLOCK_CELLS: usize = 3 * FEATURE_BLOCK;

/// Size of the table of [`LnAlpha`]: calibration takes a logarithm per feature and fold.
const HELD_OUT_LN_TABLE: usize = 4096;

/// The first weight code of a feature whose weights are kept in full in [`EscapedRows`]: one
/// whose count (the complement's, for complement naive Bayes) is this or more in some label.
/// Its other codes are [`ESCAPE`] too, or hold its place in [`EscapedRows`] (see `set_codes`).
const ESCAPE: u8 = u8::MAX;

/// The full rows of weights of the few features that cannot be coded in a byte, found by an
/// open-addressing table keyed by feature (small, so it stays in cache).
#[derive(Debug, Clone, Default)]
struct EscapedRows {
    /// `(feature, row)` slots, a power of two of them, at most half full; `u32::MAX` is empty.
    slots: Vec<(FeatureId, u32)>,
    /// The rows, `n_classes` weights each.
    weights: Vec<f64>,
}

impl EscapedRows {
    fn new(rows: Vec<(FeatureId, Vec<f64>)>, n_classes: usize) -> EscapedRows {
        let size = (2 * rows.len()).next_power_of_two().max(2);
        let mut slots = vec![(FeatureId::MAX, 0u32); size];
        let mut weights = Vec::with_capacity(rows.len() * n_classes);
        for (i, (f, row)) in rows.into_iter().enumerate() {
            let mut k = Self::start(f, size);
            while slots[k].0 != FeatureId::MAX {
                k = (k + 1) & (size - 1);
            }
            slots[k] = (f, i as u32);
            weights.extend(row);
        }
        EscapedRows { slots, weights }
    }

    #[inline]
    fn start(f: FeatureId, size: usize) -> usize {
        ((f as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (size - 1)
    }

    /// The number of escaped rows (counted: only loading and tests ask).
    fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.0 != FeatureId::MAX).count()
    }

    /// Each escaped feature and its row's place in `weights` (in rows).
    fn places(&self) -> impl Iterator<Item = (FeatureId, u32)> + '_ {
        self.slots.iter().copied().filter(|s| s.0 != FeatureId::MAX)
    }

    /// The row of weights of an escaped feature (every feature whose first code is [`ESCAPE`]
    /// has one).
    #[inline]
    fn row(&self, f: FeatureId, n_classes: usize) -> &[f64] {
        let size = self.slots.len();
        let mut k = Self::start(f, size);
        loop {
            match self.slots[k] {
                (g, row) if g == f => {
                    let start = row as usize * n_classes;
                    return &self.weights[start..start + n_classes];
                }
                (FeatureId::MAX, _) => return &[],
                _ => k = (k + 1) & (size - 1),
            }
        }
    }
}

/// The per-class bias and per-token normaliser, from class counts and vocabulary size `v`.
fn class_terms(
    settings: &NaiveBayesSettings,
    docs: &[u64],
    tokens: &[u64],
    v: f64,
) -> (Vec<f64>, Vec<f64>) {
    let alpha = settings.alpha;
    let n_docs: u64 = docs.iter().sum();
    let all_tokens: u64 = tokens.iter().sum();
    let k = docs.len() as f64;
    let bias = docs
        .iter()
        .map(|&d| match (settings.kind, settings.priors) {
            (NaiveBayesKind::Complement, _) => 0.0,
            (_, ClassPriors::Uniform) => -(k.ln()),
            // A class with no examples left (after unlearn) gets a vanishing prior, not -inf.
            (_, ClassPriors::Learned) => ((d as f64).max(1e-9) / (n_docs.max(1) as f64)).ln(),
        })
        .collect();
    let per_token = tokens
        .iter()
        .map(|&t| match settings.kind {
            NaiveBayesKind::Multinomial => (t as f64 + alpha * v).ln(),
            NaiveBayesKind::Complement => -(((all_tokens - t) as f64) + alpha * v).ln(),
        })
        .collect();
    (bias, per_token)
}

/// The probabilities `softmax(scores / temperature)` into `probs`, with the maximum shifted out
/// first so that no exponent overflows however long the message.
pub(crate) fn softmax_into(scores: &[f64], temperature: f64, probs: &mut [f64]) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (p, s) in probs.iter_mut().zip(scores) {
        *p = ((s - max) / temperature).exp();
    }
    let sum: f64 = probs.iter().sum();
    if sum.is_finite() && sum > 0.0 {
        probs.iter_mut().for_each(|p| *p /= sum);
    } else {
        let k = probs.len() as f64;
        probs.iter_mut().for_each(|p| *p = 1.0 / k);
    }
}

/// [`softmax_into`] a new vector.
#[cfg(test)]
pub(crate) fn softmax(scores: &[f64], temperature: f64) -> Vec<f64> {
    let mut probs = vec![0.0; scores.len()];
    softmax_into(scores, temperature, &mut probs);
    probs
}

/// The index of the largest score; ties go to the lowest index (the first label in label order).
pub(crate) fn argmax(scores: &[f64]) -> usize {
    let mut best = 0;
    for (i, &s) in scores.iter().enumerate() {
        if s > scores[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(kind: NaiveBayesKind) -> NaiveBayes {
        // 3 features × 2 classes.
        let settings = NaiveBayesSettings {
            kind,
            alpha: 1.0,
            priors: ClassPriors::Learned,
        };
        NaiveBayes::from_counts(settings, 2, vec![3, 0, 1, 1, 0, 4], vec![2, 3]).unwrap()
    }

    #[test]
    fn multinomial_scores_are_joint_log_likelihoods() {
        let nb = toy(NaiveBayesKind::Multinomial);
        let s = nb.scores(&vec![(0, 2), (2, 1)]);
        // class 0: tokens 4, class 1: tokens 5, V = 3, alpha = 1.
        let e0 = (2.0f64 / 5.0).ln() + 2.0 * (4.0f64 / 7.0).ln() + (1.0f64 / 7.0).ln();
        let e1 = (3.0f64 / 5.0).ln() + 2.0 * (1.0f64 / 8.0).ln() + (5.0f64 / 8.0).ln();
        assert!(
            (s[0] - e0).abs() < 1e-12 && (s[1] - e1).abs() < 1e-12,
            "{s:?}"
        );
    }

    #[test]
    fn complement_scores() {
        let nb = toy(NaiveBayesKind::Complement);
        let s = nb.scores(&vec![(0, 1)]);
        // complement of class 0 is class 1: feature 0 count 0, tokens 5 → -ln((0+1)/(5+3)).
        let e0 = -(1.0f64 / 8.0).ln();
        let e1 = -(4.0f64 / 7.0).ln();
        assert!(
            (s[0] - e0).abs() < 1e-12 && (s[1] - e1).abs() < 1e-12,
            "{s:?}"
        );
    }

    #[test]
    fn softmax_survives_huge_scores() {
        let p = softmax(&[-1e6, -1e6 - 1.0, -2e6], 1.0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[0] > p[1] && p[2] == 0.0);
    }

    #[test]
    fn ties_go_to_the_first_label() {
        assert_eq!(argmax(&[1.0, 1.0, 0.5]), 0);
        assert_eq!(argmax(&[0.5, 1.0, 1.0]), 1);
    }

    /// What [`NaiveBayes::out_of_fold_scores`] must equal: for each fold, a model fitted on
    /// the counts without it (dropping features left below `min_count`, renumbered), scoring each
    /// of the fold's rows.
    fn refit_scores(
        settings: NaiveBayesSettings,
        n_classes: usize,
        counts: &[u64],
        docs: &[u64],
        rows: &[(&[(FeatureId, u32)], usize)],
        fold_ends: &[usize],
        min_count: u64,
    ) -> Vec<f64> {
        let mut out = Vec::new();
        let mut begin = 0;
        for &end in fold_ends {
            let fold = &rows[begin..end];
            begin = end;
            let (mut rest, mut rest_docs) = (counts.to_vec(), docs.to_vec());
            for &(row, c) in fold {
                rest_docs[c] -= 1;
                for &(f, k) in row {
                    rest[f as usize * n_classes + c] -= k as u64;
                }
            }
            let mut renumbered = Vec::new();
            let mut kept = Vec::new();
            for cells in rest.chunks_exact(n_classes) {
                if cells.iter().sum::<u64>() >= min_count {
                    renumbered.push(Some((kept.len() / n_classes) as FeatureId));
                    kept.extend_from_slice(cells);
                } else {
                    renumbered.push(None);
                }
            }
            let refit = NaiveBayes::from_counts(settings, n_classes, kept, rest_docs).unwrap();
            for &(row, _) in fold {
                let row: SparseCounts = row
                    .iter()
                    .filter_map(|&(f, k)| renumbered[f as usize].map(|g| (g, k)))
                    .collect();
                out.extend(refit.scores(&row));
            }
        }
        out
    }

    #[test]
    fn out_of_fold_scores_equal_refits() {
        let mut rng = crate::dataset::SplitMix64::new(7);
        for case in 0..48 {
            let n_classes = [2, 3, 4][case % 3];
            let kind = [NaiveBayesKind::Multinomial, NaiveBayesKind::Complement][case / 3 % 2];
            let min_count = [1, 2, 3, 5][case / 6 % 4];
            let settings = NaiveBayesSettings {
                kind,
                alpha: [1.0, 0.1][case / 24],
                priors: ClassPriors::Learned,
            };
            // Rows over a few hundred features (the blocks of 1, 7 and 64 below cut them into
            // many), each class in every fold; plus rows only the model has (not scored, as when
            // the sample is part of the training data).
            let n_features = 400;
            let n_folds = 2 + case % 4;
            let mut all_rows: Vec<(SparseCounts, usize)> = Vec::new();
            for i in 0..(n_folds * n_classes * 3 + 7) {
                let mut row: SparseCounts = (0..1 + rng.below(12))
                    .map(|_| {
                        // Mostly a few common features, some rare ones anywhere.
                        let f = if rng.below(3) == 0 {
                            rng.below(n_features as u64)
                        } else {
                            rng.below(40) * 7
                        };
                        (f as FeatureId, 1 + rng.below(3) as u32)
                    })
                    .collect();
                row.sort_unstable();
                row.dedup_by_key(|p| p.0);
                all_rows.push((row, i % n_classes));
            }
            // A fitted model's features all have at least `min_count` occurrences: the others
            // leave the rows, and the rest are renumbered in order.
            let mut totals = vec![0u64; n_features];
            for (row, _) in &all_rows {
                for &(f, k) in row {
                    totals[f as usize] += k as u64;
                }
            }
            let mut number = vec![None; n_features];
            let mut n_kept = 0;
            for (f, &t) in totals.iter().enumerate() {
                if t >= min_count {
                    number[f] = Some(n_kept as FeatureId);
                    n_kept += 1;
                }
            }
            for (row, _) in &mut all_rows {
                *row = row
                    .iter()
                    .filter_map(|&(f, k)| number[f as usize].map(|g| (g, k)))
                    .collect();
            }
            let mut counts = vec![0u64; n_kept * n_classes];
            let mut docs = vec![0u64; n_classes];
            for (row, c) in &all_rows {
                docs[*c] += 1;
                for &(f, k) in row {
                    counts[f as usize * n_classes + c] += k as u64;
                }
            }
            let nb =
                NaiveBayes::from_counts(settings, n_classes, counts.clone(), docs.clone()).unwrap();
            // The sample: all but the last 7 rows, fold after fold (row i in fold i / per_fold
            // classes apart, so every fold holds each class three times).
            let sample = &all_rows[..all_rows.len() - 7];
            let per_fold = sample.len() / n_folds;
            let rows: Vec<(&[(FeatureId, u32)], usize)> =
                sample.iter().map(|(r, c)| (&r[..], *c)).collect();
            let fold_ends: Vec<usize> = (1..=n_folds).map(|g| g * per_fold).collect();
            let want = refit_scores(
                settings, n_classes, &counts, &docs, &rows, &fold_ends, min_count,
            );
            let whole = nb.out_of_fold_scores(&rows, &fold_ends, min_count);
            for (i, (x, y)) in whole.iter().zip(&want).enumerate() {
                assert!(
                    (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                    "case {case}, score {i}: {x} vs refit {y}"
                );
            }
            assert_eq!(whole.len(), want.len());
            // The blocks change where the work is done, not a bit of any sum.
            for block in [1, 7, 64] {
                let got = nb.out_of_fold_scores_in_blocks(&rows, &fold_ends, min_count, block);
                assert_eq!(got, whole, "case {case}, blocks of {block}");
            }
        }
    }

    /// A row with a count of 255 or more (of the complement's count, for complement naive Bayes)
    /// is escaped; scoring reads its weights through the place written in its codes where they
    /// fit (2 to 4 classes, and at most 256 rows for 2), and looks it up otherwise. Either way
    /// every weight is `±ln(count + alpha)`, and the scoring path gives bit for bit what the
    /// lookup does.
    #[test]
    fn escaped_rows_score_their_own_weights() {
        for n_classes in 2..=5 {
            for n_escaped in [0usize, 3, 256, 257, 300] {
                for kind in [NaiveBayesKind::Multinomial, NaiveBayesKind::Complement] {
                    let n_features = 400;
                    let mut counts: Vec<u64> = (0..n_features * n_classes)
                        .map(|i| (i as u64 * 7 + i as u64 / 3) % 11 + 1)
                        .collect();
                    for f in 0..n_escaped {
                        counts[f * n_classes + f % n_classes] = 255 + f as u64;
                    }
                    let settings = NaiveBayesSettings {
                        kind,
                        alpha: 0.5,
                        priors: ClassPriors::Learned,
                    };
                    let docs = vec![10; n_classes];
                    let nb =
                        NaiveBayes::from_counts(settings, n_classes, counts.clone(), docs).unwrap();
                    let escaped = nb.escaped.len();
                    let in_codes = match n_classes {
                        2 => escaped <= 256,
                        3 | 4 => true,
                        _ => false,
                    };
                    let case = format!("{n_classes} classes, {escaped} escaped, {kind:?}");
                    assert_eq!(nb.escaped_in_codes, in_codes, "{case}");
                    assert!(n_escaped == 0 || escaped >= n_escaped, "{case}");
                    for f in 0..n_features {
                        let row = &counts[f * n_classes..(f + 1) * n_classes];
                        let total: u64 = row.iter().sum();
                        let expected: Vec<f64> = row
                            .iter()
                            .map(|&n| match kind {
                                NaiveBayesKind::Multinomial => (n as f64 + 0.5).ln(),
                                NaiveBayesKind::Complement => -((total - n) as f64 + 0.5).ln(),
                            })
                            .collect();
                        let mut looked_up = vec![0.0; n_classes];
                        nb.add_feature(f as FeatureId, &mut looked_up);
                        for c in 0..n_classes {
                            let w = nb.weight(f as FeatureId, c);
                            assert!((w - expected[c]).abs() < 1e-12, "{case}: {f} {c}");
                            assert_eq!(w.to_bits(), looked_up[c].to_bits(), "{case}: {f} {c}");
                        }
                        let scored = match n_classes {
                            2 => scored_n::<2>(&nb, f as FeatureId),
                            3 => scored_n::<3>(&nb, f as FeatureId),
                            4 => scored_n::<4>(&nb, f as FeatureId),
                            _ => continue,
                        };
                        let bits = |v: &[f64]| v.iter().map(|w| w.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&scored), bits(&looked_up), "{case}: {f}");
                    }
                }
            }
        }
    }

    /// Places are written and read back whole, on the edges of each byte, for rows of 2 to 4
    /// codes (the largest place each can hold: 255, 65,535, 2^24 − 1).
    #[test]
    fn places_in_codes_are_read_as_written() {
        for n_classes in 2..=4usize {
            let largest = (1u64 << (8 * (n_classes - 1))) - 1;
            for place in [0u64, 1, 255, 256, 65_535, 65_536, 0x12_3456, (1 << 24) - 1] {
                if place > largest {
                    continue;
                }
                let mut row = vec![ESCAPE; n_classes];
                write_place(&mut row, place as u32);
                assert_eq!(row[0], ESCAPE);
                assert_eq!(place_in_codes(&row), place as usize, "{n_classes} {place}");
            }
        }
    }

    fn scored_n<const C: usize>(nb: &NaiveBayes, f: FeatureId) -> Vec<f64> {
        let mut sums = [0.0; C];
        nb.add_feature_n::<C>(f, &mut sums);
        sums.to_vec()
    }

    #[test]
    fn removing_more_than_learned_is_refused() {
        let mut nb = toy(NaiveBayesKind::Multinomial);
        let before = nb.clone();
        assert!(nb.update(&vec![(0, 1), (2, 9)], 0, true).is_err());
        assert_eq!(nb, before);
    }

    #[test]
    fn alpha_is_checked() {
        for alpha in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let s = NaiveBayesSettings {
                alpha,
                ..Default::default()
            };
            assert!(s.check().is_err(), "{alpha}");
        }
    }
}
