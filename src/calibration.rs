//! Calibrated confidence. Naive Bayes treats every word as independent evidence, so its raw
//! posteriors are far too sure (0.9999 on a coin-flip note). nopitch divides the scores by a
//! temperature `T` before the softmax (Guo et al., 2017, "On Calibration of Modern Neural
//! Networks"): one parameter, fitted at training time on cross-validated scores by minimising
//! the negative log-likelihood, which keeps the ranking of labels and fixes the confidence.

/// Below this calibrated confidence a prediction is unsure. Chosen by cost on cross-validated
/// predictions of the shipped data (`cargo run --release --example calibration`): a known contact
/// called sales costs 10, a pitch let through costs 1, an unsure verdict costs 0.2 (SpamBayes'
/// convention). See the crate docs for the table.
pub const DEFAULT_UNSURE_BELOW: f64 = 0.8;

/// The temperature minimising the negative log-likelihood of the true classes under
/// `softmax(scores / T)`. The objective is convex in `1/T`, so a golden-section search over
/// `1/T` finds the optimum; `T` is kept between 0.05 and 1000.
pub(crate) fn fit_temperature(scored: &[(Vec<f64>, usize)]) -> f64 {
    if scored.is_empty() {
        return 1.0;
    }
    let nll = |beta: f64| -> f64 {
        scored
            .iter()
            .map(|(s, y)| {
                let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let lse = s.iter().map(|v| ((v - max) * beta).exp()).sum::<f64>().ln();
                lse - (s[*y] - max) * beta
            })
            .sum()
    };
    // Search ln(beta) in [ln(1/1000), ln(20)].
    let (mut lo, mut hi) = ((1e-3f64).ln(), (20.0f64).ln());
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let mut a = hi - phi * (hi - lo);
    let mut b = lo + phi * (hi - lo);
    let (mut fa, mut fb) = (nll(a.exp()), nll(b.exp()));
    for _ in 0..80 {
        if fa <= fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = nll(a.exp());
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = nll(b.exp());
        }
    }
    let beta = ((lo + hi) / 2.0).exp();
    if beta.is_finite() && beta > 0.0 {
        1.0 / beta
    } else {
        1.0
    }
}

/// Expected calibration error: predictions grouped into `bins` equal-width bins of confidence;
/// the mean over bins, weighted by their share of predictions, of |accuracy − mean confidence|.
///
/// `predictions` holds `(confidence, correct)` pairs. Returns 0 for no predictions.
pub fn expected_calibration_error(predictions: &[(f64, bool)], bins: usize) -> f64 {
    let bins = bins.max(1);
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
        let mut scored = Vec::new();
        for i in 0..400 {
            let y = if i % 4 == 0 { 1 } else { 0 };
            scored.push((vec![20.0, 0.0], y));
        }
        let t = fit_temperature(&scored);
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
    }
}
