//! Starts the app in the page's `<body>` (trunk builds this binary and loads it from index.html).

fn main() {
    yew::Renderer::<mqtt_playground::App>::new().render();
}
