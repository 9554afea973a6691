//! What the message log and the packet list both need to put one of the history's logs in a
//! [`VirtualList`](super::virtual_list::VirtualList): the filtered view brought up to date, its
//! row count and selected row, and the list's two callbacks — draw row `n` (read from the
//! workspace when the list asks, so only the rows in view are ever drawn) and choose row `n`
//! (reported as the record's index in the log, which outlives any filter).

use std::cell::RefCell;
use std::rc::Rc;

use mqtt_core::Instant;
use yew::{classes, Callback, Html};

use super::Engine;
use crate::components::el::{el, El};
use crate::playground::log_view::{Filtered, RecordFilter};
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
