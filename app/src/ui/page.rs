//! Per-page helpers: title/description/canonical, the HTTP status, and the raw query string.
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};

/// Title, meta description and canonical URL for a page. The only way pages set head text: the
/// title goes through [`head_text`] (leptos_meta writes `<title>` text as it is); the description and
/// canonical URL are attributes, which Leptos escapes itself.
#[component]
pub fn PageMeta(title: String, description: String, canonical_path: String) -> impl IntoView {
    let full_title = head_text(&if title.is_empty() {
        crate::site::SITE_NAME.to_owned()
    } else {
        format!("{title} | {}", crate::site::SITE_NAME)
    });
    let href = absolute_url(&canonical_path);
    view! {
        <Title text=full_title/>
        <Meta name="description" content=description/>
        <Link rel="canonical" href=href/>
    }
}

/// Text made safe for an element of the head that leptos_meta writes raw (`<title>`): a search
/// term or a product name like `</title><meta http-equiv=refresh …>` stays text. Control characters
/// other than tab are dropped (they have no place in a title).
pub fn head_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// `path` prefixed with the configured public base URL (on the server).
pub fn absolute_url(path: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        if let Some(state) = use_context::<crate::platform::Platform>() {
            return format!("{}{}", state.base_url.trim_end_matches('/'), path);
        }
    }
    path.to_owned()
}

/// Sets the response status of the page being rendered (server only; a no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) =
        (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Tells the client when to try again (`Retry-After`, in seconds).
pub fn set_retry_after(secs: u64) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(v) = http::HeaderValue::from_str(&secs.to_string())
    {
        res.insert_header(http::header::RETRY_AFTER, v);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = secs;
}

/// The outcome of the page's last form post: a notice when it worked, an error when it did not.
#[component]
pub fn FormOutcome(notice: Option<String>, error: Option<String>) -> impl IntoView {
    view! {
        {notice.map(|m| view! { <p class="notice" role="status" data-testid="notice">{m}</p> })}
        {error.map(|m| view! { <div class="form-error" role="alert" data-testid="form-error"><p>{m}</p></div> })}
    }
}

/// Marks the page as private and never stored (checkout, payment, orders, account).
pub fn no_store() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(http::header::CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    }
}

/// The request's query string as decoded key/value pairs (`+` is a space, as browsers send forms).
pub fn query_pairs() -> Vec<(String, String)> {
    let query = use_context::<http::request::Parts>()
        .and_then(|p| p.uri.query().map(str::to_owned))
        .unwrap_or_default();
    form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The page shown for an error: a clear message and a way on, with the right status.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    // Where a page's error leaves the server: logged here, with the page it was for (the hydrating
    // client does not log). An internal error is logged once even if this view is built twice.
    #[cfg(feature = "ssr")]
    {
        // Pages render in tasks of their own, outside the request's span: its id comes along here.
        let parts = use_context::<http::request::Parts>();
        let path = parts.as_ref().map(|p| p.uri.path().to_owned()).unwrap_or_default();
        let request_id = parts
            .as_ref()
            .and_then(|p| p.headers.get(crate::platform::request::REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned))
            .unwrap_or_default();
        tracing::info_span!("page", %path, %request_id).in_scope(|| error.log());
    }
    set_status(error.status());
    if let Some(secs) = error.retry_after_secs() {
        set_retry_after(secs);
    }
    let (title, heading) = match &error {
        AppError::NotFound => ("Page not found", "We couldn't find that page"),
        AppError::BadRequest(_) => ("Bad request", "That request didn't look right"),
        AppError::Unauthorized(_) => ("Sign in needed", "Please sign in"),
        AppError::Forbidden | AppError::NotPermitted(_) => ("Access denied", "Access denied"),
        AppError::Conflict(_) => ("Conflict", "That can't be done"),
        AppError::Field { .. } => ("Check the form", "Please check the form"),
        AppError::TooManyRequests { .. } => ("Too many attempts", "Too many attempts"),
        AppError::Internal { .. } => ("Something went wrong", "Something went wrong"),
        AppError::Busy => ("Very busy", "We're very busy right now"),
        AppError::Maintenance => ("Down for maintenance", "Down for maintenance"),
    };
    view! {
        <PageMeta title=title.to_owned() description=error.to_string() canonical_path="/".into()/>
        <section class="error-page" data-testid="error-page">
            <h1>{heading}</h1>
            <p>{error.to_string()}</p>
            {matches!(error, AppError::Forbidden | AppError::Unauthorized(_)).then(|| view! {
                <p><a href="/account/sign-in">"Sign in"</a> " with an account that has access."</p>
            })}
            <p>
                <a href="/">"Go to the home page"</a>
                " or "
                <a href="/search">"search the shop"</a>
                "."
            </p>
        </section>
    }
}

/// A private page (account, cart, checkout, staff): never stored, its data loaded once, then rendered
/// or the error page with the right status.
pub fn private_page<T, Fut, V>(
    fetch: impl Fn() -> Fut + Send + Sync + 'static,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    no_store();
    let data = Resource::new(|| (), move |_| fetch());
    await_page(data, render)
}

/// Waits for a page's data, then renders it, or the error page with the right status.
pub fn await_page<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorPage error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
