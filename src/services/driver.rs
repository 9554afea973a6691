//! Drives the workspace with the browser: performs the I/O it asks for (WebSockets) and feeds back
//! what happens, with the time from `performance.now()`.
//!
//! The page holds one `Rc<Driver>`. Every user action and every socket event goes through
//! [`Driver::with`], which runs the workspace and then performs its I/O — so a frame that completes a
//! QoS 2 handshake is answered by one `ws.send` with every acknowledgement in it, in the same task.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use crate::playground::workspace::{BrokerChoice, Io, SocketId, Workspace};
use crate::services::clock;
use crate::services::ws::{Socket, SocketEvent};

/// The workspace and its sockets.
pub struct Driver {
    workspace: RefCell<Workspace>,
    sockets: RefCell<BTreeMap<SocketId, Socket>>,
    me: Weak<Driver>,
}

impl Driver {
    /// A driver for a new workspace on `broker`.
    pub fn new(broker: BrokerChoice) -> Rc<Self> {
        Rc::new_cyclic(|me| Driver {
            workspace: RefCell::new(Workspace::new(broker, clock::now())),
            sockets: RefCell::new(BTreeMap::new()),
            me: me.clone(),
        })
    }

    /// Runs `change` on the workspace at the current time, then performs the I/O it asked for.
    pub fn with<R>(&self, change: impl FnOnce(&mut Workspace, u64) -> R) -> R {
        let result = {
            let mut workspace = self.workspace.borrow_mut();
            change(&mut workspace, clock::now())
        };
        self.perform();
        result
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
                        let sockets = self.sockets.borrow();
                        if let Some(open) = sockets.get(&socket) {
                            // A failed send means the socket is closing; its close event follows.
                            let _ = open.send(&bytes);
                        }
                    }
                    Io::Close { socket } => {
                        let removed = self.sockets.borrow_mut().remove(&socket);
                        if let Some(open) = removed {
                            open.close();
                        }
                    }
                }
            }
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
        match event {
            SocketEvent::Open => self.with(|workspace, now| workspace.on_open(socket, now)),
            SocketEvent::Frame(bytes) => {
                self.with(|workspace, now| workspace.on_frame(socket, &bytes, now))
            }
            SocketEvent::Text => self.with(|workspace, now| workspace.on_text_frame(socket, now)),
            SocketEvent::Closed { code, reason } => {
                self.sockets.borrow_mut().remove(&socket);
                self.with(|workspace, now| workspace.on_close(socket, code, &reason, now));
            }
        }
    }
}
