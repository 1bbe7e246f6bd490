//! Development and test tools in one place, each a 404 outside development: the mailbox of mail the
//! shop sent, and a limited drop made on demand.
use crate::error::AppError;
use crate::mail::StoredMail;
use crate::ui::page::{await_page, query_pairs, PageMeta};
use leptos::prelude::*;

/// The dev mailbox (development and tests only; 404 in production).
#[server(prefix = "/api/dev", endpoint = "mailbox")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/dev/mailbox", skip_all))]
pub async fn get_dev_mailbox(to: Option<String>) -> Result<Vec<StoredMail>, AppError> {
    let platform = crate::platform::platform()?;
    if !platform.dev_tools {
        return Err(AppError::NotFound);
    }
    let to = to.filter(|t| !t.trim().is_empty());
    Ok(crate::mail::ssr::DevMailbox::recent(&platform.pool, to.as_deref(), 50).await?)
}
/// Development and tests only (404 in production): a new limited drop with `keys` keys that
/// launches in `launch_in_secs`; returns its product page.
#[server(prefix = "/api/dev", endpoint = "drop")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "/api/dev/drop", skip_all))]
pub async fn dev_create_drop(launch_in_secs: i64, keys: i64) -> Result<String, AppError> {
    let platform = crate::platform::platform()?;
    if !platform.dev_tools {
        return Err(AppError::NotFound);
    }
    if !(0..=86_400).contains(&launch_in_secs) || !(1..=1000).contains(&keys) {
        return Err(AppError::BadRequest("launch_in_secs must be 0 to 86400 and keys 1 to 1000".into()));
    }
    let (slug, _) = crate::library::keys::ssr::drops::create_drop(&platform.pool, &crate::library::state()?.keys, "Founders Drop", 12_999, keys as usize, launch_in_secs)
        .await
        .map_err(AppError::internal)?;
    Ok(format!("/p/{slug}"))
}

#[component]
pub fn MailboxPage() -> impl IntoView {
    let to = query_pairs().into_iter().find(|(k, _)| k == "to").map(|(_, v)| v);
    let data = Resource::new(move || to.clone(), get_dev_mailbox);
    await_page(data, |mails| {
        view! {
            <PageMeta title="Dev mailbox".into() description="Mail sent in development".into() canonical_path="/dev/mailbox".into()/>
            <leptos_meta::Meta name="robots" content="noindex"/>
            <section class="mailbox" aria-labelledby="mailbox-title">
                <h1 id="mailbox-title">"Dev mailbox"</h1>
                <p>"Mail the shop sent while running in development. Newest first."</p>
                {if mails.is_empty() {
                    view! { <p data-testid="mailbox-empty">"No mail yet."</p> }.into_any()
                } else {
                    view! {
                        <ol class="mail-list">
                            {mails.into_iter().map(|m| view! {
                                <li class="mail" data-testid="mail">
                                    <p class="mail-meta"><strong>{m.subject}</strong>" — to "<span data-testid="mail-to">{m.to}</span>" · "{m.sent_at}</p>
                                    <pre data-testid="mail-body">{m.body}</pre>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
            </section>
        }
    })
}
