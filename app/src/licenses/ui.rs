//! "My library": each game key hidden until its owner presses Reveal, then shown to copy.
use crate::licenses::api::{get_library, MarkKeyRedeemed, RevealKey};
use crate::licenses::model::LibraryPage as Library;
use crate::ui::page::{await_page, no_store, PageMeta};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LibraryPage() -> impl IntoView {
    no_store();
    let data = Resource::new(|| (), |_| get_library());
    await_page(data, |page: Library| {
        view! {
            <PageMeta title="My library".into() description="Your game keys".into() canonical_path="/account/library".into()/>
            <section class="account-page library" aria-labelledby="library-title">
                <h1 id="library-title">"My library"</h1>
                {page.message.map(|m| view! { <p class="notice" role="status" data-testid="notice">{m}</p> })}
                {if page.keys.is_empty() {
                    view! { <p data-testid="library-empty">"No game keys yet. " <a href="/c/games">"Browse games"</a> "."</p> }.into_any()
                } else {
                    view! {
                        <ul class="library-keys">
                            {page.keys.into_iter().map(|k| {
                                let id = k.id;
                                view! {
                                    <li class="library-key" id=format!("key-{id}") data-testid="library-key">
                                        <p><strong>{k.product_name}</strong> " " <span class="cart-variant">{k.variant_label}</span></p>
                                        <p class="field-hint">"Order #" {k.order_number}
                                            {k.redeemed.then(|| view! { " · " <span data-testid="redeemed">"Redeemed"</span> })}</p>
                                        {match k.key {
                                            Some(key) => view! {
                                                <p class="license-key-row">
                                                    <label class="visually-hidden" for=format!("key-text-{id}")>"License key"</label>
                                                    <input id=format!("key-text-{id}") class="license-key" data-testid="license-key"
                                                        readonly=true value=key.clone() size="30"/>
                                                    <CopyButton text=key/>
                                                </p>
                                                {(!k.redeemed).then(|| view! {
                                                    <form method="post" action=MarkKeyRedeemed::PATH class="inline-form">
                                                        <input type="hidden" name="key_id" value=id.to_string()/>
                                                        <button type="submit" class="button secondary-outline">"Mark as redeemed"</button>
                                                    </form>
                                                })}
                                            }.into_any(),
                                            None => view! {
                                                <form method="post" action=RevealKey::PATH class="inline-form">
                                                    <input type="hidden" name="key_id" value=id.to_string()/>
                                                    <p class="license-key hidden-key" aria-hidden="true">"•••••-•••••-•••••-•••••"</p>
                                                    <button type="submit" class="button primary">"Reveal key"</button>
                                                </form>
                                            }.into_any(),
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    })
}

/// Copies a key to the clipboard (JavaScript on); without JavaScript the key is selectable text.
#[island]
pub fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let hydrated = crate::ui::hydrated_marker();
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
            copied.set(true);
        }
    };
    view! {
        <button type="button" class="button secondary-outline" data-testid="copy-key" data-hydrated=hydrated
            hidden=move || hydrated().is_none() on:click=copy>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
