//! WebSockets for the real-broker backend: subprotocol `mqtt`, binary frames as `ArrayBuffer`s.
//!
//! Each socket's events become one call into the page's handlers with plain Rust values. A frame's
//! bytes cross into wasm in the call itself: a few lines of JavaScript tell binary frames from text
//! ones and hand the bytes over as the handler's argument, so a frame costs one boundary crossing,
//! where reading `event.data`, checking its type and copying it out through web-sys would cost four
//! (a flood delivers tens of thousands of frames a second). A close carries its code and reason.
//! Sending takes one buffer per call: the workspace has already coalesced every packet of a poll
//! into it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, WebSocket};

#[wasm_bindgen(inline_js = "export function listen_for_frames(socket, binary, text) {
  socket.onmessage = (event) =>
    event.data instanceof ArrayBuffer ? binary(new Uint8Array(event.data)) : text();
}")]
extern "C" {
    /// Sets `socket.onmessage`: binary frames go to `binary` with their bytes, others to `text`.
    fn listen_for_frames(
        socket: &WebSocket,
        binary: &Closure<dyn FnMut(Vec<u8>)>,
        text: &Closure<dyn FnMut()>,
    );
}

/// What a socket reports.
pub enum SocketEvent {
    /// The handshake completed.
    Open,
    /// A binary frame.
    Frame(Vec<u8>),
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
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_binary: Closure<dyn FnMut(Vec<u8>)>,
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
        let on_binary =
            Closure::<dyn FnMut(Vec<u8>)>::new(move |bytes| events(SocketEvent::Frame(bytes)));
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
        listen_for_frames(&socket, &on_binary, &on_text);
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Socket {
            socket,
            _on_open: on_open,
            _on_binary: on_binary,
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
