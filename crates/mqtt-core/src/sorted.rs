//! Ordered maps and sets kept as sorted vectors, for the broker's and the session's small tables
//! (sessions, connections, retained messages, subscriptions, packet ids in use).
//!
//! Why not `BTreeMap`: they iterate in the same key order — which keeps the broker's fan-out, the
//! simulator's runs and its determinism digests exactly as they were — but every `BTreeMap<K, V>`
//! instantiation costs several kilobytes of code (node splitting, merging, stealing, cursors), and
//! this crate runs in a size-budgeted web page and on a microcontroller. Here a lookup is a binary
//! search and an insert or removal one `memmove`: for tables of up to a few thousand entries that
//! is as fast as a B-tree, and a clone (the simulator forks the broker) is one allocation.

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::ops::RangeFrom;

/// A map from `K` to `V`, iterated in key order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }

    fn search<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        let at = self.search(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// The value for `key`, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let at = self.search(key).ok()?;
        self.entries.get_mut(at).map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.search(key).is_ok()
    }

    /// Sets `key` to `value`; the value it had.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.search(&key) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|entry| core::mem::replace(&mut entry.1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// The value for `key`, made by `make` when there is none yet.
    // The one index here is in bounds by construction (found there, or just inserted there); the
    // alternative is an `Option` every caller would have to unwrap.
    #[allow(clippy::indexing_slicing)]
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.search(&key) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, make()));
                at
            }
        };
        // `at` is in bounds: found, or just inserted there.
        &mut self.entries[at].1
    }

    /// Removes `key`'s value and returns it.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.search(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// Removes the entry with the smallest key and returns it.
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }

    /// Keeps only the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Empties the map.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in key order, values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The entries from `range.start` on, in key order.
    pub fn range(&self, range: RangeFrom<K>) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let from = self.search(&range.start).unwrap_or_else(|at| at);
        self.entries
            .get(from..)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = alloc::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A set of `K`, iterated in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortedSet<K> {
    items: Vec<K>,
}

impl<K> Default for SortedSet<K> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<K: Ord> SortedSet<K> {
    /// An empty set.
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    /// Adds `key`; true when it was not there yet.
    pub fn insert(&mut self, key: K) -> bool {
        match self.items.binary_search(&key) {
            Ok(_) => false,
            Err(at) => {
                self.items.insert(at, key);
                true
            }
        }
    }

    /// Removes `key`; true when it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        match self.items.binary_search_by(|k| k.borrow().cmp(key)) {
            Ok(at) => {
                self.items.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether `key` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|k| k.borrow().cmp(key)).is_ok()
    }

    /// Keeps only the keys `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&K) -> bool) {
        self.items.retain(keep);
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The keys in order.
    pub fn iter(&self) -> core::slice::Iter<'_, K> {
        self.items.iter()
    }

    /// The smallest key.
    pub fn first(&self) -> Option<&K> {
        self.items.first()
    }

    /// The keys from `range.start` on, in order.
    pub fn range(&self, range: RangeFrom<K>) -> core::slice::Iter<'_, K> {
        let from = self
            .items
            .binary_search(&range.start)
            .unwrap_or_else(|at| at);
        self.items.get(from..).unwrap_or_default().iter()
    }
}

impl<K: Ord> FromIterator<K> for SortedSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut items: Vec<K> = iter.into_iter().collect();
        items.sort_unstable();
        items.dedup();
        SortedSet { items }
    }
}

impl<K: Ord, const N: usize> From<[K; N]> for SortedSet<K> {
    fn from(keys: [K; N]) -> Self {
        keys.into_iter().collect()
    }
}

impl<K> IntoIterator for SortedSet<K> {
    type Item = K;
    type IntoIter = alloc::vec::IntoIter<K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K> IntoIterator for &'a SortedSet<K> {
    type Item = &'a K;
    type IntoIter = core::slice::Iter<'a, K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter =
        core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::{BTreeMap, BTreeSet};
    use alloc::string::{String, ToString};

    /// The same operations on a `SortedMap` and a `BTreeMap` leave the same ordered contents.
    #[test]
    fn behaves_like_a_btree_map() {
        let mut ours = SortedMap::new();
        let mut theirs = BTreeMap::new();
        let mut seed = 12_345u32;
        for step in 0..2_000u32 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = (seed >> 16) % 97;
            match seed % 5 {
                0 | 1 => assert_eq!(ours.insert(key, step), theirs.insert(key, step)),
                2 => assert_eq!(ours.remove(&key), theirs.remove(&key)),
                3 => {
                    *ours.get_or_insert_with(key, || 0) += 1;
                    *theirs.entry(key).or_insert(0) += 1;
                }
                _ => {
                    ours.retain(|k, v| (k + *v) % 7 != 0);
                    theirs.retain(|k, v| (k + *v) % 7 != 0);
                }
            }
            assert_eq!(ours.get(&key), theirs.get(&key));
            assert_eq!(ours.len(), theirs.len());
        }
        assert!(ours.iter().eq(theirs.iter()));
        assert!(ours.range(40..).eq(theirs.range(40..)));
        assert!(ours.keys().rev().eq(theirs.keys().rev()));
        assert_eq!(ours.pop_first(), theirs.pop_first());
    }

    #[test]
    fn behaves_like_a_btree_set() {
        let mut ours = SortedSet::new();
        let mut theirs = BTreeSet::new();
        let mut seed = 99u32;
        for _ in 0..2_000 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = ((seed >> 16) % 61) as u16;
            if seed.is_multiple_of(3) {
                assert_eq!(ours.remove(&key), theirs.remove(&key));
            } else {
                assert_eq!(ours.insert(key), theirs.insert(key));
            }
            assert_eq!(ours.contains(&key), theirs.contains(&key));
        }
        assert!(ours.iter().eq(theirs.iter()));
        assert!(ours.range(30..).eq(theirs.range(30..)));
        assert_eq!(ours.first(), theirs.first());
    }

    #[test]
    fn string_keys_are_looked_up_by_str() {
        let mut map: SortedMap<String, u8> = SortedMap::new();
        map.insert("b/c".to_string(), 1);
        map.insert("a".to_string(), 2);
        assert_eq!(map.get("b/c"), Some(&1));
        assert_eq!(
            map.keys().map(String::as_str).collect::<Vec<_>>(),
            ["a", "b/c"]
        );
        assert_eq!(map.remove("a"), Some(2));
        assert!(!map.contains_key("a"));
    }
}
