//! Calibrated confidence. Naive Bayes treats every word as independent evidence, so its raw
//! posteriors are far too sure (0.9999 on a coin-flip note). nopitch divides the scores by a
//! temperature `T` before the softmax (Guo et al., 2017, "On Calibration of Modern Neural
//! Networks"): one parameter, fitted at training time on held-out scores (leaving one group of
//! examples out at a time when they have groups, else random folds) by minimising the negative
//! log-likelihood, which keeps the ranking of labels and fixes the confidence.

/// Below this calibrated confidence a prediction is unsure. Chosen by cost on cross-validated
/// predictions of the shipped data (`cargo run --release --example calibration`): a known contact
/// called sales costs 10, a pitch let through costs 1, an unsure verdict costs 0.2 (SpamBayes'
/// convention). The README has the cost table: the curve is shallow from about 0.79 to 0.94, and
/// 0.815 keeps the share sent to review near a sixth where the minimum (0.915) would send a quarter.
pub const DEFAULT_UNSURE_BELOW: f64 = 0.815;

/// The temperature minimising the negative log-likelihood of the true classes under
/// `softmax(scores / T)`, for rows of `n_classes` scores each (`scores` holds them one row after
/// another) with the true class of each row in `classes`. The objective is convex in `β = 1/T`
/// (its second derivative is the variance of the scores under the softmax), so Newton's method
/// on `β` converges in a few steps; a bracket keeps every step inside `β ∈ [0.001, 20]` (`T`
/// between 0.05 and 1000) and falls back to bisection whenever Newton would leave it.
pub(crate) fn fit_temperature(scores: &[f64], n_classes: usize, classes: &[usize]) -> f64 {
    if classes.is_empty() || n_classes == 0 {
        return 1.0;
    }
    // Scores shifted so each row's maximum is 0: exponents stay in range for any β.
    let mut shifted = scores.to_vec();
    for row in shifted.chunks_exact_mut(n_classes) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.iter_mut().for_each(|v| *v -= max);
    }
    // First and second derivative of the NLL at β.
    let derivatives = |beta: f64| -> (f64, f64) {
        let (mut d1, mut d2) = (0.0, 0.0);
        for (s, &y) in shifted.chunks_exact(n_classes).zip(classes) {
            let (mut z, mut m1, mut m2) = (0.0, 0.0, 0.0);
            for &v in s {
                // The row's maximum (shifted to 0) weighs exactly 1: no `exp` for it.
                let w = if v == 0.0 { 1.0 } else { (beta * v).exp() };
                z += w;
                m1 += w * v;
                m2 += w * v * v;
            }
            let mean = m1 / z;
            d1 += mean - s[y];
            d2 += (m2 / z - mean * mean).max(0.0);
        }
        (d1, d2)
    };
    let (mut lo, mut hi) = (1e-3f64, 20.0f64);
    let mut beta = 1.0f64;
    for _ in 0..60 {
        let (d1, d2) = derivatives(beta);
        if d1 > 0.0 {
            hi = beta;
        } else {
            lo = beta;
        }
        let newton = beta - d1 / d2;
        let next = if d2 > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            (lo + hi) / 2.0
        };
        if (next - beta).abs() <= 1e-12 * beta {
            beta = next;
            break;
        }
        beta = next;
    }
    if beta.is_finite() && beta > 0.0 {
        1.0 / beta
    } else {
        1.0
    }
}

/// Expected calibration error: predictions grouped into `bins` equal-width bins of confidence;
/// the mean over bins, weighted by their share of predictions, of |accuracy − mean confidence|.
///
/// `predictions` holds `(confidence, correct)` pairs. Returns 0 for no predictions. `bins` is
/// taken between 1 and 100,000.
pub fn expected_calibration_error(predictions: &[(f64, bool)], bins: usize) -> f64 {
    // A cap far beyond any useful number of bins keeps the allocation bounded.
    let bins = bins.clamp(1, 100_000);
    if predictions.is_empty() {
        return 0.0;
    }
    let mut count = vec![0usize; bins];
    let mut conf = vec![0.0; bins];
    let mut correct = vec![0usize; bins];
    for &(c, ok) in predictions {
        let b = ((c.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        count[b] += 1;
        conf[b] += c;
        correct[b] += ok as usize;
    }
    let n = predictions.len() as f64;
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| {
            let k = count[b] as f64;
            (k / n) * (correct[b] as f64 / k - conf[b] / k).abs()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_softens_overconfident_scores() {
        // Scores that always claim a 20-nat margin but are right only 75% of the time.
        let mut scores = Vec::new();
        let mut classes = Vec::new();
        for i in 0..400 {
            scores.extend([20.0, 0.0]);
            classes.push(if i % 4 == 0 { 1 } else { 0 });
        }
        let t = fit_temperature(&scores, 2, &classes);
        // The NLL optimum puts P(class 0) at 0.75: 20 / T = ln 3.
        assert!((20.0 / t - 3f64.ln()).abs() < 1e-3, "{t}");
    }

    #[test]
    fn ece_of_perfectly_calibrated_bins_is_zero() {
        let mut p = Vec::new();
        for i in 0..10 {
            p.push((0.75, i < 7));
        }
        // 7 of 10 right at confidence 0.75: |0.7 - 0.75| = 0.05.
        assert!((expected_calibration_error(&p, 10) - 0.05).abs() < 1e-12);
        assert_eq!(expected_calibration_error(&[], 10), 0.0);
        assert!(expected_calibration_error(&[(0.5, true)], usize::MAX).is_finite());
    }
}
