//! Work split over the cores with the `rayon` feature, or done in the calling thread without it.
//!
//! The library starts no threads of its own: an application opts in with the feature (and
//! sizes rayon's pool as it likes). Every caller splits its work so that the result does not
//! depend on how many parts ran at once: the same model, to the last bit, with or without it.

/// How many parts to split work into: rayon's threads with the feature, else one.
pub(crate) fn workers() -> usize {
    #[cfg(feature = "rayon")]
    {
        rayon::current_num_threads().max(1)
    }
    #[cfg(not(feature = "rayon"))]
    {
        1
    }
}

/// `f` of each item, in the items' order (on several threads with the `rayon` feature).
pub(crate) fn map_in_order<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        items.iter().map(f).collect()
    }
}

/// `f` of each item, in the items' order, or the first error (with the `rayon` feature, the
/// items not yet started are then skipped).
pub(crate) fn try_map_in_order<T, R, E, F>(items: &[T], f: F) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync + Send,
{
    #[cfg(feature = "rayon")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "rayon"))]
    {
        items.iter().map(f).collect()
    }
}

/// `0..n` cut into at most `parts` contiguous ranges of about equal `weight` (each range
/// non-empty), in order.
pub(crate) fn split_by_weight(
    n: usize,
    parts: usize,
    weight: impl Fn(usize) -> u64,
) -> Vec<std::ops::Range<usize>> {
    let total: u64 = (0..n).map(&weight).sum();
    let parts = parts.clamp(1, n.max(1)) as u64;
    let mut ranges = Vec::with_capacity(parts as usize);
    let (mut start, mut sum) = (0, 0u64);
    for i in 0..n {
        sum += weight(i);
        // Close a range once its share of the total is reached (the last one takes the rest).
        let target = total * (ranges.len() as u64 + 1) / parts;
        if sum >= target && (ranges.len() as u64) < parts - 1 {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < n {
        ranges.push(start..n);
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cover_everything_in_order_without_empty_parts() {
        for n in 0..40 {
            for parts in 1..9 {
                let ranges = split_by_weight(n, parts, |i| (i % 5) as u64 * 3 + 1);
                assert!(ranges.len() <= parts.max(1));
                let mut next = 0;
                for r in &ranges {
                    assert_eq!(r.start, next, "{n} in {parts}: {ranges:?}");
                    assert!(r.end > r.start, "{n} in {parts}: {ranges:?}");
                    next = r.end;
                }
                assert_eq!(next, n);
                if n >= parts {
                    // Evenly weighted items fill every part.
                    assert_eq!(split_by_weight(n, parts, |_| 1).len(), parts);
                }
            }
        }
        // Heavy items get a part of their own.
        assert_eq!(
            split_by_weight(4, 2, |i| [10, 1, 1, 10][i]),
            vec![0..2, 2..4]
        );
        assert_eq!(map_in_order(&[1, 2, 3], |x| x * 10), vec![10, 20, 30]);
        let halve = |x: &i32| if x % 2 == 0 { Ok(x / 2) } else { Err(*x) };
        assert_eq!(try_map_in_order(&[2, 4, 6], halve), Ok(vec![1, 2, 3]));
        assert_eq!(try_map_in_order(&[2, 3, 6], halve), Err(3));
    }
}
