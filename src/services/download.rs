//! Saving text as a file the user downloads: a `Blob`, an object URL and a click on a temporary link.

use wasm_bindgen::JsCast;

/// Offers `text` as a download called `filename`; `false` if the browser refused.
pub fn save_text(filename: &str, mime: &str, text: &str) -> bool {
    save(filename, mime, text).is_some()
}

fn save(filename: &str, mime: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = gloo::utils::document();
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(filename);
    link.style().set_property("display", "none").ok()?;
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    // Revoke after the click has been handled.
    let revoke = url.clone();
    gloo::timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&revoke);
    })
    .forget();
    Some(())
}
