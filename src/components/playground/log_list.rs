//! What the message log and the packet list both need to put one of the history's logs in a
//! [`VirtualList`](super::virtual_list::VirtualList): the filtered view brought up to date, its
//! row count and selected row, and the list's two callbacks — draw row `n` (read from the
//! workspace when the list asks, so only the rows in view are ever drawn) and choose row `n`
//! (reported as the record's index in the log, which outlives any filter).

use std::cell::RefCell;
use std::rc::Rc;

use mqtt_core::Instant;
use yew::{classes, Callback, Event, Html};

use super::Engine;
use crate::components::el::{el, fragment, input, option, El};
use crate::playground::log_view::{Filtered, RecordFilter};
use crate::playground::model::ClientKey;
use crate::playground::model::Direction;
use crate::playground::ring::Ring;
use crate::playground::time::Clock;
use crate::playground::workspace::{History, Workspace};

/// One log, ready for the virtual list.
pub struct LogList {
    /// Rows that pass the filter.
    pub rows: usize,
    /// Records in the log.
    pub total: usize,
    /// The row of the selected record, if it passes the filter.
    pub selected_row: Option<usize>,
    /// Draws a row.
    pub render: Callback<usize, Html>,
    /// A row was chosen.
    pub on_select: Callback<usize>,
}

/// Which log of the history, and how one of its records is drawn as a row.
pub struct LogSource<T: 'static> {
    /// The log.
    pub log: fn(&History) -> &Ring<T>,
    /// A record's cells.
    pub cells: fn(&Workspace, &T, &Clock) -> Html,
}

/// `filtered` brought up to date with `filter`, and the list's callbacks over it.
pub fn log_list<T: 'static, F: RecordFilter<T> + 'static>(
    engine: &Engine,
    filtered: &Rc<RefCell<Filtered<T, F>>>,
    filter: &F,
    source: LogSource<T>,
    selected: Option<u64>,
    clock: Clock,
    on_select: &Callback<Option<u64>>,
) -> LogList {
    let LogSource { log, cells } = source;
    let (rows, total, selected_row) = {
        let workspace = engine.0.read();
        let records = log(workspace.history());
        let mut view = filtered.borrow_mut();
        view.update(records, filter);
        let selected_row = selected.and_then(|index| view.row_of(records, index));
        (view.len(records), records.len(), selected_row)
    };
    let render = {
        let engine = engine.clone();
        let filtered = filtered.clone();
        Callback::from(move |row: usize| {
            let workspace = engine.0.read();
            let records = log(workspace.history());
            match filtered
                .borrow()
                .index(records, row)
                .and_then(|i| records.get(i))
            {
                Some(record) => cells(&workspace, record, &clock),
                None => Html::default(),
            }
        })
    };
    let on_select = {
        let engine = engine.clone();
        let filtered = filtered.clone();
        let on_select = on_select.clone();
        Callback::from(move |row: usize| {
            let workspace = engine.0.read();
            on_select.emit(filtered.borrow().index(log(workspace.history()), row));
        })
    };
    LogList {
        rows,
        total,
        selected_row,
        render,
        on_select,
    }
}

impl LogList {
    /// "12 messages", or "3 of 12 messages" while a filter hides some.
    pub fn count(&self, noun: &str) -> String {
        if self.rows == self.total {
            format!("{} {noun}", self.total)
        } else {
            format!("{} of {} {noun}", self.rows, self.total)
        }
    }
}

/// A log's column headers: (class, label) each.
pub fn header(columns: &[(&'static str, &'static str)]) -> Html {
    fragment(columns.iter().map(|&(class, label)| {
        el("span")
            .attr("role", "columnheader")
            .class(class)
            .text(label)
            .into()
    }))
}

/// The select of which client's records a log shows: all, or one of `clients`.
pub fn client_filter(
    id: &'static str,
    clients: &[(ClientKey, String)],
    chosen: Option<ClientKey>,
    on_change: Callback<Event>,
) -> El {
    el("select")
        .id(id)
        .on_change(on_change)
        .child(option("", chosen.is_none(), "All clients"))
        .children(
            clients.iter().map(|(key, name)| {
                option(key.to_string(), chosen == Some(*key), name.clone()).into()
            }),
        )
}

/// The "Follow newest" checkbox of a log's toolbar.
pub fn follow_checkbox(id: &'static str, follow: bool, on_change: Callback<Event>) -> El {
    el("label")
        .class("check toolbar-check")
        .child(
            input()
                .id(id)
                .attr("type", "checkbox")
                .checked(follow)
                .on_change(on_change),
        )
        .text("Follow newest")
}

/// A cell of a log row.
pub fn grid_cell() -> El {
    el("span").attr("role", "gridcell")
}

/// The cells both logs' rows start with: the time, the client, and the direction — classed by
/// `direction` and shown as `arrow` (hidden from screen readers) and `words`.
pub fn leading_cells(
    clock: &Clock,
    at: Instant,
    client: &str,
    direction: Direction,
    (arrow, words): (&'static str, &'static str),
) -> [Html; 3] {
    [
        grid_cell()
            .class("c-time")
            .text(clock.time_of_day(at))
            .into(),
        grid_cell()
            .class("c-client")
            .text(client.to_string())
            .into(),
        grid_cell()
            .class(&classes!("c-dir", direction.word()))
            .child(el("span").attr("aria-hidden", "true").text(arrow))
            .text(" ")
            .text(words)
            .into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn list(rows: usize, total: usize) -> LogList {
        LogList {
            rows,
            total,
            selected_row: None,
            render: Callback::from(|_: usize| Html::default()),
            on_select: Callback::noop(),
        }
    }

    #[test]
    fn the_count_says_when_a_filter_hides_records() {
        assert_eq!(list(12, 12).count("messages"), "12 messages");
        assert_eq!(list(3, 12).count("packets"), "3 of 12 packets");
    }
}
