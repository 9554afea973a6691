//! Saving an SVG document as a PNG: the browser draws it as an image onto a canvas (at twice its
//! size, so text stays sharp on slides; smaller for a very long history), and the canvas is offered
//! as a download.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

/// Draws `svg` (a standalone document `width` × `height` px) and offers it as `filename`; `done`
/// hears whether the browser let it happen (drawing is asynchronous: the image must load first).
pub fn save_svg_as_png(filename: &str, svg: &str, width: f32, height: f32, done: Callback<bool>) {
    let Some(image) = web_sys::HtmlImageElement::new().ok() else {
        return done.emit(false);
    };
    let loaded = image.clone();
    let filename = filename.to_string();
    let failed = done.clone();
    let onload = Closure::once_into_js(move || {
        done.emit(draw(&loaded, &filename, width, height).is_some());
    });
    let onerror = Closure::once_into_js(move || failed.emit(false));
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_onerror(Some(onerror.unchecked_ref()));
    let encoded: String = js_sys::encode_uri_component(svg).into();
    image.set_src(&format!("data:image/svg+xml;charset=utf-8,{encoded}"));
}

/// Browsers refuse canvases much taller than this (Chromium: 32,767 px); a long history is drawn
/// smaller rather than not at all.
const MAX_SIDE: f64 = 16_000.0;

fn draw(image: &web_sys::HtmlImageElement, filename: &str, width: f32, height: f32) -> Option<()> {
    let longest = f64::from(width.max(height)).max(1.0);
    let scale = (MAX_SIDE / longest).min(2.0);
    let document = gloo::utils::document();
    let canvas: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    let (w, h) = (f64::from(width) * scale, f64::from(height) * scale);
    canvas.set_width(w.ceil() as u32);
    canvas.set_height(h.ceil() as u32);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_html_image_element_and_dw_and_dh(image, 0.0, 0.0, w, h)
        .ok()?;
    let url = canvas.to_data_url_with_type("image/png").ok()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(filename);
    document.body()?.append_child(&link).ok()?;
    link.click();
    link.remove();
    Some(())
}
