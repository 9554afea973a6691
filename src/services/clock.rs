//! Time from the browser: `performance.now()` in whole milliseconds (the workspace's clock), the wall
//! clock and time zone for showing times, and the animation-frame loop that drives the page.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::{Interval, Timeout};

use crate::playground::time::Clock;

thread_local! {
    /// `window.performance`, looked up once: `now()` runs for every WebSocket frame.
    static PERFORMANCE: Option<web_sys::Performance> =
        web_sys::window().and_then(|window| window.performance());
}

/// Milliseconds since the page started (`performance.now()`), the workspace's time.
pub fn now() -> u64 {
    whole_ms(precise_ms())
}

/// A [`precise_ms`] reading as the workspace's time: whole milliseconds.
pub fn whole_ms(precise: f64) -> u64 {
    precise.max(0.0) as u64
}

/// `performance.now()` to the fraction of a millisecond: for measuring work shorter than one.
pub fn precise_ms() -> f64 {
    PERFORMANCE.with(|performance| performance.as_ref().map_or(0.0, |p| p.now()))
}

/// How to turn workspace time into local wall-clock time.
pub fn wall_clock() -> Clock {
    let date = js_sys::Date::new_0();
    let epoch = js_sys::Date::now() - now() as f64;
    Clock {
        epoch_ms: epoch as i64,
        utc_offset_min: -(date.get_timezone_offset() as i32),
    }
}

/// Calls `frame` once per animation frame and, while the tab is hidden (when browsers stop animation
/// frames), every `background_ms` from a timer, so keep-alive and the simulator keep running. Stops
/// when dropped.
pub struct Loop {
    _frame: Rc<RefCell<Option<AnimationFrame>>>,
    _interval: Interval,
}

impl Loop {
    /// Starts the loop.
    pub fn start(frame: impl Fn() + 'static, background_ms: u32) -> Self {
        let frame: Rc<dyn Fn()> = Rc::new(frame);
        let handle: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        schedule(handle.clone(), frame.clone());
        let tick = frame.clone();
        Loop {
            _frame: handle,
            _interval: Interval::new(background_ms, move || tick()),
        }
    }
}

fn schedule(handle: Rc<RefCell<Option<AnimationFrame>>>, frame: Rc<dyn Fn()>) {
    let next = handle.clone();
    let request = request_animation_frame(move |_| {
        frame();
        schedule(next, frame);
    });
    // Replacing the previous (already fired) request; dropping the Loop drops the pending one.
    if let Ok(mut slot) = handle.try_borrow_mut() {
        *slot = Some(request);
    }
}

/// Calls `frame` once, at the next animation frame (for a view that animates only while something
/// moves). Dropping the handle cancels it.
pub fn next_frame(frame: impl FnOnce() + 'static) -> AnimationFrame {
    request_animation_frame(move |_| frame())
}

/// Calls `then` once, `ms` milliseconds from now, unless the returned handle is dropped first.
pub fn after(ms: u32, then: impl FnOnce() + 'static) -> Timeout {
    Timeout::new(ms, then)
}

/// Calls `tick` every `ms` milliseconds until the returned handle is dropped (a view whose words
/// depend on time passing, like a keep-alive countdown, renders again without any event).
pub fn every(ms: u32, tick: impl Fn() + 'static) -> Interval {
    Interval::new(ms, tick)
}
