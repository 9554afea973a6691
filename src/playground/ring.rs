//! An append-only log with a cap: when it grows past the cap, the oldest tenth goes at once, and every
//! entry keeps the index it was given (indices count from the first entry ever pushed). Views that
//! remember an index (a selection, a filter's matches) stay right; an index that fell off simply
//! finds nothing.
//!
//! A log of payloads can also have a byte budget ([`Ring::weighed`]): a flood of large messages must
//! not grow the page until the tab runs out of memory (a WebAssembly page has at most 4 GiB, and a
//! browser tab often less). Past the budget the oldest tenth goes too, as often as needed.

use std::collections::VecDeque;

/// Entries per chunk of storage. The log grows a chunk at a time and never moves what it holds: a
/// flood's log reaches hundreds of thousands of packets, and a growing `VecDeque` copied all of them
/// at every doubling (it showed in the flood's profile) and for a moment needed three times the room.
const CHUNK: usize = 1_024;

/// How much an entry weighs against a byte budget.
pub type Weigh<T> = fn(&T) -> usize;

/// Entries with stable `u64` indices; see the [module documentation](self).
#[derive(Debug, Clone)]
pub struct Ring<T> {
    items: Chunked<T>,
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
            items: Chunked::new(CHUNK),
            first: 0,
            cap: cap.max(10),
            epoch: 0,
            budget: None,
            bytes: 0,
        }
    }

    /// Like [`Ring::new`], with chunks of `chunk` entries (tests cross chunk boundaries with few).
    #[cfg(test)]
    fn with_chunk(cap: usize, chunk: usize) -> Self {
        Ring {
            items: Chunked::new(chunk),
            ..Ring::new(cap)
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
        let budget = self.budget;
        let mut freed = 0;
        self.items.drop_front(count, |gone| {
            if let Some((_, weigh)) = budget {
                freed += weigh(gone);
            }
        });
        self.bytes = self.bytes.saturating_sub(freed);
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
            .iter_from(skip)
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
            let forgotten: usize = self.items.iter_from(keep).map(weigh).sum();
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

/// A deque stored in chunks of equal capacity: pushing never moves the entries already stored, and
/// dropping from the front frees whole chunks (shifting at most one chunk's entries).
#[derive(Debug, Clone)]
struct Chunked<T> {
    /// Every chunk but the first and the last is full; the first may have lost entries from its front.
    chunks: VecDeque<Vec<T>>,
    chunk: usize,
    len: usize,
}

impl<T> Chunked<T> {
    fn new(chunk: usize) -> Self {
        Chunked {
            chunks: VecDeque::new(),
            chunk: chunk.max(1),
            len: 0,
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn push_back(&mut self, item: T) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < self.chunk => last.push(item),
            _ => {
                let mut fresh = Vec::with_capacity(self.chunk);
                fresh.push(item);
                self.chunks.push_back(fresh);
            }
        }
        self.len += 1;
    }

    /// Where entry `index` is: its chunk and its place there.
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        let head = self.chunks.front().map_or(0, Vec::len);
        if index < head {
            Some((0, index))
        } else {
            let rest = index - head;
            Some((1 + rest / self.chunk, rest % self.chunk))
        }
    }

    fn get(&self, index: usize) -> Option<&T> {
        let (chunk, at) = self.locate(index)?;
        self.chunks.get(chunk)?.get(at)
    }

    fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let (chunk, at) = self.locate(index)?;
        self.chunks.get_mut(chunk)?.get_mut(at)
    }

    fn back(&self) -> Option<&T> {
        self.chunks.back()?.last()
    }

    /// The entries from `index` on.
    fn iter_from(&self, index: usize) -> impl Iterator<Item = &T> + '_ {
        let (chunk, at) = self.locate(index).unwrap_or((self.chunks.len(), 0));
        self.chunks
            .iter()
            .skip(chunk)
            .enumerate()
            .flat_map(move |(n, items)| {
                items.get(if n == 0 { at } else { 0 }..).unwrap_or_default()
            })
    }

    /// Drops the first `count` entries, showing each to `gone` first.
    fn drop_front(&mut self, count: usize, mut gone: impl FnMut(&T)) {
        let mut left = count.min(self.len);
        self.len -= left;
        while left > 0 {
            let Some(first) = self.chunks.front_mut() else {
                break;
            };
            if first.len() <= left {
                left -= first.len();
                first.iter().for_each(&mut gone);
                self.chunks.pop_front();
            } else {
                first.drain(..left).for_each(|item| gone(&item));
                left = 0;
            }
        }
    }

    /// Keeps the first `len` entries.
    fn truncate(&mut self, len: usize) {
        while self.len > len {
            let Some(last) = self.chunks.back_mut() else {
                break;
            };
            let excess = self.len - len;
            if last.len() <= excess {
                self.len -= last.len();
                self.chunks.pop_back();
            } else {
                last.truncate(last.len() - excess);
                self.len = len;
            }
        }
    }

    /// How many entries from the front `before` is true for (it is true, then false).
    fn partition_point(&self, mut before: impl FnMut(&T) -> bool) -> usize {
        // The first chunk whose last entry is not before: the point is in it.
        let chunk = self
            .chunks
            .partition_point(|items| items.last().is_some_and(&mut before));
        if chunk >= self.chunks.len() {
            return self.len;
        }
        // Every chunk before it is full, but for the first.
        let head = self.chunks.front().map_or(0, Vec::len);
        let done = if chunk == 0 {
            0
        } else {
            head + (chunk - 1) * self.chunk
        };
        done + self
            .chunks
            .get(chunk)
            .map_or(0, |items| items.partition_point(before))
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

    #[test]
    fn chunked_storage_behaves_like_one_deque() {
        // Pushes, drops of the oldest tenth, truncations and reads, checked against a plain deque,
        // with chunks of 3 so every operation crosses chunk boundaries.
        let mut ring = Ring::with_chunk(40, 3);
        let mut model: VecDeque<u32> = VecDeque::new();
        let mut first = 0u64;
        let mut seed = 7u32;
        for step in 0..2_000u32 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if seed.is_multiple_of(17) {
                let keep = u64::from(seed >> 8) % (model.len() as u64 + 1);
                ring.truncate(first + keep);
                model.truncate(keep as usize);
            } else {
                if model.len() >= 40 {
                    model.drain(..4);
                    first += 4;
                }
                assert_eq!(ring.push(step), first + model.len() as u64);
                model.push_back(step);
            }
            assert_eq!((ring.first(), ring.len()), (first, model.len()));
            assert_eq!(ring.last(), model.back());
            let probe = first + u64::from(seed >> 4) % (model.len() as u64 + 2);
            assert_eq!(ring.get(probe), model.get((probe - first) as usize));
            let from: Vec<u32> = ring.iter_from(probe).map(|(_, v)| *v).collect();
            let expected: Vec<u32> = model
                .iter()
                .skip((probe - first) as usize)
                .copied()
                .collect();
            assert_eq!(from, expected);
            let cut = step.saturating_sub(seed % 30);
            assert_eq!(
                ring.partition_point(|v| *v < cut),
                first + model.partition_point(|v| *v < cut) as u64
            );
        }
    }
}
