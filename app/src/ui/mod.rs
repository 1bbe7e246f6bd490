//! The design system: page metadata and status, the error page, form outcomes, CSP helpers.
pub mod page;
#[cfg(feature = "ssr")]
pub mod security;

/// A signal that turns true once its island runs in the browser; bound to `data-hydrated` so tests
/// (and styles) can tell a live island from server HTML.
pub fn hydrated_marker() -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    use leptos::prelude::*;
    let hydrated = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || hydrated.set(true));
    move || hydrated.get().then_some("true")
}
