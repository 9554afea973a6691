//! WebSockets for the real-broker backend: subprotocol `mqtt`, binary frames as `ArrayBuffer`s.
//!
//! **Frames cross into wasm in batches.** A flood delivers tens of thousands of frames a second, one
//! MQTT packet each, and crossing into wasm for each one cost more than the plain-JS receiver
//! spends on a whole packet: the call, the copy into wasm memory with its allocation, the clock,
//! and the workspace's work around every input. So a few lines of JavaScript keep each binary
//! frame (a view of its `ArrayBuffer`, and `event.timeStamp`: when it arrived) until a zero-delay
//! timer, then hand all of them to wasm in one call: the bytes end to end, where each frame ends,
//! and when each arrived. A quiet connection's frame still crosses at once, after the events
//! already queued; in a flood, the batch's acknowledgements then leave in one send right after it
//! (see `Driver`), as the plain-JS receiver's do.
//!
//! A text frame or a close first delivers the frames before it, so the page sees everything in the
//! order it happened. A close carries its code and reason. Sending takes one buffer per call: the
//! workspace has already coalesced every packet of a poll into it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, WebSocket};

#[wasm_bindgen(
    inline_js = "export function listen_for_frames(socket, frames, text, closed) {
  let views = [];
  let times = [];
  let size = 0;
  let timer = null;
  // Set when the page lets go of the socket: its handlers are gone, even in the middle of an event
  // (a batch that makes the page drop the socket, followed by the close it was delivered before).
  let stopped = false;
  const deliver = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (stopped || views.length === 0) return;
    const bytes = new Uint8Array(size);
    const ends = new Uint32Array(views.length);
    let at = 0;
    for (let i = 0; i < views.length; i++) {
      bytes.set(views[i], at);
      at += views[i].length;
      ends[i] = at;
    }
    const arrived = new Float64Array(times);
    views = [];
    times = [];
    size = 0;
    frames(bytes, ends, arrived);
  };
  socket.onmessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) {
      deliver();
      if (!stopped) text();
      return;
    }
    const view = new Uint8Array(event.data);
    views.push(view);
    times.push(event.timeStamp);
    size += view.length;
    if (timer === null) timer = setTimeout(deliver, 0);
  };
  socket.onclose = (event) => {
    deliver();
    if (!stopped) closed(event);
  };
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    views = [];
    times = [];
    size = 0;
  };
}"
)]
extern "C" {
    /// Sets `socket.onmessage` and `socket.onclose`: binary frames go to `frames` in batches (see
    /// the [module documentation](self)), text frames to `text`, the close to `closed` after the
    /// frames before it. Returns the function that stops it: frames still waiting are dropped, and
    /// no handler is called again.
    fn listen_for_frames(
        socket: &WebSocket,
        frames: &Closure<OnFrames>,
        text: &Closure<dyn FnMut()>,
        closed: &Closure<dyn FnMut(CloseEvent)>,
    ) -> js_sys::Function;
}

/// The handler of a batch: the frames' bytes end to end, where each ends, when each arrived.
type OnFrames = dyn FnMut(Vec<u8>, Vec<u32>, Vec<f64>);

/// Binary frames that arrived together, handed over in one call.
pub struct Frames {
    /// Their bytes, end to end.
    bytes: Vec<u8>,
    /// Where each frame ends in `bytes`.
    ends: Vec<u32>,
    /// When each arrived (`event.timeStamp`: milliseconds on `performance.now()`'s clock).
    arrived: Vec<f64>,
}

impl Frames {
    /// Each frame's bytes and when it arrived, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], f64)> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .zip(&self.arrived)
            .filter_map(|((start, &end), &at)| {
                Some((self.bytes.get(start as usize..end as usize)?, at))
            })
    }
}

/// What a socket reports.
pub enum SocketEvent {
    /// The handshake completed.
    Open,
    /// Binary frames.
    Frames(Frames),
    /// A text frame (not MQTT).
    Text,
    /// Closed, with the close code and reason (1006 and no reason when it failed).
    Closed {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
}

/// An open (or opening) socket and the handlers it keeps alive.
pub struct Socket {
    socket: WebSocket,
    /// Stops the frame handlers: frames waiting for their batch are dropped, and no handler runs
    /// again (a dropped socket's handlers are gone).
    stop_listening: js_sys::Function,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_frames: Closure<OnFrames>,
    _on_text: Closure<dyn FnMut()>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Socket {
    /// Opens `url` with the `mqtt` subprotocol; `on_event` hears everything that happens to it.
    /// Fails when the browser refuses the URL outright (syntax, a blocked port, mixed content).
    pub fn open(url: &str, on_event: impl Fn(SocketEvent) + 'static) -> Result<Socket, String> {
        let socket = WebSocket::new_with_str(url, "mqtt").map_err(describe_js_error)?;
        socket.set_binary_type(BinaryType::Arraybuffer);
        let on_event = std::rc::Rc::new(on_event);
        let events = on_event.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| events(SocketEvent::Open));
        let events = on_event.clone();
        let on_frames = Closure::<OnFrames>::new(move |bytes, ends, arrived| {
            events(SocketEvent::Frames(Frames {
                bytes,
                ends,
                arrived,
            }))
        });
        let events = on_event.clone();
        let on_text = Closure::<dyn FnMut()>::new(move || events(SocketEvent::Text));
        let events = on_event.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            events(SocketEvent::Closed {
                code: event.code(),
                reason: event.reason(),
            })
        });
        // An error is always followed by a close event, which carries what there is to know.
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|_| {});
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        let stop_listening = listen_for_frames(&socket, &on_frames, &on_text, &on_close);
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Socket {
            socket,
            _on_open: on_open,
            _on_frames: on_frames,
            stop_listening,
            _on_text: on_text,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends one binary frame.
    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.socket
            .send_with_u8_array(bytes)
            .map_err(describe_js_error)
    }

    /// Closes the socket; its handlers stay until it is dropped, so the close is still reported.
    pub fn close(&self) {
        let _ = self.socket.close();
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
        let _ = self.stop_listening.call0(&wasm_bindgen::JsValue::NULL);
        let _ = self.socket.close();
    }
}

/// The message of a JavaScript exception, e.g. "The URL 'x' is invalid."
fn describe_js_error(error: wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::Frames;

    #[test]
    fn a_batch_splits_back_into_its_frames_with_their_times() {
        let frames = Frames {
            bytes: vec![0x40, 0x02, 0x00, 0x01, 0xd0, 0x00],
            ends: vec![4, 4, 6],
            arrived: vec![10.5, 11.0, 12.25],
        };
        let split: Vec<(&[u8], f64)> = frames.iter().collect();
        assert_eq!(
            split,
            [
                (&[0x40, 0x02, 0x00, 0x01][..], 10.5),
                (&[][..], 11.0),
                (&[0xd0, 0x00][..], 12.25)
            ]
        );
        // A frame ending past the bytes (never sent by the JavaScript side) is skipped, not a panic.
        let broken = Frames {
            bytes: vec![1, 2, 3],
            ends: vec![2, 5],
            arrived: vec![1.0, 2.0],
        };
        assert_eq!(broken.iter().collect::<Vec<_>>(), [(&[1, 2][..], 1.0)]);
    }
}
