//! An append-only log with a cap: when it grows past the cap, the oldest tenth goes at once, and every
//! entry keeps the index it was given (indices count from the first entry ever pushed). Views that
//! remember an index (a selection, a filter's matches) stay right; an index that fell off simply
//! finds nothing.
//!
//! A log of payloads can also have a byte budget ([`Ring::weighed`]): a flood of large messages must
//! not grow the page until the tab runs out of memory (a WebAssembly page has at most 4 GiB, and a
//! browser tab often less). Past the budget the oldest tenth goes too, as often as needed.

use std::collections::VecDeque;

/// How much an entry weighs against a byte budget.
pub type Weigh<T> = fn(&T) -> usize;

/// Entries with stable `u64` indices; see the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    first: u64,
    cap: usize,
    epoch: u32,
    /// The byte budget and how to weigh an entry, if the log has one.
    budget: Option<(usize, Weigh<T>)>,
    /// Bytes of the entries kept (with a budget).
    bytes: usize,
}

impl<T> Ring<T> {
    /// An empty log keeping at most `cap` entries (at least 10).
    pub fn new(cap: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            first: 0,
            cap: cap.max(10),
            epoch: 0,
            budget: None,
            bytes: 0,
        }
    }

    /// An empty log keeping at most `cap` entries and about `max_bytes` of them as `weigh` counts.
    pub fn weighed(cap: usize, max_bytes: usize, weigh: Weigh<T>) -> Self {
        Ring {
            budget: Some((max_bytes, weigh)),
            ..Ring::new(cap)
        }
    }

    /// Appends `item` and returns its index.
    pub fn push(&mut self, item: T) -> u64 {
        if self.items.len() >= self.cap {
            self.drop_oldest(self.cap / 10);
        }
        if let Some((max_bytes, weigh)) = self.budget {
            self.bytes += weigh(&item);
            // The newest entry always stays, however large.
            while self.bytes > max_bytes && !self.items.is_empty() {
                self.drop_oldest((self.items.len() / 10).max(1));
            }
        }
        self.items.push_back(item);
        self.end() - 1
    }

    fn drop_oldest(&mut self, count: usize) {
        let count = count.min(self.items.len());
        for gone in self.items.drain(..count) {
            if let Some((_, weigh)) = self.budget {
                self.bytes = self.bytes.saturating_sub(weigh(&gone));
            }
        }
        self.first += count as u64;
    }

    /// Bytes kept, as the budget counts them (0 without one).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The entry at `index`, if it is still kept.
    pub fn get(&self, index: u64) -> Option<&T> {
        let offset = index.checked_sub(self.first)?;
        self.items.get(usize::try_from(offset).ok()?)
    }

    /// The entry at `index`, mutable, if it is still kept.
    pub fn get_mut(&mut self, index: u64) -> Option<&mut T> {
        let offset = index.checked_sub(self.first)?;
        self.items.get_mut(usize::try_from(offset).ok()?)
    }

    /// Index of the oldest entry kept.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// One past the index of the newest entry: the number of entries ever pushed.
    pub fn end(&self) -> u64 {
        self.first + self.items.len() as u64
    }

    /// Entries kept.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The entries kept from `index` on (from the oldest kept if `index` fell off), with their indices.
    pub fn iter_from(&self, index: u64) -> impl Iterator<Item = (u64, &T)> + '_ {
        let start = index.max(self.first);
        let skip = usize::try_from(start - self.first).unwrap_or(usize::MAX);
        self.items
            .iter()
            .skip(skip)
            .enumerate()
            .map(move |(n, item)| (start + n as u64, item))
    }

    /// The newest entry.
    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    /// Forgets every entry from `end` on (a forked future); the indices before stay.
    pub fn truncate(&mut self, end: u64) {
        let keep = usize::try_from(end.saturating_sub(self.first)).unwrap_or(usize::MAX);
        if let Some((_, weigh)) = self.budget {
            let forgotten: usize = self.items.iter().skip(keep).map(weigh).sum();
            self.bytes = self.bytes.saturating_sub(forgotten);
        }
        self.items.truncate(keep);
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Changes whenever entries were forgotten from the end, so incremental views start over.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The index of the first entry kept for which `before` is false, given that it is true for every
    /// entry before it and false after (entries sorted by what `before` tests): a binary search.
    pub fn partition_point(&self, before: impl FnMut(&T) -> bool) -> u64 {
        self.first + self.items.partition_point(before) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn indices_survive_dropping_the_oldest_tenth() {
        let mut ring = Ring::new(100);
        for n in 0..100u32 {
            assert_eq!(ring.push(n), u64::from(n));
        }
        assert_eq!(ring.push(100), 100);
        assert_eq!((ring.first(), ring.end(), ring.len()), (10, 101, 91));
        assert_eq!(ring.get(9), None);
        assert_eq!(ring.get(10), Some(&10));
        assert_eq!(ring.get(100), Some(&100));
        assert_eq!(ring.get(101), None);
        let from: Vec<u64> = ring.iter_from(0).map(|(i, _)| i).take(2).collect();
        assert_eq!(from, [10, 11]);
        let tail: Vec<u32> = ring.iter_from(99).map(|(_, v)| *v).collect();
        assert_eq!(tail, [99, 100]);
        *ring.get_mut(50).unwrap() = 7;
        assert_eq!(ring.get(50), Some(&7));
        assert_eq!(ring.last(), Some(&100));
        assert_eq!(ring.partition_point(|v| *v < 20), 20);
        assert_eq!(ring.partition_point(|_| true), 101);
        assert_eq!(ring.partition_point(|_| false), 10);
        ring.truncate(60);
        assert_eq!((ring.end(), ring.epoch()), (60, 1));
        assert_eq!(ring.push(7), 60);
        ring.truncate(0);
        assert_eq!((ring.first(), ring.end()), (10, 10));
    }

    #[test]
    fn a_byte_budget_drops_the_oldest_until_the_log_fits() {
        let mut ring: Ring<Vec<u8>> = Ring::weighed(1_000, 10_000, Vec::len);
        for n in 0..50u64 {
            assert_eq!(ring.push(vec![0; 1_000]), n);
            assert!(ring.bytes() <= 10_000, "{} bytes kept", ring.bytes());
            assert_eq!(ring.bytes(), ring.len() * 1_000);
        }
        // Indices stay: the newest is still 49, the oldest ones fell off.
        assert_eq!(ring.end(), 50);
        assert!(ring.get(0).is_none());
        assert!(ring.get(49).is_some());
        assert!(ring.len() >= 9, "{} kept", ring.len());
        // One entry larger than the whole budget is still kept, alone.
        ring.push(vec![0; 50_000]);
        assert_eq!((ring.len(), ring.bytes()), (1, 50_000));
        // The next push makes room again; forgetting the future gives its bytes back.
        ring.push(vec![0; 10]);
        assert_eq!((ring.len(), ring.bytes()), (1, 10));
        ring.truncate(ring.end() - 1);
        assert_eq!((ring.len(), ring.bytes()), (0, 0));
    }
}
