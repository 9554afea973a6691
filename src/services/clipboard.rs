//! Copying text with the asynchronous Clipboard API.

use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::Callback;

/// Puts `text` on the clipboard and tells `done` whether that worked (it fails outside a secure
/// context, or when the browser or the user denies it).
pub fn copy_text(text: String, done: Callback<bool>) {
    let Some(window) = web_sys::window() else {
        done.emit(false);
        return;
    };
    let promise = window.navigator().clipboard().write_text(&text);
    spawn_local(async move {
        done.emit(JsFuture::from(promise).await.is_ok());
    });
}
