//! Open-addressing hash tables for the vocabulary's hot lookups: word → term and
//! (term, term) → bigram feature while a vocabulary grows.
//!
//! Classifying text the model has never seen is bound by memory latency, not arithmetic: each
//! token costs a few lookups in tables larger than the CPU cache. A general-purpose map spends
//! two or three cache misses on each (control bytes, the entry, then the key's separate heap
//! allocation to compare it). These tables keep the key inside a 16-byte slot, so a lookup
//! usually costs one miss, and size themselves to their content rather than to a power of two.
//! Both use linear probing at most [`MAX_LOAD_PERCENT`] full; neither removes entries (the
//! vocabulary rebuilds them instead).

/// Tables grow when they would be fuller than this, in percent.
const MAX_LOAD_PERCENT: usize = 70;

/// A [`StrMap`] is made (and regrown) this full, in percent. Classifying new text looks up many
/// words that are not there, and with linear probing a miss scans the whole run of filled slots
/// it lands in: about 6 slots at 70%, 1.6 at 35%. Measured on fresh text (10 alternating pairs of
/// runs), tables 70% full made classifying notes 7% and SMS 6% slower than tables 35% full.
const STR_MAP_LOAD_PERCENT: usize = 35;

/// Keys up to this many bytes are stored inside their slot; longer ones in a side arena.
const INLINE_KEY: usize = 11;

/// Marks a slot whose key lives in the arena (in the length byte).
const LONG_KEY: u8 = 0xFF;

const K1: u64 = 0x9E37_79B9_7F4A_7C15;
const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;

fn mix(h: u64) -> u64 {
    let h = (h ^ (h >> 32)).wrapping_mul(K2);
    h ^ (h >> 29)
}

/// The number of slots for `n` entries: at most `load_percent` full (at most
/// [`MAX_LOAD_PERCENT`], so that a table made for `n` entries takes the `n`th without growing).
fn slots_for(n: usize, load_percent: usize) -> usize {
    n.saturating_mul(100)
        .div_ceil(load_percent.min(MAX_LOAD_PERCENT))
        .max(n + 1)
        .max(8)
}

/// The slot a hash starts probing at, among `n` (a multiply, not a modulo).
#[inline]
fn start_slot(hash: u64, n: usize) -> usize {
    ((hash as u128 * n as u128) >> 64) as usize
}

/// One slot of a [`StrMap`]: 16 bytes, aligned so that it never straddles a cache line.
///
/// A key of up to [`INLINE_KEY`] bytes is stored in `lo` (bytes 0–7) and the low three bytes of
/// `hi` (bytes 8–10), zero-padded, with its length in the top byte of `hi`. A longer key keeps
/// its arena offset and length in `lo`, 24 bits of its hash in `hi`, and [`LONG_KEY`] in the top
/// byte. Keys are never empty, so an all-zero slot is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(16))]
struct StrSlot {
    lo: u64,
    hi: u32,
    value: u32,
}

const EMPTY_STR_SLOT: StrSlot = StrSlot {
    lo: 0,
    hi: 0,
    value: 0,
};

impl StrSlot {
    fn is_empty(&self) -> bool {
        self.hi == 0
    }

    fn is_long(&self) -> bool {
        (self.hi >> 24) as u8 == LONG_KEY
    }
}

/// The first 8 bytes (or fewer) as a little-endian word, zero-padded: two overlapping loads
/// instead of a byte loop or a call to `memcpy`, for the short words of a note.
#[inline]
fn load(b: &[u8]) -> u64 {
    let n = b.len();
    if let Some(w) = b.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    if let (Some(lo), Some(hi)) = (b.first_chunk::<4>(), b.last_chunk::<4>()) {
        return u32::from_le_bytes(*lo) as u64 | (u32::from_le_bytes(*hi) as u64) << (8 * (n - 4));
    }
    match (b.first_chunk::<2>(), b.last_chunk::<2>()) {
        (Some(lo), Some(hi)) => {
            u16::from_le_bytes(*lo) as u64 | (u16::from_le_bytes(*hi) as u64) << (8 * (n - 2))
        }
        _ => b.first().map_or(0, |&x| x as u64),
    }
}

/// The first eight bytes of `b` (fewer if it is shorter) as a little-endian number,
/// zero-padded: what a [`StrMap`] slot keeps of a short key, which a tokenizer can read from
/// the text it scans for [`StrMap::get_with_head`].
#[inline]
pub(crate) fn word_head(b: &[u8]) -> u64 {
    load(b.get(..b.len().min(8)).unwrap_or(&[]))
}

/// A key as it is stored in a slot (for long keys, without the arena position), and its hash.
#[derive(Clone, Copy)]
struct StrKey {
    lo: u64,
    hi: u32,
    hash: u64,
}

impl StrKey {
    #[inline(always)]
    fn new(key: &str) -> StrKey {
        let b = key.as_bytes();
        let n = b.len();
        if n <= INLINE_KEY {
            let lo = load(b.get(..n.min(8)).unwrap_or(&[]));
            let hi = load(b.get(8..).unwrap_or(&[])) as u32 | (n as u32) << 24;
            StrKey {
                lo,
                hi,
                hash: inline_hash(lo, hi),
            }
        } else {
            let hash = hash_bytes(b);
            let hi = (hash as u32 & 0x00FF_FFFF) | (LONG_KEY as u32) << 24;
            StrKey { lo: 0, hi, hash }
        }
    }

    /// [`StrKey::new`] for a key whose [`word_head`] is known: a key of up to eight bytes is
    /// then made without reading it again.
    #[inline(always)]
    fn with_head(key: &str, head: u64) -> StrKey {
        let n = key.len();
        if n <= 8 {
            debug_assert_eq!(head, word_head(key.as_bytes()), "{key}");
            let hi = (n as u32) << 24;
            return StrKey {
                lo: head,
                hi,
                hash: inline_hash(head, hi),
            };
        }
        StrKey::new(key)
    }

    fn is_long(&self) -> bool {
        (self.hi >> 24) as u8 == LONG_KEY
    }
}

/// The hash of a key stored inline (from its slot words).
#[inline(always)]
fn inline_hash(lo: u64, hi: u32) -> u64 {
    mix((lo ^ (hi as u64).rotate_left(32)).wrapping_mul(K1))
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = (b.len() as u64).wrapping_mul(K2);
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        h = (h ^ load(chunk)).wrapping_mul(K1).rotate_left(29);
    }
    mix((h ^ load(chunks.remainder())).wrapping_mul(K1))
}

/// A map from (non-empty) strings to `u32`.
#[derive(Debug, Clone)]
pub(crate) struct StrMap {
    slots: Vec<StrSlot>,
    len: usize,
    /// Keys longer than [`INLINE_KEY`] bytes, concatenated.
    arena: String,
}

impl Default for StrMap {
    fn default() -> Self {
        StrMap::with_capacity(0)
    }
}

impl PartialEq for StrMap {
    fn eq(&self, other: &Self) -> bool {
        let mut same = self.len == other.len;
        self.for_each(|k, v| same &= other.get(k) == Some(v));
        same
    }
}

impl StrMap {
    /// An empty map with room for `n` entries before it grows.
    pub(crate) fn with_capacity(n: usize) -> StrMap {
        StrMap {
            slots: vec![EMPTY_STR_SLOT; slots_for(n, STR_MAP_LOAD_PERCENT)],
            len: 0,
            arena: String::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn long_key(&self, slot: &StrSlot) -> &str {
        let (start, len) = (slot.lo as u32 as usize, (slot.lo >> 32) as usize);
        self.arena.get(start..start + len).unwrap_or("")
    }

    #[inline]
    fn matches(&self, slot: &StrSlot, key: &StrKey, text: &str) -> bool {
        slot.hi == key.hi && (slot.lo == key.lo || key.is_long() && self.long_key(slot) == text)
    }

    /// The slot holding `text`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, key: &StrKey, text: &str) -> usize {
        let n = self.slots.len();
        let mut i = start_slot(key.hash, n);
        loop {
            let slot = &self.slots[i];
            if slot.is_empty() || self.matches(slot, key, text) {
                return i;
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
    }

    #[inline(always)]
    pub(crate) fn get(&self, text: &str) -> Option<u32> {
        if text.is_empty() {
            return None;
        }
        self.get_keyed(&StrKey::new(text), text)
    }

    /// [`StrMap::get`] for a `text` whose [`word_head`] is `head`.
    #[inline(always)]
    pub(crate) fn get_with_head(&self, text: &str, head: u64) -> Option<u32> {
        if text.is_empty() {
            return None;
        }
        self.get_keyed(&StrKey::with_head(text, head), text)
    }

    #[inline(always)]
    fn get_keyed(&self, key: &StrKey, text: &str) -> Option<u32> {
        let slot = &self.slots[self.find(key, text)];
        (!slot.is_empty()).then_some(slot.value)
    }

    /// Inserts or replaces; returns the previous value. The empty string is not stored.
    pub(crate) fn insert(&mut self, text: &str, value: u32) -> Option<u32> {
        if text.is_empty() {
            return None;
        }
        let key = StrKey::new(text);
        let i = self.find(&key, text);
        if !self.slots[i].is_empty() {
            return Some(std::mem::replace(&mut self.slots[i].value, value));
        }
        if (self.len + 1) * 100 > self.slots.len() * MAX_LOAD_PERCENT {
            *self = self.remapped(self.len + 1, Some);
            return self.insert(text, value);
        }
        let mut lo = key.lo;
        if key.is_long() {
            lo = self.arena.len() as u64 | (text.len() as u64) << 32;
            self.arena.push_str(text);
        }
        self.slots[i] = StrSlot {
            lo,
            hi: key.hi,
            value,
        };
        self.len += 1;
        None
    }

    /// A copy with room for `n` entries (at least as many as it keeps), with every value mapped
    /// by `f` (dropped where `None`). Slots move whole: keys are rehashed, not rebuilt.
    pub(crate) fn remapped(&self, n: usize, f: impl Fn(u32) -> Option<u32>) -> StrMap {
        let mut out = StrMap::with_capacity(n.max(self.len));
        let size = out.slots.len();
        for slot in self.slots.iter().filter(|s| !s.is_empty()) {
            let Some(value) = f(slot.value) else { continue };
            let mut slot = *slot;
            slot.value = value;
            let hash = if slot.is_long() {
                let text = self.long_key(&slot);
                slot.lo = out.arena.len() as u64 | (text.len() as u64) << 32;
                out.arena.push_str(text);
                hash_bytes(text.as_bytes())
            } else {
                inline_hash(slot.lo, slot.hi)
            };
            let mut i = start_slot(hash, size);
            while !out.slots[i].is_empty() {
                i += 1;
                if i == size {
                    i = 0;
                }
            }
            out.slots[i] = slot;
            out.len += 1;
        }
        out
    }

    /// Calls `f` with every entry, in slot order.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&str, u32)) {
        let mut buf = [0u8; 12];
        for slot in self.slots.iter().filter(|s| !s.is_empty()) {
            if slot.is_long() {
                f(self.long_key(slot), slot.value);
                continue;
            }
            buf[..8].copy_from_slice(&slot.lo.to_le_bytes());
            buf[8..].copy_from_slice(&slot.hi.to_le_bytes());
            let len = ((slot.hi >> 24) as usize).min(INLINE_KEY);
            f(std::str::from_utf8(&buf[..len]).unwrap_or(""), slot.value);
        }
    }
}

/// One slot of a [`PairMap`]: 16 bytes, aligned so that it never straddles a cache line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(16))]
struct PairSlot {
    key: u64,
    value: u32,
}

/// The key of an empty slot: no pair of real ids makes it (`u32::MAX` is never an id).
const EMPTY_PAIR: u64 = u64::MAX;

/// A map from pairs of `u32` ids (neither `u32::MAX`) to `u32`.
#[derive(Debug, Clone)]
pub(crate) struct PairMap {
    slots: Vec<PairSlot>,
    len: usize,
}

impl Default for PairMap {
    fn default() -> Self {
        PairMap::with_capacity(0)
    }
}

fn pair_key(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}

impl PairMap {
    /// An empty map with room for `n` entries before it grows.
    pub(crate) fn with_capacity(n: usize) -> PairMap {
        let slots = slots_for(n, MAX_LOAD_PERCENT);
        PairMap {
            slots: vec![
                PairSlot {
                    key: EMPTY_PAIR,
                    value: 0
                };
                slots
            ],
            len: 0,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn find(&self, key: u64) -> usize {
        let n = self.slots.len();
        let mut i = start_slot(mix(key.wrapping_mul(K1)), n);
        loop {
            let k = self.slots[i].key;
            if k == key || k == EMPTY_PAIR {
                return i;
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub(crate) fn get(&self, a: u32, b: u32) -> Option<u32> {
        let slot = &self.slots[self.find(pair_key(a, b))];
        (slot.key != EMPTY_PAIR).then_some(slot.value)
    }

    /// Inserts unless present; the value now stored and whether it was inserted.
    pub(crate) fn get_or_insert(&mut self, a: u32, b: u32, value: u32) -> (u32, bool) {
        let key = pair_key(a, b);
        let i = self.find(key);
        if self.slots[i].key == key {
            return (self.slots[i].value, false);
        }
        if (self.len + 1) * 100 > self.slots.len() * MAX_LOAD_PERCENT {
            let mut bigger = PairMap::with_capacity(2 * self.len + 1);
            for (a, b, v) in self.iter() {
                bigger.get_or_insert(a, b, v);
            }
            *self = bigger;
            return self.get_or_insert(a, b, value);
        }
        self.slots[i] = PairSlot { key, value };
        self.len += 1;
        (value, true)
    }

    /// Every entry as `(a, b, value)`, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.key != EMPTY_PAIR)
            .map(|s| ((s.key >> 32) as u32, s.key as u32, s.value))
    }
}

/// A read-only map from a block of bigram features to their ids, for a trained vocabulary whose
/// bigrams are the features `base..base + n`: one 8-byte slot per bigram, found by hashing both
/// terms, so that a lookup usually reads one cache line and compares one number.
///
/// A slot packs the first term (21 bits), the second (21 bits) and the bigram's place in the
/// block (22 bits); [`BigramTable::new`] returns `None` for vocabularies too large for that
/// (over two million terms or four million bigrams), which keep a slower index.
#[derive(Debug, Clone, Default)]
pub(crate) struct BigramTable {
    slots: Vec<u64>,
}

const TERM_BITS: u32 = 21;
const PLACE_BITS: u32 = 22;
/// An empty slot: the largest term id in both places, which no term has.
const EMPTY_BIGRAM: u64 = u64::MAX;
/// [`BigramTable`]s are at most this full, in percent: 40% classified fresh notes about 4%
/// faster than 60% (a third of the pairs a new text looks up are not there, and a miss scans
/// its run of filled slots), for 8 × 2.5 bytes per bigram.
const BIGRAM_LOAD_PERCENT: usize = 40;

impl BigramTable {
    /// The table of `bigrams` (first term, second term), in the order of their ids; `None` if a
    /// term or their number does not fit a slot. Each pair must appear once.
    pub(crate) fn new(bigrams: impl ExactSizeIterator<Item = (u32, u32)>) -> Option<BigramTable> {
        let n = bigrams.len();
        if n >= 1 << PLACE_BITS {
            return None;
        }
        let size = (n * 100 / BIGRAM_LOAD_PERCENT).max(n + 1).max(8);
        let mut slots = vec![EMPTY_BIGRAM; size];
        for (place, (a, b)) in bigrams.enumerate() {
            if a >= (1 << TERM_BITS) - 1 || b >= (1 << TERM_BITS) - 1 {
                return None;
            }
            let key = bigram_key(a, b);
            let mut i = start_slot(mix(key.wrapping_mul(K1)), size);
            while slots[i] != EMPTY_BIGRAM {
                i += 1;
                if i == size {
                    i = 0;
                }
            }
            slots[i] = key << PLACE_BITS | place as u64;
        }
        Some(BigramTable { slots })
    }

    /// The place of `(a, b)` among the bigrams the table was built from.
    #[inline]
    pub(crate) fn get(&self, a: u32, b: u32) -> Option<u32> {
        let n = self.slots.len();
        if n == 0 || a >= (1 << TERM_BITS) - 1 || b >= (1 << TERM_BITS) - 1 {
            return None;
        }
        let key = bigram_key(a, b);
        let mut i = start_slot(mix(key.wrapping_mul(K1)), n);
        loop {
            let slot = *self.slots.get(i)?;
            if slot == EMPTY_BIGRAM {
                return None;
            }
            if slot >> PLACE_BITS == key {
                return Some((slot & ((1 << PLACE_BITS) - 1)) as u32);
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[inline]
fn bigram_key(a: u32, b: u32) -> u64 {
    (a as u64) << TERM_BITS | b as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigram_table_finds_each_pair_at_its_place_and_nothing_else() {
        let pairs: Vec<(u32, u32)> = (0..400u32)
            .flat_map(|a| (0..a % 23).map(move |k| (a, (a * 7 + k * 13) % 997)))
            .collect();
        let table = BigramTable::new(pairs.iter().copied()).unwrap();
        for (place, &(a, b)) in pairs.iter().enumerate() {
            assert_eq!(table.get(a, b), Some(place as u32), "({a}, {b})");
        }
        let known: std::collections::HashSet<_> = pairs.iter().copied().collect();
        for a in 0..450u32 {
            for b in (0..1000u32).step_by(3) {
                if !known.contains(&(a, b)) {
                    assert_eq!(table.get(a, b), None, "({a}, {b})");
                }
            }
        }
        // Ids that cannot be packed are never found, and a table cannot hold them.
        assert_eq!(table.get(u32::MAX, 0), None);
        assert_eq!(table.get(0, 1 << 21), None);
        assert!(BigramTable::new([(1u32 << 21, 0u32)].into_iter()).is_none());
        assert!(BigramTable::default().get(0, 0).is_none());
        assert!(BigramTable::new(std::iter::empty())
            .unwrap()
            .get(0, 0)
            .is_none());
    }

    #[test]
    fn str_map_inserts_gets_and_grows() {
        let mut m = StrMap::default();
        let words: Vec<String> = (0..5000)
            .map(|i| match i % 4 {
                0 => format!("w{i}"),
                1 => format!("a-much-longer-word-than-fits-inline-{i}"),
                2 => "é".repeat(i % 30) + &i.to_string(),
                _ => format!("{i}"),
            })
            .collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(m.insert(w, i as u32), None, "{w}");
        }
        assert_eq!(m.len(), words.len());
        for (i, w) in words.iter().enumerate() {
            assert_eq!(m.get(w), Some(i as u32), "{w}");
        }
        assert_eq!(m.get("absent"), None);
        assert_eq!(m.get(""), None);
        for w in words
            .iter()
            .map(String::as_str)
            .chain(["absent", "", "w", "w00000000000"])
        {
            let head = word_head(w.as_bytes());
            assert_eq!(m.get_with_head(w, head), m.get(w), "{w}");
        }
        assert_eq!(m.insert("w0", 7), Some(0));
        assert_eq!(m.get("w0"), Some(7));
        let mut seen: Vec<(String, u32)> = Vec::new();
        m.for_each(|k, v| seen.push((k.to_string(), v)));
        seen.sort();
        assert_eq!(seen.len(), words.len());
        assert!(seen.iter().all(|(k, v)| m.get(k) == Some(*v)));
    }

    #[test]
    fn a_map_made_for_n_entries_takes_them_without_growing() {
        for n in [1, 7, 69, 70, 71, 1000, 13_049, 19_361] {
            let mut m = StrMap::with_capacity(n);
            let mut p = PairMap::with_capacity(n);
            let (str_slots, pair_slots) = (m.slots.len(), p.slots.len());
            for i in 0..n as u32 {
                m.insert(&format!("w{i}"), i);
                p.get_or_insert(i, i + 1, i);
            }
            assert_eq!(
                (m.slots.len(), p.slots.len()),
                (str_slots, pair_slots),
                "{n}"
            );
        }
    }

    #[test]
    fn str_map_keys_at_the_inline_limit() {
        let mut m = StrMap::default();
        for len in 1..60 {
            m.insert(&"x".repeat(len), len as u32);
        }
        for len in 1..60 {
            assert_eq!(m.get(&"x".repeat(len)), Some(len as u32));
        }
        assert_eq!(m.get(""), None);
        let doubled = m.remapped(10, |v| (v % 2 == 0).then_some(v * 2));
        for len in 1..60 {
            let expected = (len % 2 == 0).then_some(2 * len as u32);
            assert_eq!(doubled.get(&"x".repeat(len)), expected);
        }
        assert_eq!(doubled.len(), 29);
    }

    #[test]
    fn pair_map_inserts_gets_and_grows() {
        let mut m = PairMap::default();
        for a in 0..300u32 {
            for b in (0..300u32).step_by(7) {
                assert_eq!(m.get_or_insert(a, b, a * 1000 + b), (a * 1000 + b, true));
            }
        }
        for a in 0..300u32 {
            for b in 0..300u32 {
                let expected = (b % 7 == 0).then_some(a * 1000 + b);
                assert_eq!(m.get(a, b), expected);
            }
        }
        assert_eq!(m.get_or_insert(1, 7, 0), (1007, false));
        assert_eq!(m.iter().count(), m.len());
    }
}
