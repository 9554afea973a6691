//! A scroller whose position is decided while rendering: the message log, the packet list and the
//! diagram all follow something (the newest row, the cursor) and must draw the window they will show.
//! Moving the position during the render draws new content once, where it will be seen; the element
//! is only told afterwards, by writing its scroll position. Its `scroll` event for that write is our
//! own echo and is ignored; any other is the user, and the view follows them.
//!
//! A position past the end is first brought back to the end. The browser would clamp it anyway, and
//! its echo would then differ from what was written: taken for the user, it would render the view
//! again — and during a flood, where every render follows new packets past the end again, that
//! became a render every frame, outside the flood's pacing.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

/// The position a view is drawn for; see the [module documentation](self).
#[derive(Clone)]
pub struct ScrollPosition {
    /// Where the view is drawn (pixels from the top).
    top: Rc<Cell<f64>>,
    /// What the element was last told, or where the user left it.
    written: Rc<Cell<Option<f64>>>,
    rerender: UseForceUpdateHandle,
}

/// A scroll position kept across renders, starting at the top.
#[hook]
pub fn use_scroll_position() -> ScrollPosition {
    let top = (*use_memo((), |_| Rc::new(Cell::new(0.0f64)))).clone();
    let written = (*use_memo((), |_| Rc::new(Cell::new(None::<f64>)))).clone();
    ScrollPosition {
        top,
        written,
        rerender: use_force_update(),
    }
}

impl ScrollPosition {
    /// Where the view is drawn.
    pub fn get(&self) -> f64 {
        self.top.get()
    }

    /// Moves the view during the render; [`write_to`](Self::write_to) moves the element after it.
    pub fn set(&self, top: f64) {
        self.top.set(top);
    }

    /// After a render: puts `element` where the view was drawn (or at its end, if the view was
    /// drawn past it), unless it is there already.
    pub fn write_to(&self, element: &Element) {
        let top = self.top.get();
        if self.written.get().is_none_or(|at| (at - top).abs() >= 1.0) {
            // Reading the extent lays the page out; the write needs that same layout anyway, and
            // nothing changes in between, so it is still one layout.
            let end = f64::from(element.scroll_height() - element.client_height()).max(0.0);
            let top = top.min(end);
            self.top.set(top);
            self.written.set(Some(top));
            element.set_scroll_top(top as i32);
        }
    }

    /// Moves the element and the view now (keyboard scrolling), and renders again.
    pub fn jump(&self, element: &Element, top: f64) {
        self.top.set(top);
        self.write_to(element);
        self.rerender.force_update();
    }

    /// The element scrolled to `top`: false for the echo of our own write; otherwise the user moved
    /// it, the view follows (rendering again if it moved) and true.
    pub fn scrolled(&self, top: f64) -> bool {
        if self.written.get().is_some_and(|at| (at - top).abs() < 2.0) {
            return false;
        }
        self.written.set(Some(top));
        if (top - self.top.get()).abs() >= 1.0 {
            self.top.set(top);
            self.rerender.force_update();
        }
        true
    }
}
