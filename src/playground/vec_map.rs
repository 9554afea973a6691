//! A map kept as a vector of pairs, for the handful of entries the workspace keys by client or
//! socket. Why not `BTreeMap`: every `BTreeMap<K, V>` instantiation adds several kilobytes of
//! WebAssembly, and the page is on a size budget; a linear scan over a few dozen clients costs
//! nothing.

use std::borrow::Borrow;

/// Pairs in insertion order.
#[derive(Debug, Clone)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: PartialEq, V> VecMap<K, V> {
    fn position<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        self.entries.iter().position(|(k, _)| k.borrow() == key)
    }

    /// The value for `key`.
    pub fn get<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.entries
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// The value for `key`, mutable.
    pub fn get_mut<Q: PartialEq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Whether `key` has a value.
    pub fn contains_key<Q: PartialEq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`.
    pub fn insert(&mut self, key: K, value: V) {
        match self.position(&key) {
            Some(at) => {
                if let Some(entry) = self.entries.get_mut(at) {
                    entry.1 = value;
                }
            }
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key`'s value.
    pub fn remove<Q: PartialEq + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.position(key)?;
        Some(self.entries.remove(at).1)
    }

    /// The pairs, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_small_map() {
        let mut map: VecMap<String, u32> = VecMap::default();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("a".into(), 3);
        assert_eq!(map.get("a"), Some(&3));
        assert!(map.contains_key("b"));
        *map.get_mut("b").unwrap() += 1;
        assert_eq!(map.remove("b"), Some(3));
        assert_eq!(map.remove("b"), None);
        assert_eq!(map.keys().cloned().collect::<Vec<_>>(), ["a"]);
        assert_eq!(map.iter().count(), 1);
    }
}
