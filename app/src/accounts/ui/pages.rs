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

fn signed_in_already() -> impl IntoView {
    view! {
        <p class="notice" role="status">"You're signed in. "
            <a href="/account">"Go to your account"</a> "."</p>
    }
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
        view! {
            <AuthCard title="Sign in" flash=page.flash.clone() notice=page.notice.clone()>
                {page.signed_in.then(signed_in_already)}
                <form method="post" action=api::SignIn::PATH class="auth-form" data-testid="sign-in-form">
                    {email_field(&page)}
                    <Field name="password" label="Password" kind="password" autocomplete="current-password"
                        invalid=page.flash.is_some() maxlength=256/>
                    <input type="hidden" name="next" value=next.unwrap_or_default()/>
                    <button type="submit" class="button primary">"Sign in"</button>
                </form>
                <p class="auth-links">
                    <a href="/account/forgot">"Forgot your password?"</a>
                    <a href=sign_up_href>"New here? Create an account"</a>
                </p>
            </AuthCard>
        }
    })
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    form_page(forms::SIGN_UP, |page: FormPage| {
        view! {
            <AuthCard title="Create an account" intro="Your account keeps your orders and your game library in one place."
                flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::SignUp::PATH class="auth-form" data-testid="sign-up-form">
                    {email_field(&page)}
                    <PasswordField name="password".into() label="Password".into() policy=page.policy.clone()
                        invalid=page.flash.is_some()/>
                    <button type="submit" class="button primary">"Create account"</button>
                </form>
                <p class="auth-links"><a href="/account/sign-in">"Already have an account? Sign in"</a></p>
            </AuthCard>
        }
    })
}

#[component]
pub fn ConfirmPage() -> impl IntoView {
    form_page(forms::CONFIRM, |page: FormPage| {
        view! {
            <AuthCard title="Confirm your e-mail address" flash=page.flash.clone()
                notice=page.notice.clone()>
                <form method="post" action=api::ConfirmEmail::PATH class="auth-form" data-testid="confirm-form">
                    {email_field(&page)}
                    {code_field(&page, "The six-digit code from our e-mail. It works for 15 minutes.")}
                    <div class="form-actions">
                        <button type="submit" class="button primary">"Confirm"</button>
                        <button type="submit" class="button" formaction=api::ResendCode::PATH formnovalidate=true>
                            "Send a new code"
                        </button>
                    </div>
                </form>
            </AuthCard>
        }
    })
}

#[component]
pub fn SignInCodePage() -> impl IntoView {
    form_page(forms::CODE, |page: FormPage| {
        view! {
            <AuthCard title="Two-factor sign-in" intro="Enter the six-digit code your authenticator app shows for this shop."
                flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::SignInCode::PATH class="auth-form" data-testid="code-form">
                    {code_field(&page, "Codes change every 30 seconds.")}
                    <button type="submit" class="button primary">"Verify and sign in"</button>
                </form>
                <p class="auth-links"><a href="/account/sign-in">"Start again"</a></p>
            </AuthCard>
        }
    })
}

#[component]
pub fn NewPasswordPage() -> impl IntoView {
    form_page(forms::NEW_PASSWORD, |page: FormPage| {
        view! {
            <AuthCard title="Choose a new password" intro="Your account needs a new password before you continue."
                flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::ChooseNewPassword::PATH class="auth-form">
                    <PasswordField name="password".into() label="New password".into() policy=page.policy.clone()
                        invalid=page.flash.is_some()/>
                    <button type="submit" class="button primary">"Save and sign in"</button>
                </form>
            </AuthCard>
        }
    })
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    form_page(forms::FORGOT, |page: FormPage| {
        view! {
            <AuthCard title="Reset your password" intro="Enter your e-mail address and we'll send you a code to choose a new password."
                flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::ForgotPassword::PATH class="auth-form" data-testid="forgot-form">
                    {email_field(&page)}
                    <button type="submit" class="button primary">"Send code"</button>
                </form>
                <p class="auth-links"><a href="/account/sign-in">"Back to sign in"</a></p>
            </AuthCard>
        }
    })
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    form_page(forms::RESET, |page: FormPage| {
        view! {
            <AuthCard title="Choose a new password" flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::ResetPassword::PATH class="auth-form" data-testid="reset-form">
                    {email_field(&page)}
                    {code_field(&page, "The six-digit code from our e-mail.")}
                    <PasswordField name="password".into() label="New password".into() policy=page.policy.clone()
                        invalid=page.flash.is_some()/>
                    <div class="form-actions">
                        <button type="submit" class="button primary">"Set new password"</button>
                        <button type="submit" class="button" formaction=api::ForgotPassword::PATH formnovalidate=true>
                            "Send a new code"
                        </button>
                    </div>
                </form>
            </AuthCard>
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
            <AuthCard title="Change your password" flash=page.flash.clone() notice=page.notice.clone()>
                <form method="post" action=api::ChangePassword::PATH class="auth-form" data-testid="change-password-form">
                    <Field name="current_password" label="Current password" kind="password"
                        autocomplete="current-password" invalid=page.flash.is_some() maxlength=256/>
                    <PasswordField name="new_password".into() label="New password".into() policy=page.policy.clone()
                        invalid=page.flash.is_some()/>
                    <button type="submit" class="button primary">"Change password"</button>
                </form>
                <p class="auth-links"><a href="/account">"Back to your account"</a></p>
            </AuthCard>
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
                {summary.is_admin.then(|| view! { <a class="button" href="/admin">"Admin dashboard"</a> })}
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
