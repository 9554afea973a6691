//! The topic tree of everything the clients received (MQTT Explorer's signature view): one node per
//! topic level, with message counts, the last value, whether the broker holds a retained message, and
//! the topic's numeric payloads for its chart.
//!
//! Nodes are never removed, so a node's index is a stable id for expanding and selecting it.

use std::collections::VecDeque;
use std::rc::Rc;

use mqtt_core::Instant;

use crate::playground::model::Payload;
use crate::playground::series::{numeric, POINTS};

/// Children of a node, sorted by name (a sorted vector: cheaper in WebAssembly than a `BTreeMap`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Children(Vec<(String, usize)>);

impl Children {
    fn find(&self, segment: &str) -> Result<usize, usize> {
        self.0
            .binary_search_by(|(name, _)| name.as_str().cmp(segment))
    }

    /// The child called `segment`.
    pub fn get(&self, segment: &str) -> Option<usize> {
        let at = self.find(segment).ok()?;
        self.0.get(at).map(|(_, index)| *index)
    }

    fn insert(&mut self, segment: &str, index: usize) {
        if let Err(at) = self.find(segment) {
            self.0.insert(at, (segment.to_string(), index));
        }
    }

    /// Node indices in name order.
    pub fn indices(&self) -> impl DoubleEndedIterator<Item = usize> + '_ {
        self.0.iter().map(|(_, index)| *index)
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One topic level.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicNode {
    /// This level's name (may be empty: `a//b` has an empty middle level).
    pub segment: String,
    /// The whole topic up to this level.
    pub topic: Rc<str>,
    /// Depth, 0 for the first level.
    pub depth: usize,
    /// Parent node.
    pub parent: Option<usize>,
    /// Children, sorted by name.
    pub children: Children,
    /// Messages received on exactly this topic.
    pub messages: u64,
    /// Messages received on this topic and every topic below it.
    pub total: u64,
    /// The last payload received on exactly this topic, and when.
    pub last: Option<(Payload, Instant)>,
    /// Whether the broker holds a retained message for this topic, as far as we have seen.
    pub retained: bool,
    /// The last numeric payloads on exactly this topic, oldest first (at most
    /// [`POINTS`]).
    pub numbers: Option<VecDeque<(Instant, f64)>>,
}

/// The tree; see the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicTree {
    nodes: Vec<TopicNode>,
    roots: Children,
    last_leaf: LastLeaf,
}

/// The topic recorded last and its node: a flood repeats one topic, and finding its node again level
/// by level showed in the flood's profile. A cache, so it takes no part in comparing trees.
#[derive(Debug, Clone, Default)]
struct LastLeaf(Option<(Rc<str>, usize)>);

impl PartialEq for LastLeaf {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl TopicTree {
    /// Counts a received message on `topic`. `retain` is its RETAIN flag as delivered.
    pub fn record(&mut self, topic: &Rc<str>, payload: &Payload, retain: bool, at: Instant) {
        let leaf = self.leaf(topic);
        let mut level = Some(leaf);
        while let Some(node) = level.and_then(|index| self.nodes.get_mut(index)) {
            node.total += 1;
            level = node.parent;
        }
        if let Some(node) = self.nodes.get_mut(leaf) {
            node.messages += 1;
            node.last = Some((payload.clone(), at));
            if retain {
                node.retained = !payload.is_empty();
            }
            if let Some(value) = numeric(payload) {
                let numbers = node.numbers.get_or_insert_with(VecDeque::new);
                if numbers.len() == POINTS {
                    numbers.pop_front();
                }
                numbers.push_back((at, value));
            }
        }
    }

    /// The node for exactly `topic`, made with the levels above it when new.
    fn leaf(&mut self, topic: &Rc<str>) -> usize {
        if let Some((last, index)) = &self.last_leaf.0 {
            if **last == **topic {
                return *index;
            }
        }
        let mut leaf = None;
        let mut end = 0;
        for (depth, segment) in topic.split('/').enumerate() {
            end += segment.len();
            let whole = topic.get(..end).unwrap_or_default();
            end += 1;
            leaf = Some(self.child(leaf, segment, whole, depth));
        }
        // `split` yields at least one level, even for an empty topic.
        let leaf = leaf.unwrap_or_default();
        self.last_leaf = LastLeaf(Some((topic.clone(), leaf)));
        leaf
    }

    /// Notes that a client published `topic` with RETAIN: the broker now keeps it (an empty payload
    /// clears it). The topic appears in the tree even before anyone receives it — the broker holds a
    /// message there — and subscribers already listening get it with RETAIN 0, so this is how the
    /// badge learns about it.
    pub fn note_retained(&mut self, topic: &str, empty: bool) {
        if empty && self.find(topic).is_none() {
            return;
        }
        let mut parent: Option<usize> = None;
        let mut end = 0;
        for (depth, segment) in topic.split('/').enumerate() {
            end += segment.len();
            let whole = topic.get(..end).unwrap_or_default();
            end += 1;
            parent = Some(self.child(parent, segment, whole, depth));
        }
        if let Some(node) = parent.and_then(|index| self.nodes.get_mut(index)) {
            node.retained = !empty;
        }
    }

    fn child(&mut self, parent: Option<usize>, segment: &str, whole: &str, depth: usize) -> usize {
        let siblings = match parent.and_then(|p| self.nodes.get(p)) {
            Some(node) => &node.children,
            None => &self.roots,
        };
        if let Some(index) = siblings.get(segment) {
            return index;
        }
        let index = self.nodes.len();
        self.nodes.push(TopicNode {
            segment: segment.to_string(),
            topic: Rc::from(whole),
            depth,
            parent,
            children: Children::default(),
            messages: 0,
            total: 0,
            last: None,
            retained: false,
            numbers: None,
        });
        let siblings = match parent.and_then(|p| self.nodes.get_mut(p)) {
            Some(node) => &mut node.children,
            None => &mut self.roots,
        };
        siblings.insert(segment, index);
        index
    }

    /// The node for exactly `topic`, if it was seen.
    pub fn find(&self, topic: &str) -> Option<usize> {
        let mut siblings = &self.roots;
        let mut found = None;
        for segment in topic.split('/') {
            let index = siblings.get(segment)?;
            siblings = &self.nodes.get(index)?.children;
            found = Some(index);
        }
        found
    }

    /// A node by index.
    pub fn node(&self, index: usize) -> Option<&TopicNode> {
        self.nodes.get(index)
    }

    /// The numeric payloads received on exactly `topic`.
    pub fn numbers(&self, topic: &str) -> Option<&VecDeque<(Instant, f64)>> {
        self.node(self.find(topic)?)?.numbers.as_ref()
    }

    /// Number of nodes (topic levels seen).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether nothing was seen.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Number of distinct topics messages arrived on.
    pub fn topic_count(&self) -> usize {
        self.nodes.iter().filter(|node| node.messages > 0).count()
    }

    /// The nodes to show, in order, given which are expanded.
    pub fn visible(&self, expanded: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.roots.indices().rev().collect();
        while let Some(index) = stack.pop() {
            out.push(index);
            if let Some(node) = self.nodes.get(index) {
                if expanded(index) {
                    stack.extend(node.children.indices().rev());
                }
            }
        }
        out
    }

    /// Position among siblings (from 1) and number of siblings, for `aria-posinset`/`aria-setsize`.
    pub fn position(&self, index: usize) -> (usize, usize) {
        let Some(node) = self.nodes.get(index) else {
            return (1, 1);
        };
        let siblings = match node.parent.and_then(|p| self.nodes.get(p)) {
            Some(parent) => &parent.children,
            None => &self.roots,
        };
        let position = siblings.indices().position(|i| i == index).unwrap_or(0);
        (position + 1, siblings.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn record(tree: &mut TopicTree, topic: &str, payload: &str, retain: bool) {
        tree.record(
            &Rc::from(topic),
            &payload.as_bytes().to_vec().into(),
            retain,
            7,
        );
    }

    #[test]
    fn a_repeated_topic_counts_like_a_new_one() {
        // The same topic again (the remembered node), then another and back, and the same text in
        // another allocation: every level counts every message.
        let mut tree = TopicTree::default();
        let topic: Rc<str> = Rc::from("home/kitchen/temp");
        for value in ["1", "2", "3"] {
            tree.record(&topic, &value.as_bytes().to_vec().into(), false, 7);
        }
        record(&mut tree, "home/hall", "x", false);
        record(&mut tree, "home/kitchen/temp", "4", false);
        let temp = tree.node(tree.find("home/kitchen/temp").unwrap()).unwrap();
        assert_eq!((temp.messages, temp.total), (4, 4));
        assert_eq!(&*temp.last.as_ref().unwrap().0, b"4");
        let home = tree.node(tree.find("home").unwrap()).unwrap();
        assert_eq!((home.messages, home.total), (0, 5));
        assert_eq!(tree.numbers("home/kitchen/temp").unwrap().len(), 4);
        let mut fresh = TopicTree::default();
        for value in ["1", "2", "3"] {
            record(&mut fresh, "home/kitchen/temp", value, false);
        }
        record(&mut fresh, "home/hall", "x", false);
        record(&mut fresh, "home/kitchen/temp", "4", false);
        assert_eq!(tree, fresh, "the same nodes, whichever way they were found");
    }

    #[test]
    fn levels_count_messages_and_keep_the_last_value() {
        let mut tree = TopicTree::default();
        record(&mut tree, "home/kitchen/temp", "21.5", false);
        record(&mut tree, "home/kitchen/temp", "21.7", false);
        record(&mut tree, "home/hall/light", "on", true);
        record(&mut tree, "$SYS/broker/uptime", "12 seconds", false);
        let temp = tree.node(tree.find("home/kitchen/temp").unwrap()).unwrap();
        assert_eq!((temp.messages, temp.total, temp.depth), (2, 2, 2));
        assert_eq!(&*temp.last.as_ref().unwrap().0, b"21.7");
        assert_eq!(tree.numbers("home/kitchen/temp").unwrap().len(), 2);
        assert!(tree.numbers("home/hall/light").is_none());
        let home = tree.node(tree.find("home").unwrap()).unwrap();
        assert_eq!((home.messages, home.total), (0, 3));
        assert!(
            tree.node(tree.find("home/hall/light").unwrap())
                .unwrap()
                .retained
        );
        assert_eq!(tree.topic_count(), 3);
        assert_eq!(tree.find("home/garage"), None);
        // "$SYS" sorts before "home"; only roots show until something is expanded.
        let shown: Vec<String> = tree
            .visible(&|_| false)
            .iter()
            .map(|&i| tree.node(i).unwrap().topic.to_string())
            .collect();
        assert_eq!(shown, ["$SYS", "home"]);
        let all: Vec<String> = tree
            .visible(&|_| true)
            .iter()
            .map(|&i| tree.node(i).unwrap().topic.to_string())
            .collect();
        assert_eq!(
            all,
            [
                "$SYS",
                "$SYS/broker",
                "$SYS/broker/uptime",
                "home",
                "home/hall",
                "home/hall/light",
                "home/kitchen",
                "home/kitchen/temp"
            ]
        );
        assert_eq!(tree.position(tree.find("home").unwrap()), (2, 2));
    }

    #[test]
    fn empty_levels_and_clearing_a_retained_message() {
        let mut tree = TopicTree::default();
        record(&mut tree, "/a//b", "x", true);
        let index = tree.find("/a//b").unwrap();
        assert_eq!(tree.node(index).unwrap().depth, 3);
        assert_eq!(&*tree.node(tree.find("").unwrap()).unwrap().topic, "");
        record(&mut tree, "/a//b", "", true);
        assert!(!tree.node(index).unwrap().retained);
        tree.note_retained("/a//b", false);
        assert!(tree.node(index).unwrap().retained);
    }

    #[test]
    fn a_retained_publish_shows_before_anyone_receives_it_and_live_copies_keep_the_badge() {
        let mut tree = TopicTree::default();
        tree.note_retained("home/kitchen/ip", true);
        assert!(tree.is_empty(), "clearing nothing creates nothing");
        tree.note_retained("home/kitchen/ip", false);
        let ip = tree.find("home/kitchen/ip").unwrap();
        assert!(tree.node(ip).unwrap().retained);
        assert_eq!(
            (tree.node(ip).unwrap().messages, tree.topic_count()),
            (0, 0)
        );
        // Delivered live to a subscriber that was already there: RETAIN 0.
        record(&mut tree, "home/kitchen/ip", "192.168.1.20", false);
        assert!(tree.node(ip).unwrap().retained);
        assert_eq!(tree.node(tree.find("home").unwrap()).unwrap().total, 1);
        tree.note_retained("home/kitchen/ip", true);
        assert!(!tree.node(ip).unwrap().retained);
    }

    #[test]
    fn numbers_keep_the_last_points() {
        let mut tree = TopicTree::default();
        for n in 0..(POINTS + 5) {
            record(&mut tree, "t", &n.to_string(), false);
        }
        record(&mut tree, "t", "text", false);
        let numbers = tree.numbers("t").unwrap();
        assert_eq!(numbers.len(), POINTS);
        assert_eq!(numbers.front().map(|p| p.1), Some(5.0));
    }
}
