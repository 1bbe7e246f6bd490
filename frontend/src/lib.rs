//! The browser entry point: hydrates the interactive islands of a server-rendered page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Makes sure the island registry of `app` is linked in.
    app::islands_linked();
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
