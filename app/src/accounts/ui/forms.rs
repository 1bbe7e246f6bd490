//! Building blocks of the account forms: the card, messages, fields, and the password field island
//! that ticks off the password rules while typing.
use crate::accounts::model::{FormFlash, FormPage, PasswordPolicy};
use crate::error::AppError;
use crate::ui::page::{PageMeta, private_page, set_retry_after, set_status};
use leptos::prelude::*;

/// Loads the form's page data, answers with the failed post's status, and renders the card.
pub fn form_page<V: IntoView + 'static>(
    form: &'static str,
    render: impl Fn(FormPage) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    private_page(move || crate::accounts::api::get_form_page(form.to_owned()), move |page: FormPage| {
        if let Some(f) = &page.flash {
            set_status(f.status);
            if let Some(secs) = f.retry_after_secs {
                set_retry_after(secs);
            }
        }
        render(page)
    })
}

/// Sends the signed-out visitor of a members' page to sign in (server-side 302), coming back after.
pub fn redirect_to_sign_in(error: &AppError, back: &str) -> bool {
    if !matches!(error, AppError::Unauthorized(_)) {
        return false;
    }
    set_status(302);
    #[cfg(feature = "ssr")]
    crate::platform::request::redirect(&format!("/account/sign-in?next={}", form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()));
    #[cfg(not(feature = "ssr"))]
    let _ = back;
    true
}

/// The frame of an account form page.
#[component]
pub fn AuthCard(
    title: &'static str,
    #[prop(optional_no_strip)] intro: Option<&'static str>,
    #[prop(optional_no_strip)] flash: Option<FormFlash>,
    #[prop(optional_no_strip)] notice: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <PageMeta title=title.to_owned() description=format!("{title} at {}", crate::site::SITE_NAME)
            canonical_path="/account".into()/>
        <section class="auth-card" aria-labelledby="auth-title">
            <h1 id="auth-title">{title}</h1>
            {intro.map(|t| view! { <p class="auth-intro">{t}</p> })}
            {notice.map(|n| view! { <p class="notice" role="status" data-testid="notice">{n}</p> })}
            {flash.map(|f| view! {
                <div class="form-error" role="alert" id="form-error" data-testid="form-error">
                    <p>{f.message}</p>
                </div>
            })}
            {children()}
        </section>
    }
}

/// One account form page's scaffolding: the card (title, intro, notice, error), a plain POST form
/// to `action` holding the fields (`children`), its submit button (and optionally a second button
/// that posts the same fields elsewhere, such as "Send a new code"), and the links under it.
#[component]
pub fn AccountForm(
    page: FormPage,
    title: &'static str,
    /// The server function's path the form posts to.
    action: &'static str,
    /// The submit button's label.
    submit: &'static str,
    #[prop(optional)] intro: Option<&'static str>,
    #[prop(optional)] testid: Option<&'static str>,
    /// (path, label) of a second submit button.
    #[prop(optional)] also: Option<(&'static str, &'static str)>,
    /// (href, text) of the links under the form.
    #[prop(optional)] links: Vec<(String, &'static str)>,
    /// Say so first when the visitor is already signed in (the sign-in page).
    #[prop(optional)] note_signed_in: bool,
    children: Children,
) -> impl IntoView {
    let buttons = match also {
        Some((formaction, label)) => view! {
            <div class="form-actions">
                <button type="submit" class="button primary">{submit}</button>
                <button type="submit" class="button" formaction=formaction formnovalidate=true>{label}</button>
            </div>
        }
        .into_any(),
        None => view! { <button type="submit" class="button primary">{submit}</button> }.into_any(),
    };
    view! {
        <AuthCard title=title intro=intro flash=page.flash.clone() notice=page.notice.clone()>
            {(note_signed_in && page.signed_in).then(|| view! {
                <p class="notice" role="status">"You're signed in. "
                    <a href="/account">"Go to your account"</a> "."</p>
            })}
            <form method="post" action=action class="auth-form" data-testid=testid>
                {children()}
                {buttons}
            </form>
            {(!links.is_empty()).then(|| view! {
                <p class="auth-links">
                    {links.into_iter().map(|(href, text)| view! { <a href=href>{text}</a> }).collect_view()}
                </p>
            })}
        </AuthCard>
    }
}

/// A labelled input; described by the form's error when there is one.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] invalid: bool,
    #[prop(default = true)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let hint_id = hint.map(|_| format!("{id}-hint"));
    let described = [hint_id.clone(), invalid.then(|| "form-error".to_owned())].into_iter().flatten().collect::<Vec<_>>().join(" ");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <input id=id name=name type=kind value=value autocomplete=autocomplete inputmode=inputmode
                required=required maxlength=maxlength.map(|m| m.to_string())
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)/>
        </div>
    }
}

/// The e-mail field, prefilled with what was typed before (or the flow's address).
pub fn email_field(page: &FormPage) -> impl IntoView + use<> {
    let value = page.flash.as_ref().and_then(|f| f.email.clone()).or_else(|| page.email.clone());
    view! {
        <Field name="email" label="E-mail address" kind="email" value=value.unwrap_or_default()
            autocomplete="email" invalid=page.flash.is_some() maxlength=254/>
    }
}

/// The one-time code field (e-mail code or authenticator code).
pub fn code_field(page: &FormPage, hint: &'static str) -> impl IntoView + use<> {
    view! {
        <Field name="code" label="Code" autocomplete="one-time-code" inputmode="numeric" hint=hint
            invalid=page.flash.is_some() maxlength=64/>
    }
}

/// A new-password field with the provider's rules listed under it; with JavaScript each rule is
/// ticked off while typing. The server checks the same rules.
#[island]
pub fn PasswordField(name: String, label: String, policy: PasswordPolicy, invalid: bool) -> impl IntoView {
    let value = RwSignal::new(String::new());
    let id = format!("f-{name}");
    let rules_id = format!("{id}-rules");
    let described = if invalid { format!("{rules_id} form-error") } else { rules_id.clone() };
    let min = policy.min_length;
    let rules = policy.rules();
    let hydrated = crate::ui::hydrated_marker();
    view! {
        <div class="field" data-testid="password-field" data-hydrated=hydrated>
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="password" autocomplete="new-password" required=true
                maxlength=crate::accounts::model::MAX_PASSWORD_LEN.to_string()
                aria-invalid=invalid.then_some("true") aria-describedby=described
                on:input=move |ev| value.set(event_target_value(&ev))/>
            <ul class="password-rules" id=rules_id aria-label="Password rules">
                {rules.into_iter().map(|(text, ok)| {
                    let met = move || ok(&value.get(), min);
                    view! {
                        <li class:met=met>
                            <span class="rule-mark" aria-hidden="true">{move || if met() { "✓" } else { "•" }}</span>
                            " " {text}
                            <span class="visually-hidden">{move || if met() { " (met)" } else { "" }}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}
