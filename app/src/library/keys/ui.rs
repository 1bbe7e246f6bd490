//! "My library": each game key hidden until its owner presses Reveal, then shown to copy.
use crate::library::keys::api::{get_library, MarkKeyRedeemed, RevealKey};
use crate::library::downloads::api::DownloadBuild;
use crate::library::keys::model::{LibraryBuild, LibraryPage as Library};
use crate::ui::page::{await_page, no_store, PageMeta};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LibraryPage() -> impl IntoView {
    no_store();
    #[cfg(feature = "ssr")]
    if let Some(origin) = use_context::<crate::library::LibraryState>().and_then(|s| s.downloads.store.link_origin()) {
        crate::ui::security::allow_form_target(&origin);
    }
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
                                        {k.build.map(|b| view! { <BuildDownload key_id=id latest=b downloads=k.downloads/> })}
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

/// The game's newest build: a download button (a fresh link per click), its size, checksum and changelog.
#[component]
fn BuildDownload(key_id: i64, latest: LibraryBuild, downloads: i64) -> impl IntoView {
    let LibraryBuild { version, changelog, size_bytes, sha256 } = latest;
    let times = match downloads {
        0 => "Not downloaded yet".to_owned(),
        1 => "Downloaded once".to_owned(),
        n => format!("Downloaded {n} times"),
    };
    view! {
        <div class="library-build" data-testid="library-build">
            <form method="post" action=DownloadBuild::PATH class="inline-form">
                <input type="hidden" name="key_id" value=key_id.to_string()/>
                <button type="submit" class="button primary" data-testid="download">
                    "Download version " <span data-testid="build-version">{version.clone()}</span>
                </button>
            </form>
            <p class="field-hint">{file_size(size_bytes)} " · " <span data-testid="download-count">{times}</span></p>
            <p class="field-hint build-sha">"SHA-256 " <code data-testid="build-sha">{sha256}</code></p>
            {(!changelog.is_empty()).then(|| view! {
                <details class="changelog">
                    <summary>"What's new in " {version}</summary>
                    <p>{changelog}</p>
                </details>
            })}
        </div>
    }
}

/// "1.4 MB", "820 KB".
fn file_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} bytes"),
    }
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
