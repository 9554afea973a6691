//! The field tree's shape, computed from mqtt-core's pre-order span list.
//!
//! mqtt-core records fields parents-first with a depth each, which is a tree without pointers. The
//! tree view needs a little more to be an accessible ARIA tree — each row's parent, whether it has
//! children, its position among its siblings — and keyboard navigation needs "next visible row" and
//! "parent". All of that is computed here, once per packet, as plain data.

use mqtt_core::sorted::SortedSet;

use mqtt_core::codec::Span;

/// One row of the tree, parallel to the span at the same index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Nesting depth, 0 for the top-level parts.
    pub depth: u8,
    /// Index of the parent row.
    pub parent: Option<usize>,
    /// Whether any row has this one as its parent (it can be collapsed).
    pub has_children: bool,
    /// Position among its siblings, from 1 (`aria-posinset`).
    pub position: usize,
    /// Number of siblings including itself (`aria-setsize`).
    pub siblings: usize,
}

/// The rows for `spans` (parents before children, as mqtt-core records them).
pub fn rows(spans: &[Span]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::with_capacity(spans.len());
    let mut open: Vec<usize> = Vec::new();
    let mut children_of_root = 0;
    let mut children: Vec<usize> = vec![0; spans.len()];
    for (index, span) in spans.iter().enumerate() {
        while open
            .last()
            .and_then(|&top| spans.get(top))
            .is_some_and(|top| top.depth >= span.depth)
        {
            open.pop();
        }
        let parent = open.last().copied();
        let count = match parent.and_then(|p| children.get_mut(p)) {
            Some(count) => count,
            None => &mut children_of_root,
        };
        *count += 1;
        let position = *count;
        if let Some(parent_row) = parent.and_then(|p| rows.get_mut(p)) {
            parent_row.has_children = true;
        }
        rows.push(Row {
            depth: span.depth,
            parent,
            has_children: false,
            position,
            siblings: 0,
        });
        open.push(index);
    }
    for index in 0..rows.len() {
        let parent = rows.get(index).and_then(|row| row.parent);
        let siblings = match parent {
            Some(p) => children.get(p).copied().unwrap_or(0),
            None => children_of_root,
        };
        if let Some(row) = rows.get_mut(index) {
            row.siblings = siblings;
        }
    }
    rows
}

/// Ancestors of `index`, nearest first.
fn ancestors(rows: &[Row], index: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(rows.get(index).and_then(|row| row.parent), |&p| {
        rows.get(p).and_then(|row| row.parent)
    })
}

/// Indices of the rows not hidden inside a collapsed group, in order.
pub fn visible(rows: &[Row], collapsed: &SortedSet<usize>) -> Vec<usize> {
    (0..rows.len())
        .filter(|&index| ancestors(rows, index).all(|a| !collapsed.contains(&a)))
        .collect()
}

/// The row that stands for `index` on screen: itself, or the outermost collapsed group hiding it.
pub fn shown_as(rows: &[Row], collapsed: &SortedSet<usize>, index: usize) -> usize {
    ancestors(rows, index)
        .filter(|a| collapsed.contains(a))
        .last()
        .unwrap_or(index)
}

/// The keys of the WAI-ARIA tree view pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavKey {
    /// Next visible row.
    Down,
    /// Previous visible row.
    Up,
    /// First row.
    Home,
    /// Last visible row.
    End,
    /// Expand a collapsed group, or enter an open one.
    Right,
    /// Collapse an open group, or go to the parent.
    Left,
}

impl NavKey {
    /// The key for a `KeyboardEvent.key` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ArrowDown" => NavKey::Down,
            "ArrowUp" => NavKey::Up,
            "Home" => NavKey::Home,
            "End" => NavKey::End,
            "ArrowRight" => NavKey::Right,
            "ArrowLeft" => NavKey::Left,
            _ => return None,
        })
    }
}

/// What a key press on a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    /// Move focus to this row.
    Focus(usize),
    /// Open this group.
    Expand(usize),
    /// Close this group.
    Collapse(usize),
    /// Nothing (e.g. Up on the first row).
    Stay,
}

/// What `key` does on row `current`.
pub fn navigate(rows: &[Row], collapsed: &SortedSet<usize>, current: usize, key: NavKey) -> Nav {
    let shown = visible(rows, collapsed);
    let at = shown.iter().position(|&index| index == current);
    let focus = |index: Option<usize>| {
        index
            .filter(|&i| i != current)
            .map_or(Nav::Stay, Nav::Focus)
    };
    let has_children = rows.get(current).is_some_and(|row| row.has_children);
    let is_collapsed = collapsed.contains(&current);
    match key {
        NavKey::Down => focus(at.and_then(|at| shown.get(at + 1)).copied()),
        NavKey::Up => focus(
            at.and_then(|at| at.checked_sub(1))
                .and_then(|at| shown.get(at))
                .copied(),
        ),
        NavKey::Home => focus(shown.first().copied()),
        NavKey::End => focus(shown.last().copied()),
        NavKey::Right if has_children && is_collapsed => Nav::Expand(current),
        // Pre-order: the first child is the next row.
        NavKey::Right if has_children => focus(Some(current + 1)),
        NavKey::Right => Nav::Stay,
        NavKey::Left if has_children && !is_collapsed => Nav::Collapse(current),
        NavKey::Left => focus(rows.get(current).and_then(|row| row.parent)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspector::{inspection, samples};
    use mqtt_core::ProtocolVersion;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sample_spans(id: &str, version: ProtocolVersion) -> Vec<Span> {
        let sample = samples::find(&samples::all(), id).unwrap().clone();
        let inspection = inspection::inspect(&sample.bytes, version);
        inspection.packets[0].spans.as_slice().to_vec()
    }

    fn names(spans: &[Span], indices: &[usize]) -> Vec<String> {
        indices
            .iter()
            .map(|&i| spans[i].field.name.to_string())
            .collect()
    }

    #[test]
    fn pubrel_tree_has_two_top_level_groups() {
        let spans = sample_spans("pubrel", ProtocolVersion::V311);
        let rows = rows(&spans);
        let outline: Vec<(String, u8, Option<usize>, bool)> = spans
            .iter()
            .zip(&rows)
            .map(|(s, r)| (s.field.name.to_string(), r.depth, r.parent, r.has_children))
            .collect();
        let expected = [
            ("Fixed header", 0, None, true),
            ("Packet type", 1, Some(0), false),
            ("Flags", 1, Some(0), false),
            ("Remaining length", 1, Some(0), false),
            ("Variable header", 0, None, true),
            ("Packet identifier", 1, Some(4), false),
        ];
        let expected: Vec<(String, u8, Option<usize>, bool)> = expected
            .iter()
            .map(|&(n, d, p, c)| (n.to_owned(), d, p, c))
            .collect();
        assert_eq!(outline, expected);
        assert_eq!((rows[0].position, rows[0].siblings), (1, 2));
        assert_eq!((rows[4].position, rows[4].siblings), (2, 2));
        assert_eq!((rows[2].position, rows[2].siblings), (2, 3));
        assert_eq!((rows[5].position, rows[5].siblings), (1, 1));
    }

    #[test]
    fn connect_tree_nests_flags_and_will_two_levels_deep() {
        let spans = sample_spans("connect-will", ProtocolVersion::V311);
        let rows = rows(&spans);
        let will_topic = spans
            .iter()
            .position(|s| s.field.name == "Will topic")
            .unwrap();
        let will = rows[will_topic].parent.unwrap();
        assert_eq!(spans[will].field.name, "Will");
        let payload = rows[will].parent.unwrap();
        assert_eq!(spans[payload].field.name, "Payload");
        assert_eq!(
            (
                rows[payload].depth,
                rows[will].depth,
                rows[will_topic].depth
            ),
            (0, 1, 2)
        );
        assert_eq!(rows[payload].parent, None);
        let flags = spans
            .iter()
            .position(|s| s.field.name == "Connect flags")
            .unwrap();
        let flag_bits = rows.iter().filter(|r| r.parent == Some(flags)).count();
        assert_eq!(flag_bits, 7);
        // Every row's parent is shallower and comes before it.
        for (index, row) in rows.iter().enumerate() {
            if let Some(parent) = row.parent {
                assert!(parent < index && rows[parent].depth < row.depth);
            }
        }
    }

    #[test]
    fn collapsing_hides_descendants_and_shows_the_group_instead() {
        let spans = sample_spans("pubrel", ProtocolVersion::V311);
        let rows = rows(&spans);
        let collapsed = SortedSet::from([0]);
        let shown = visible(&rows, &collapsed);
        assert_eq!(
            names(&spans, &shown),
            ["Fixed header", "Variable header", "Packet identifier"]
        );
        assert_eq!(shown_as(&rows, &collapsed, 2), 0);
        assert_eq!(shown_as(&rows, &collapsed, 5), 5);
    }

    #[test]
    fn keys_follow_the_aria_tree_pattern() {
        let spans = sample_spans("pubrel", ProtocolVersion::V311);
        let rows = rows(&spans);
        let open = SortedSet::new();
        assert_eq!(navigate(&rows, &open, 0, NavKey::Down), Nav::Focus(1));
        assert_eq!(navigate(&rows, &open, 0, NavKey::Up), Nav::Stay);
        assert_eq!(navigate(&rows, &open, 3, NavKey::Down), Nav::Focus(4));
        assert_eq!(navigate(&rows, &open, 2, NavKey::End), Nav::Focus(5));
        assert_eq!(navigate(&rows, &open, 2, NavKey::Home), Nav::Focus(0));
        assert_eq!(navigate(&rows, &open, 0, NavKey::Left), Nav::Collapse(0));
        assert_eq!(navigate(&rows, &open, 0, NavKey::Right), Nav::Focus(1));
        assert_eq!(navigate(&rows, &open, 2, NavKey::Left), Nav::Focus(0));
        assert_eq!(navigate(&rows, &open, 2, NavKey::Right), Nav::Stay);
        let collapsed = SortedSet::from([0]);
        assert_eq!(
            navigate(&rows, &collapsed, 0, NavKey::Right),
            Nav::Expand(0)
        );
        assert_eq!(navigate(&rows, &collapsed, 0, NavKey::Down), Nav::Focus(4));
        assert_eq!(navigate(&rows, &collapsed, 4, NavKey::Up), Nav::Focus(0));
        assert_eq!(NavKey::from_key("ArrowLeft"), Some(NavKey::Left));
        assert_eq!(NavKey::from_key("a"), None);
    }

    #[test]
    fn empty_spans_give_no_rows() {
        assert!(rows(&[]).is_empty());
        assert_eq!(navigate(&[], &SortedSet::new(), 0, NavKey::Down), Nav::Stay);
    }
}
