//! An append-only log with a cap: when it grows past the cap, the oldest tenth goes at once, and every
//! entry keeps the index it was given (indices count from the first entry ever pushed). Views that
//! remember an index (a selection, a filter's matches) stay right; an index that fell off simply
//! finds nothing.

use std::collections::VecDeque;

/// Entries with stable `u64` indices; see the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: VecDeque<T>,
    first: u64,
    cap: usize,
    epoch: u32,
}

impl<T> Ring<T> {
    /// An empty log keeping at most `cap` entries (at least 10).
    pub fn new(cap: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            first: 0,
            cap: cap.max(10),
            epoch: 0,
        }
    }

    /// Appends `item` and returns its index.
    pub fn push(&mut self, item: T) -> u64 {
        if self.items.len() >= self.cap {
            let drop = self.cap / 10;
            self.items.drain(..drop);
            self.first += drop as u64;
        }
        self.items.push_back(item);
        self.end() - 1
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
        let keep = end.saturating_sub(self.first);
        self.items
            .truncate(usize::try_from(keep).unwrap_or(usize::MAX));
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
}
