//! Account pages. Every form is a plain POST to its server function, so it works the same with
//! JavaScript off and on; the password field is the only island.
use super::forms::*;
use crate::accounts::api::{self, forms};
use crate::accounts::model::FormPage;
use crate::error::AppError;
use crate::ui::page::{no_store, query_pairs, ErrorPage, PageMeta};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

fn query(key: &str) -> Option<String> {
    query_pairs().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = query("next").filter(|n| n.starts_with('/'));
    form_page(forms::SIGN_IN, move |page: FormPage| {
        let next = next.clone();
        let sign_up_href = match &next {
            Some(n) => format!("/account/sign-up?next={}", form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()),
            None => "/account/sign-up".into(),
        };
        let links = vec![("/account/forgot".to_owned(), "Forgot your password?"), (sign_up_href, "New here? Create an account")];
        view! {
            <AccountForm page=page.clone() title="Sign in" action=api::SignIn::PATH submit="Sign in" testid="sign-in-form"
                links=links note_signed_in=true>
                {email_field(&page)}
                <Field name="password" label="Password" kind="password" autocomplete="current-password"
                    invalid=page.flash.is_some() maxlength=256/>
                <input type="hidden" name="next" value=next.unwrap_or_default()/>
            </AccountForm>
        }
    })
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    form_page(forms::SIGN_UP, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Create an account" action=api::SignUp::PATH submit="Create account"
                intro="Your account keeps your orders and your game library in one place." testid="sign-up-form"
                links=vec![("/account/sign-in".to_owned(), "Already have an account? Sign in")]>
                {email_field(&page)}
                <PasswordField name="password".into() label="Password".into() policy=page.policy.clone()
                    invalid=page.flash.is_some()/>
            </AccountForm>
        }
    })
}

#[component]
pub fn ConfirmPage() -> impl IntoView {
    form_page(forms::CONFIRM, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Confirm your e-mail address" action=api::ConfirmEmail::PATH
                submit="Confirm" testid="confirm-form" also=(api::ResendCode::PATH, "Send a new code")>
                {email_field(&page)}
                {code_field(&page, "The six-digit code from our e-mail. It works for 15 minutes.")}
            </AccountForm>
        }
    })
}

#[component]
pub fn SignInCodePage() -> impl IntoView {
    form_page(forms::CODE, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Two-factor sign-in" action=api::SignInCode::PATH
                submit="Verify and sign in" testid="code-form"
                intro="Enter the six-digit code your authenticator app shows for this shop."
                links=vec![("/account/sign-in".to_owned(), "Start again")]>
                {code_field(&page, "Codes change every 30 seconds.")}
            </AccountForm>
        }
    })
}

#[component]
pub fn NewPasswordPage() -> impl IntoView {
    form_page(forms::NEW_PASSWORD, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Choose a new password" action=api::ChooseNewPassword::PATH
                submit="Save and sign in" intro="Your account needs a new password before you continue.">
                <PasswordField name="password".into() label="New password".into() policy=page.policy.clone()
                    invalid=page.flash.is_some()/>
            </AccountForm>
        }
    })
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    form_page(forms::FORGOT, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Reset your password" action=api::ForgotPassword::PATH
                submit="Send code" testid="forgot-form"
                intro="Enter your e-mail address and we'll send you a code to choose a new password."
                links=vec![("/account/sign-in".to_owned(), "Back to sign in")]>
                {email_field(&page)}
            </AccountForm>
        }
    })
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    form_page(forms::RESET, |page: FormPage| {
        view! {
            <AccountForm page=page.clone() title="Choose a new password" action=api::ResetPassword::PATH
                submit="Set new password" testid="reset-form" also=(api::ForgotPassword::PATH, "Send a new code")>
                {email_field(&page)}
                {code_field(&page, "The six-digit code from our e-mail.")}
                <PasswordField name="password".into() label="New password".into() policy=page.policy.clone()
                    invalid=page.flash.is_some()/>
            </AccountForm>
        }
    })
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    form_page(forms::CHANGE_PASSWORD, |page: FormPage| {
        if !page.signed_in && page.flash.is_none() {
            redirect_to_sign_in(&AppError::Unauthorized(String::new()), "/account/password");
        }
        view! {
            <AccountForm page=page.clone() title="Change your password" action=api::ChangePassword::PATH
                submit="Change password" testid="change-password-form"
                links=vec![("/account".to_owned(), "Back to your account")]>
                <Field name="current_password" label="Current password" kind="password"
                    autocomplete="current-password" invalid=page.flash.is_some() maxlength=256/>
                <PasswordField name="new_password".into() label="New password".into() policy=page.policy.clone()
                    invalid=page.flash.is_some()/>
            </AccountForm>
        }
    })
}

/// "My account"; `sections` are what other homes add to it (the router passes the order history),
/// so this page names no domain above accounts.
#[component]
pub fn AccountPage(#[prop(into)] sections: ViewFn) -> impl IntoView {
    no_store();
    let data = Resource::new(|| (), |_| api::get_account());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let sections = sections.clone();
                Suspend::new(async move {
                match data.await {
                    Ok((summary, message)) => view! { <AccountView summary message sections/> }.into_any(),
                    Err(e) if redirect_to_sign_in(&e, "/account") => view! {
                        <p><a href="/account/sign-in?next=%2Faccount">"Sign in to see your account"</a></p>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}}
        </Suspense>
    }
}

#[component]
fn AccountView(summary: crate::accounts::model::AccountSummary, message: Option<String>, sections: ViewFn) -> impl IntoView {
    view! {
        <PageMeta title="My account".into() description="Your account".into() canonical_path="/account".into()/>
        <section class="account-page" aria-labelledby="account-title">
            <h1 id="account-title">"My account"</h1>
            {message.map(|m| view! { <p class="notice" role="status" data-testid="notice">{m}</p> })}
            <dl class="account-facts">
                <dt>"E-mail address"</dt>
                <dd data-testid="account-email">{summary.email.clone()}</dd>
                <dt>"Two-factor sign-in"</dt>
                <dd data-testid="two-factor-status">{if summary.two_factor { "On" } else { "Off" }}</dd>
            </dl>
            {sections.run()}
            <div class="account-actions">
                <a class="button" href="/account/library" data-testid="library-link">"My library (game keys)"</a>
                {(!summary.two_factor).then(|| view! {
                    <form method="post" action=api::BeginTwoFactor::PATH>
                        <button type="submit" class="button">"Turn on two-factor sign-in"</button>
                    </form>
                })}
                <a class="button" href="/account/password">"Change password"</a>
                {summary.role.is_staff().then(|| view! { <a class="button" href="/admin">"Staff dashboard"</a> })}
                <form method="post" action=api::SignOut::PATH>
                    <button type="submit" class="button primary">"Sign out"</button>
                </form>
                <form method="post" action=api::SignOut::PATH>
                    <input type="hidden" name="everywhere" value="1"/>
                    <button type="submit" class="button">"Sign out on every device"</button>
                </form>
            </div>
        </section>
    }
}

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let setup = Resource::new(|| (), |_| api::get_two_factor_setup());
    form_page(forms::TWO_FACTOR, move |page: FormPage| {
        view! {
            <AuthCard title="Turn on two-factor sign-in" flash=page.flash.clone() notice=page.notice.clone()>
                <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                    {
                        let page = page.clone();
                        move || {
                            let page = page.clone();
                            Suspend::new(async move {
                                match setup.await {
                                    Ok(Some(s)) => view! {
                                        <ol class="totp-steps">
                                            <li>
                                                <p>"Scan this QR code with an authenticator app (such as 1Password, Google Authenticator or Aegis)."</p>
                                                <div class="qr" role="img" aria-label="QR code for your authenticator app"
                                                    inner_html=s.qr_svg></div>
                                            </li>
                                            <li>
                                                <p>"Or type this key into the app:"</p>
                                                <p><code class="totp-secret" data-testid="totp-secret">{s.secret}</code></p>
                                            </li>
                                            <li>
                                                <form method="post" action=api::EnableTwoFactor::PATH class="auth-form" data-testid="totp-form">
                                                    {code_field(&page, "Enter the six-digit code the app shows now.")}
                                                    <button type="submit" class="button primary">"Turn on"</button>
                                                </form>
                                            </li>
                                        </ol>
                                    }.into_any(),
                                    Ok(None) => {
                                        #[cfg(feature = "ssr")]
                                        crate::platform::request::redirect("/account");
                                        view! { <p><a href="/account">"Start from your account page"</a></p> }.into_any()
                                    }
                                    Err(e) if redirect_to_sign_in(&e, "/account") => view! {
                                        <p><a href="/account/sign-in">"Sign in first"</a></p>
                                    }.into_any(),
                                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                                }
                            })
                        }
                    }
                </Suspense>
            </AuthCard>
        }
    })
}
