//! Drives the workspace with the browser: performs the I/O it asks for (WebSockets) and feeds back
//! what happens, with the time from `performance.now()`.
//!
//! The page holds one `Rc<Driver>`. Every user action and every socket event goes through
//! [`Driver::with`], which runs the workspace and then performs its I/O. Sends wait in an
//! [`Outbox`] for a zero-delay timer, so everything the page has to send meanwhile leaves in one
//! `ws.send` per socket: a flood costs one send per burst, not one per PUBLISH (the browser's cost
//! per WebSocket frame dominates MQTT over WebSocket). Frames arrive in batches from such a timer
//! themselves (see `services::ws`): a batch's acknowledgements are flushed as soon as it has been
//! handled. A socket's waiting bytes go out before it is closed.

use mqtt_core::sorted::SortedMap;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::playground::outbox::Outbox;
use crate::playground::workspace::{BrokerChoice, Io, SocketId, Workspace};
use crate::services::clock;
use crate::services::ws::{Socket, SocketEvent};

/// The workspace and its sockets.
pub struct Driver {
    workspace: RefCell<Workspace>,
    sockets: RefCell<SortedMap<SocketId, Socket>>,
    /// Sends waiting for the flush timer.
    outbox: RefCell<Outbox>,
    /// A flush timer is pending.
    flush_scheduled: Cell<bool>,
    /// Milliseconds spent on sockets while renders were under way: handling their events and
    /// flushing sends.
    io_ms: Cell<f64>,
    /// A render is under way: socket work is timed (see [`Driver::time_io`]).
    timing_io: Cell<bool>,
    /// The latest time the workspace has been given.
    given_ms: Cell<u64>,
    me: Weak<Driver>,
}

impl Driver {
    /// A driver for a new workspace on `broker`.
    pub fn new(broker: BrokerChoice) -> Rc<Self> {
        Rc::new_cyclic(|me| Driver {
            workspace: RefCell::new(Workspace::new(broker, clock::now())),
            sockets: RefCell::new(SortedMap::new()),
            outbox: RefCell::new(Outbox::default()),
            flush_scheduled: Cell::new(false),
            io_ms: Cell::new(0.0),
            timing_io: Cell::new(false),
            given_ms: Cell::new(0),
            me: me.clone(),
        })
    }

    /// Runs `change` on the workspace at the current time, then performs the I/O it asked for.
    pub fn with<R>(&self, change: impl FnOnce(&mut Workspace, u64) -> R) -> R {
        self.with_at(clock::now(), change)
    }

    /// [`Driver::with`] at a time already read from the clock (a socket event's handling reads it
    /// once for both its timing and the workspace: it runs for every frame of a flood).
    fn with_at<R>(&self, now: u64, change: impl FnOnce(&mut Workspace, u64) -> R) -> R {
        self.given_ms.set(self.given_ms.get().max(now));
        let result = {
            let mut workspace = self.workspace.borrow_mut();
            change(&mut workspace, now)
        };
        self.perform();
        result
    }

    /// Like [`Driver::with`], unless the workspace is busy (a hook called from inside an event
    /// handler): then `None`, instead of a panic.
    pub fn try_with<R>(&self, change: impl FnOnce(&mut Workspace, u64) -> R) -> Option<R> {
        let now = clock::now();
        let result = {
            let mut workspace = self.workspace.try_borrow_mut().ok()?;
            self.given_ms.set(self.given_ms.get().max(now));
            change(&mut workspace, now)
        };
        self.perform();
        Some(result)
    }

    /// Milliseconds spent on sockets while renders were under way (their events, and flushing
    /// sends). A render that the scheduler splits around waiting frames and flushes is measured
    /// without them (see `playground::pace`).
    pub fn io_ms(&self) -> f64 {
        self.io_ms.get()
    }

    /// Times socket work (into [`Driver::io_ms`]) from now on, or no longer. Only a render under
    /// way needs it; between renders a frame's handling reads the clock once instead of twice.
    pub fn time_io(&self, on: bool) {
        self.timing_io.set(on);
    }

    /// Runs `io` with the time it starts at, adding its duration to [`Driver::io_ms`] while
    /// [timed](Driver::time_io).
    fn timed(&self, io: impl FnOnce(f64)) {
        let started = clock::precise_ms();
        io(started);
        if self.timing_io.get() {
            self.io_ms
                .set(self.io_ms.get() + (clock::precise_ms() - started));
        }
    }

    /// Reads the workspace (for rendering). Never call `with` while holding it.
    pub fn read(&self) -> std::cell::Ref<'_, Workspace> {
        self.workspace.borrow()
    }

    /// Reads the workspace if it is not being changed right now.
    pub fn try_read(&self) -> Option<std::cell::Ref<'_, Workspace>> {
        self.workspace.try_borrow().ok()
    }

    fn perform(&self) {
        loop {
            let io = match self.workspace.try_borrow_mut() {
                Ok(mut workspace) => workspace.take_io(),
                Err(_) => return,
            };
            if io.is_empty() {
                return;
            }
            for command in io {
                match command {
                    Io::Open { socket, url } => self.open(socket, &url),
                    Io::Send { socket, bytes } => {
                        if self.outbox.borrow_mut().push(socket, bytes) {
                            self.schedule_flush();
                        }
                    }
                    Io::Close { socket } => {
                        if let Some(bytes) = self.outbox.borrow_mut().take(socket) {
                            self.send(socket, &bytes);
                        }
                        let removed = self.sockets.borrow_mut().remove(&socket);
                        if let Some(open) = removed {
                            open.close();
                        }
                    }
                }
            }
        }
    }

    /// Sends one frame, if the socket is still open.
    fn send(&self, socket: SocketId, bytes: &[u8]) {
        if let Some(open) = self.sockets.borrow().get(&socket) {
            // A failed send means the socket is closing; its close event follows.
            let _ = open.send(bytes);
        }
    }

    /// Flushes the outbox from a zero-delay timer: after the socket events already queued.
    fn schedule_flush(&self) {
        if self.flush_scheduled.replace(true) {
            return;
        }
        let me = self.me.clone();
        let flush = Closure::once_into_js(move || {
            if let Some(driver) = me.upgrade() {
                driver.flush();
            }
        });
        let scheduled = web_sys::window().is_some_and(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(flush.unchecked_ref(), 0)
                .is_ok()
        });
        if !scheduled {
            self.flush();
        }
    }

    fn flush(&self) {
        self.timed(|_| self.send_waiting());
    }

    /// Sends everything in the outbox (a flush timer still pending then finds nothing).
    fn send_waiting(&self) {
        self.flush_scheduled.set(false);
        let waiting = self.outbox.borrow_mut().take_all();
        for (socket, bytes) in waiting {
            self.send(socket, &bytes);
        }
    }

    fn open(&self, socket: SocketId, url: &str) {
        let me = self.me.clone();
        let opened = Socket::open(url, move |event| {
            if let Some(driver) = me.upgrade() {
                driver.on_socket(socket, event);
            }
        });
        match opened {
            Ok(open) => {
                self.sockets.borrow_mut().insert(socket, open);
            }
            Err(error) => {
                let now = clock::now();
                if let Ok(mut workspace) = self.workspace.try_borrow_mut() {
                    workspace.on_open_failed(socket, &error, now);
                }
            }
        }
    }

    fn on_socket(&self, socket: SocketId, event: SocketEvent) {
        self.timed(|started| self.handle_socket(socket, event, clock::whole_ms(started)));
    }

    fn handle_socket(&self, socket: SocketId, event: SocketEvent, now: u64) {
        match event {
            SocketEvent::Open => self.with_at(now, |workspace, now| workspace.on_open(socket, now)),
            SocketEvent::Frames(frames) => {
                // Each frame at the time it arrived, not when its batch is handled; but never before
                // a time the workspace has already been given: its clock only goes forward.
                let mut at = self.given_ms.get();
                self.with_at(now, |workspace, now| {
                    let timed = frames.iter().map(|(bytes, arrived)| {
                        at = clock::whole_ms(arrived).max(at).min(now);
                        (bytes, at)
                    });
                    workspace.on_frames(socket, timed);
                });
                // The batch's acknowledgements leave now, in one send per socket: this is the
                // timer they would have waited for (and its time is already being measured).
                self.send_waiting();
            }
            SocketEvent::Text => {
                self.with_at(now, |workspace, now| workspace.on_text_frame(socket, now))
            }
            SocketEvent::Closed { code, reason } => {
                self.sockets.borrow_mut().remove(&socket);
                self.with_at(now, |workspace, now| {
                    workspace.on_close(socket, code, &reason, now)
                });
            }
        }
    }
}
