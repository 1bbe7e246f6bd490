//! Configuration: built-in defaults, then an optional TOML file (`APP_CONFIG`, default `shop.toml` if
//! present), then `APP_*` environment variables. Validated once at start-up with a clear message.
use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Serialize};
use app::accounts::{model::PasswordPolicy, ssr::{cognito::CognitoSettings, rate_limit::AuthLimits}};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunMode {
    Development,
    Test,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub env: RunMode,
    pub listen: SocketAddr,
    /// `postgres://…`; `DATABASE_URL` is accepted too.
    pub database_url: Option<String>,
    /// Public origin used in canonical URLs and the CSRF origin check; defaults to `http://<listen>`.
    pub base_url: Option<String>,
    /// Where cargo-leptos wrote the site (`pkg/` with JS, WASM, CSS, plus public assets).
    pub site_root: PathBuf,
    /// Where product images are stored with `media.backend = 'local'` (served at `/media`).
    pub media_dir: PathBuf,
    /// Where uploaded photos are kept: the media directory (default) or an S3 bucket.
    pub media: app::platform::objects::MediaSettings,
    /// What caches public pages in front of the shop, to purge when they change (default: nothing).
    pub cache: app::platform::purge::CacheSettings,
    /// Seed the demo catalog when the database has no products.
    pub seed_demo: bool,
    pub db_max_connections: u32,
    /// How long a request waits for a free database connection before it is answered 503.
    pub db_acquire_timeout_secs: u64,
    /// Requests served at once (health checks and static files apart); 0 turns the limit off.
    pub max_in_flight: usize,
    /// Requests that may wait for one of those places; any more are answered 503 at once.
    pub max_queued: usize,
    /// How long a request may wait for a place before it is answered 503.
    pub queue_wait_ms: u64,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
    /// Compression of pages and JSON at the origin: the brotli quality (gzip's level, at most 9),
    /// 0 for none (a CDN in front may compress instead).
    pub compression_level: u32,
    /// The shop's own proxies (load balancer, CDN), as addresses or networks: only requests from them
    /// may name the client (`X-Forwarded-For`) or bring a request id. Empty: the peer is the client.
    pub trusted_proxies: Vec<String>,
    /// While this file exists the shop answers its maintenance page (create it to start, remove it to
    /// end; looked at every second). Unset: only an unreachable database starts maintenance.
    pub maintenance_flag: Option<PathBuf>,
    /// Where Prometheus reads `/metrics` (an internal address such as `0.0.0.0:9464`, never the
    /// shop's own port); unset: no metrics.
    pub metrics_listen: Option<SocketAddr>,
    /// Memory for rendered public pages kept by this instance (`page_cache`), in MiB; 0 for none.
    pub page_cache_mb: u64,
    pub log_format: LogFormat,
    /// The shop's time zone (an IANA name like `Europe/Berlin`): the days of the sales dashboard
    /// and of the visitor funnel.
    pub time_zone: String,
    /// Who gets the daily staff alerts (low stock, failed jobs); empty: the built-in provider's admins.
    pub alert_emails: Vec<String>,
    /// The hour (shop time, 0 to 23) the daily alerts go out.
    pub alert_hour: u32,
    pub auth: AuthConfig,
    pub orders: app::checkout::ssr::OrderSettings,
    pub mail: MailConfig,
    pub licenses: app::library::keys::ssr::LicenseSettings,
    pub downloads: app::library::downloads::ssr::DownloadSettings,
    /// Unsafe switches for a staging shop running with `env = production`.
    pub staging: StagingSwitches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTransport {
    /// Kept in the database and shown at `/dev/mailbox` (the default; development and demo).
    DevMailbox,
    /// Sent through `mail.smtp`.
    Smtp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    pub transport: MailTransport,
    pub smtp: Option<app::mail::ssr::SmtpSettings>,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig { transport: MailTransport::DevMailbox, smtp: None }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Accounts in the shop's own database (the default; no cloud account needed).
    Builtin,
    /// An Amazon Cognito user pool (`[auth.cognito]`).
    Cognito,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    pub provider: ProviderKind,
    pub cognito: Option<CognitoSettings>,
    /// The built-in provider's password rules (Cognito reads its pool's own when it may).
    pub password_policy: PasswordPolicy,
    pub limits: AuthLimits,
    /// A signed-in session ends after this many days without a visit.
    pub session_days: u32,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            provider: ProviderKind::Builtin,
            cognito: None,
            password_policy: PasswordPolicy::default(),
            limits: AuthLimits::default(),
            session_days: 14,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            env: RunMode::Development,
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: None,
            base_url: None,
            site_root: PathBuf::from("target/site"),
            media_dir: PathBuf::from(".data/media"),
            media: app::platform::objects::MediaSettings::default(),
            cache: app::platform::purge::CacheSettings::default(),
            seed_demo: false,
            db_max_connections: 10,
            db_acquire_timeout_secs: 5,
            max_in_flight: 64,
            max_queued: 512,
            queue_wait_ms: 5000,
            request_timeout_secs: 15,
            body_limit_bytes: 1024 * 1024,
            compression_level: 4,
            page_cache_mb: 64,
            metrics_listen: None,
            maintenance_flag: Some(PathBuf::from(".data/maintenance")),
            trusted_proxies: Vec::new(),
            log_format: LogFormat::Text,
            time_zone: "Europe/Berlin".into(),
            alert_emails: Vec::new(),
            alert_hour: 8,
            auth: AuthConfig::default(),
            orders: app::checkout::ssr::OrderSettings::default(),
            mail: MailConfig::default(),
            licenses: app::library::keys::ssr::LicenseSettings::default(),
            downloads: app::library::downloads::ssr::DownloadSettings::default(),
            staging: StagingSwitches::default(),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("configuration could not be read: {0}")]
    Read(String),
    #[error("invalid configuration value for `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
    #[error("invalid configuration ({} problems):{}", .0.len(), .0.iter().map(|(k, m)| format!("\n  - `{k}`: {m}")).collect::<String>())]
    Several(Vec<(&'static str, String)>),
}

/// Switches that let a production-mode shop run with test parts (a staging shop). Each is named for
/// what it allows and is logged as a warning at every start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StagingSwitches {
    /// The built-in test gateway: test cards mark orders paid.
    pub allow_test_payments: bool,
    /// Seeding the demo catalog and its accounts with the README's passwords.
    pub allow_demo_data: bool,
    /// Mail kept in the database instead of sent.
    pub allow_dev_mailbox: bool,
}

impl Config {
    /// Reads the real sources: defaults, optional file, environment.
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("APP_CONFIG").unwrap_or_else(|_| "shop.toml".into());
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if std::path::Path::new(&file).exists() {
            figment = figment.merge(Toml::file(&file));
        } else if std::env::var("APP_CONFIG").is_ok() {
            return Err(ConfigError::Read(format!("APP_CONFIG names {file}, which does not exist")));
        }
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(Serialized::default("database_url", url));
        }
        // Nested keys use a double underscore: APP_AUTH__PROVIDER=cognito.
        figment = figment.merge(Env::prefixed("APP_").ignore(&["config"]).split("__"));
        Config::from_figment(figment)
    }

    pub fn from_figment(figment: Figment) -> Result<Config, ConfigError> {
        let config: Config = figment.extract().map_err(|e| ConfigError::Read(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value and reports **all** problems at once (a production shop missing four
    /// settings hears about the four in one start, not one per restart).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems: Vec<(&'static str, String)> = Vec::new();
        let mut invalid = |key: &'static str, message: &str| problems.push((key, message.to_owned()));
        let production = self.env == RunMode::Production;
        match &self.database_url {
            None => invalid("database_url", "not set (use APP_DATABASE_URL or DATABASE_URL)"),
            Some(u) if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) => {
                invalid("database_url", "must start with postgres:// or postgresql://");
            }
            _ => {}
        }
        match &self.base_url {
            Some(b) => {
                let host = b.strip_prefix("https://").or_else(|| b.strip_prefix("http://")).map(|h| h.strip_suffix('/').unwrap_or(h));
                if !matches!(host, Some(h) if !h.is_empty() && !h.contains('/')) {
                    invalid("base_url", "must be an origin like https://shop.example (no path)");
                } else if production && b.starts_with("http://") {
                    invalid("base_url", "must use https in production");
                }
            }
            None if production => invalid("base_url", "must be set to the shop's https origin in production"),
            None => {}
        }
        if !(1..=500).contains(&self.db_max_connections) {
            invalid("db_max_connections", "must be between 1 and 500");
        }
        if !(1..=60).contains(&self.db_acquire_timeout_secs) {
            invalid("db_acquire_timeout_secs", "must be between 1 and 60 seconds");
        }
        if self.max_in_flight > 100_000 {
            invalid("max_in_flight", "must be at most 100000 (0 turns the limit off)");
        }
        if self.max_queued > 1_000_000 {
            invalid("max_queued", "must be at most 1000000");
        }
        if self.queue_wait_ms > 60_000 {
            invalid("queue_wait_ms", "must be at most 60000 (one minute)");
        }
        if !(1..=300).contains(&self.request_timeout_secs) {
            invalid("request_timeout_secs", "must be between 1 and 300 seconds");
        }
        let zone_ok = (1..=64).contains(&self.time_zone.len())
            && self.time_zone.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_-+".contains(&b));
        if !zone_ok {
            invalid("time_zone", "must be an IANA time zone name like Europe/Berlin");
        }
        if self.alert_hour > 23 {
            invalid("alert_hour", "must be an hour from 0 to 23");
        }
        if self.alert_emails.iter().any(|e| app::types::Email::parse(e).is_err()) {
            invalid("alert_emails", "must be e-mail addresses");
        }
        if self.compression_level > 11 {
            invalid("compression_level", "must be between 0 (none) and 11");
        }
        if let Err(bad) = crate::http::TrustedProxies::parse(&self.trusted_proxies) {
            invalid("trusted_proxies", &format!("must be IP addresses or networks like 10.0.0.0/16 (not {bad})"));
        }
        if self.metrics_listen.is_some_and(|m| m.port() == self.listen.port() && (m.ip() == self.listen.ip() || m.ip().is_unspecified() || self.listen.ip().is_unspecified())) {
            invalid("metrics_listen", "must not be the shop's own address: metrics are never public");
        }
        if self.page_cache_mb > 65_536 {
            invalid("page_cache_mb", "must be at most 65536 (0 turns the page cache off)");
        }
        if !(1024..=64 * 1024 * 1024).contains(&self.body_limit_bytes) {
            invalid("body_limit_bytes", "must be between 1 KiB and 64 MiB");
        }
        if self.auth.provider == ProviderKind::Cognito {
            match &self.auth.cognito {
                None => invalid("auth.cognito", "must be set when auth.provider is cognito"),
                Some(c) if c.region.is_empty() || c.user_pool_id.is_empty() || c.client_id.is_empty() => {
                    invalid("auth.cognito", "region, user_pool_id and client_id are required");
                }
                Some(_) => {}
            }
        }
        if !(4..=128).contains(&self.auth.password_policy.min_length) {
            invalid("auth.password_policy.min_length", "must be between 4 and 128");
        }
        if !(1..=120).contains(&self.orders.hold_minutes) {
            invalid("orders.hold_minutes", "must be between 1 and 120");
        }
        if self.orders.support_refund_limit_minor < 0 {
            invalid("orders.support_refund_limit_minor", "must be 0 or more");
        }
        if self.mail.transport == MailTransport::Smtp {
            match &self.mail.smtp {
                None => invalid("mail.smtp", "is needed when mail.transport is 'smtp'"),
                Some(s) => {
                    if let Err(e) = app::mail::ssr::SmtpMailer::new(s) {
                        invalid("mail.smtp", &e.to_string());
                    }
                }
            }
        } else if production && !self.staging.allow_dev_mailbox {
            invalid("mail.transport", "must be 'smtp' in production (the dev mailbox sends nothing)");
        }
        if let Err(e) = self.licenses.cipher() {
            invalid("licenses.encryption_keys", &e.to_string());
        }
        if self.licenses.fingerprint_secret.expose().len() < 32 {
            invalid("licenses.fingerprint_secret", "needs 32 characters or more");
        }
        if self.orders.payment_provider == app::payments::PaymentProviderKind::Stripe && self.orders.stripe.is_none() {
            invalid("orders.stripe", "is needed when orders.payment_provider is 'stripe'");
        }
        if production
            && self.orders.payment_provider == app::payments::PaymentProviderKind::Builtin
            && !self.staging.allow_test_payments
        {
            invalid(
                "orders.payment_provider",
                "the built-in test gateway takes test cards as payment: use 'stripe' in production \
                 (a staging shop may set staging.allow_test_payments = true)",
            );
        }
        if self.seed_demo && !cfg!(feature = "demo") {
            invalid(
                "seed_demo",
                "this server was built without the demo data (the `demo` feature of the server crate): \
                 set seed_demo = false, or build the server with its default features",
            );
        } else if production && self.seed_demo && !self.staging.allow_demo_data {
            invalid(
                "seed_demo",
                "the demo data includes an admin account with a published password: not in production \
                 (a staging shop may set staging.allow_demo_data = true)",
            );
        }
        if self.orders.webhook_secrets.is_empty() || self.orders.webhook_secrets.iter().any(|s| s.expose().len() < 16) {
            invalid("orders.webhook_secrets", "needs at least one secret of 16 characters or more");
        } else if production && self.orders.webhook_secrets.iter().any(|s| s.expose() == app::payments::DEV_WEBHOOK_SECRET) {
            invalid("orders.webhook_secrets", "the development secret cannot be used in production");
        }
        if production && self.licenses.uses_dev_values() {
            invalid("licenses.encryption_keys", "the development key and secret cannot be used in production");
        }
        if let Err((key, why)) = self.downloads.validate() {
            invalid(key, why);
        }
        if production && self.downloads.uses_dev_values() {
            invalid("downloads.signing_secret", "the development secret cannot be used in production");
        }
        if self.media.backend == app::platform::objects::MediaBackend::S3 && self.media.s3.as_ref().is_none_or(|s| s.bucket.is_empty()) {
            invalid("media.s3.bucket", "must be set when media.backend is 's3'");
        }
        if let Err((key, why)) = self.cache.validate() {
            invalid(key, why);
        }
        if !(1..=365).contains(&self.auth.session_days) {
            invalid("auth.session_days", "must be between 1 and 365");
        }
        match problems.len() {
            0 => Ok(()),
            1 => {
                let (key, message) = problems.remove(0);
                Err(ConfigError::Invalid { key, message })
            }
            _ => Err(ConfigError::Several(problems)),
        }
    }

    /// The staging switches in force (logged loudly at start-up: they make a production shop unsafe).
    pub fn unsafe_staging_switches(&self) -> Vec<&'static str> {
        let s = &self.staging;
        let on = [
            (s.allow_test_payments, "staging.allow_test_payments"),
            (s.allow_demo_data, "staging.allow_demo_data"),
            (s.allow_dev_mailbox, "staging.allow_dev_mailbox"),
        ];
        on.into_iter().filter(|(v, _)| *v).map(|(_, k)| k).collect()
    }

    pub fn database_url(&self) -> &str {
        self.database_url.as_deref().unwrap_or_default()
    }

    /// The trusted proxies (validated at start-up, so a bad entry is never met here).
    pub fn trusted_proxies(&self) -> crate::http::TrustedProxies {
        crate::http::TrustedProxies::parse(&self.trusted_proxies).unwrap_or_default()
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone().unwrap_or_else(|| format!("http://{}", self.listen)).trim_end_matches('/').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figment(toml: &str) -> Figment {
        Figment::from(Serialized::defaults(Config::default())).merge(Toml::string(toml))
    }

    const DB: &str = "database_url = 'postgres://u@127.0.0.1:5432/shop'\n";

    #[test]
    fn defaults_need_only_a_database() {
        let c = Config::from_figment(figment(DB)).unwrap();
        assert_eq!(c.listen.port(), 3000);
        assert_eq!(c.base_url(), "http://127.0.0.1:3000");
        assert!(!c.seed_demo);
        let err = Config::from_figment(figment("")).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { key: "database_url", .. }), "{err}");
    }

    #[test]
    fn file_values_override_defaults() {
        let c = Config::from_figment(figment(&format!(
            "{DB}listen = '0.0.0.0:8080'\nseed_demo = true\nbase_url = 'https://shop.example/'\nenv = 'production'\norders.webhook_secrets = ['whsec_production_secret_1']\n\
             licenses.encryption_keys = ['2:cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=']\n\
             licenses.fingerprint_secret = 'production-fingerprint-secret-0123456789'\n\
             downloads.signing_secret = 'production-download-signing-secret-0123'\n\
             staging.allow_test_payments = true\nstaging.allow_demo_data = true\nstaging.allow_dev_mailbox = true"
        )))
        .unwrap();
        assert_eq!(c.unsafe_staging_switches().len(), 3);
        assert_eq!(c.listen.port(), 8080);
        assert!(c.seed_demo);
        assert_eq!(c.base_url(), "https://shop.example");
    }

    #[test]
    fn stripe_and_smtp_are_configured_by_file() {
        let c = Config::from_figment(figment(&format!(
            "{DB}[orders]\npayment_provider = 'stripe'\n[orders.stripe]\nsecret_key = 'sk_test_1'\npublishable_key = 'pk_test_1'\n\
             [mail]\ntransport = 'smtp'\n[mail.smtp]\nhost = 'smtp.example'\nport = 465\nsecurity = 'tls'\n\
             username = 'shop'\npassword = 'pw'\nfrom = 'Shop <orders@shop.example>'"
        )))
        .unwrap();
        assert_eq!(c.orders.payment_provider().unwrap().name(), "stripe");
        assert_eq!(c.orders.stripe.unwrap().api_base, "https://api.stripe.com");
        assert_eq!(c.mail.smtp.unwrap().port, 465);
        assert_eq!(Config::from_figment(figment(DB)).unwrap().orders.payment_provider().unwrap().name(), "builtin");
    }

    #[test]
    fn bad_values_get_clear_messages() {
        let cases = [
            ("listen = 'not an address'", "listen"),
            ("db_max_connections = 0", "db_max_connections"),
            ("request_timeout_secs = 100000", "request_timeout_secs"),
            ("db_acquire_timeout_secs = 0", "db_acquire_timeout_secs"),
            ("max_in_flight = 1000000", "max_in_flight"),
            ("max_queued = 2000000", "max_queued"),
            ("queue_wait_ms = 3600000", "queue_wait_ms"),
            ("compression_level = 12", "compression_level"),
            ("page_cache_mb = 100000", "page_cache_mb"),
            ("metrics_listen = '127.0.0.1:3000'", "metrics_listen"),
            ("trusted_proxies = [\"10.0.0.0/33\"]", "trusted_proxies"),
            ("body_limit_bytes = 10", "body_limit_bytes"),
            ("base_url = 'shop.example'", "base_url"),
            ("base_url = 'https://shop.example/some/path'", "base_url"),
            ("env = 'staging'", "env"),
            ("databse_url = 'typo'", "databse_url"),
            ("auth.provider = 'cognito'", "auth.cognito"),
            ("auth.provider = 'okta'", "provider"),
            ("auth.session_days = 0", "auth.session_days"),
            ("orders.hold_minutes = 0", "orders.hold_minutes"),
            ("orders.support_refund_limit_minor = -1", "orders.support_refund_limit_minor"),
            ("orders.webhook_secrets = ['short']", "orders.webhook_secrets"),
            ("env = 'production'\nbase_url = 'https://shop.example'", "the development secret"),
            (
                "env = 'production'\nbase_url = 'https://shop.example'\norders.webhook_secrets = ['whsec_production_secret_1']",
                "the development key",
            ),
            ("orders.payment_provider = 'stripe'", "orders.stripe"),
            ("licenses.encryption_keys = ['1:c2hvcnQ=']", "licenses.encryption_keys"),
            ("licenses.encryption_keys = []", "licenses.encryption_keys"),
            ("licenses.fingerprint_secret = 'short'", "licenses.fingerprint_secret"),
            ("orders.payment_provider = 'paypal'", "payment_provider"),
            (
                "env = 'production'\nbase_url = 'https://shop.example'\norders.webhook_secrets = ['whsec_production_secret_1']\n\
                 licenses.encryption_keys = ['2:cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=']\n\
                 licenses.fingerprint_secret = 'production-fingerprint-secret-0123456789'",
                "downloads.signing_secret",
            ),
            ("downloads.signing_secret = 'short'", "downloads.signing_secret"),
            ("downloads.link_ttl_secs = 1", "downloads.link_ttl_secs"),
            ("downloads.max_per_window = 0", "downloads.max_per_window"),
            ("downloads.backend = 's3'", "downloads.s3.bucket"),
            ("downloads.backend = 'ftp'", "backend"),
            ("media.backend = 's3'", "media.s3.bucket"),
            ("mail.transport = 'smtp'", "mail.smtp"),
            (
                "mail.transport = 'smtp'\n[mail.smtp]\nhost = 'smtp.example'\nport = 587\nsecurity = 'starttls'\nfrom = 'not an address'",
                "mail.smtp",
            ),
        ];
        for (toml, key) in cases {
            let err = Config::from_figment(figment(&format!("{DB}{toml}"))).unwrap_err();
            assert!(err.to_string().contains(key), "{toml}: {err}");
        }
        let err = Config::from_figment(figment("database_url = 'mysql://x'")).unwrap_err();
        assert!(err.to_string().contains("postgres://"), "{err}");
        let err = Config::from_figment(figment(&format!("{DB}env = 'production'\nbase_url = 'http://shop.example'")))
            .unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
    }

    /// A build without the demo data refuses to seed it, with a message that says why and what to do.
    #[cfg(not(feature = "demo"))]
    #[test]
    fn a_build_without_demo_data_refuses_seed_demo() {
        let err = Config::from_figment(figment(&format!("{DB}seed_demo = true"))).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`seed_demo`") && text.contains("built without the demo data"), "{text}");
        assert!(Config::from_figment(figment(&format!("{DB}seed_demo = false"))).is_ok());
    }

    /// Production refuses test payments, demo accounts, plain http and the dev mailbox, and names
    /// every missing setting in one message.
    #[test]
    fn production_reports_every_unsafe_or_missing_setting_at_once() {
        let err = Config::from_figment(figment(&format!("{DB}env = 'production'\nseed_demo = true"))).unwrap_err();
        let text = err.to_string();
        for key in [
            "base_url",
            "mail.transport",
            "orders.payment_provider",
            "seed_demo",
            "orders.webhook_secrets",
            "licenses.encryption_keys",
            "downloads.signing_secret",
        ] {
            assert!(text.contains(&format!("`{key}`")), "{key} missing from: {text}");
        }
        assert!(matches!(err, ConfigError::Several(ref p) if p.len() == 7), "{text}");

        // A real production configuration starts, and has no unsafe switch on.
        let good = format!(
            "{DB}env = 'production'\nbase_url = 'https://shop.example'\n\
             licenses.encryption_keys = ['2:cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=']\n\
             licenses.fingerprint_secret = 'production-fingerprint-secret-0123456789'\n\
             downloads.signing_secret = 'production-download-signing-secret-0123'\n\
             [orders]\nwebhook_secrets = ['whsec_production_secret_1']\npayment_provider = 'stripe'\n[orders.stripe]\nsecret_key = 'sk_live_1'\npublishable_key = 'pk_live_1'\n\
             [mail]\ntransport = 'smtp'\n[mail.smtp]\nhost = 'smtp.example'\nport = 465\nsecurity = 'tls'\nfrom = 'Shop <orders@shop.example>'"
        );
        let c = Config::from_figment(figment(&good)).unwrap();
        assert!(c.unsafe_staging_switches().is_empty());
        // Each unsafe part alone is refused, by name.
        for (extra, key) in [
            ("seed_demo = true\n", "seed_demo"),
            ("base_url = 'http://shop.example'\n", "base_url"),
        ] {
            let toml = good.replacen(DB, &format!("{DB}{extra}"), 1).replacen("base_url = 'https://shop.example'\n", "", usize::from(key == "base_url"));
            let err = Config::from_figment(figment(&toml)).unwrap_err();
            assert!(err.to_string().contains(&format!("`{key}`")), "{extra}: {err}");
        }
    }

    /// Every secret the configuration holds is a `Secret`: the `Debug` output of the whole
    /// configuration (what a stray `{:?}` or a panic message would print) contains none of them.
    #[test]
    fn debug_output_of_the_configuration_shows_no_secret() {
        let secrets = [
            "sk_live_stripe_secret_value_123",
            "whsec_webhook_secret_value_456",
            "cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=",
            "fingerprint-secret-value-0123456789abcdef",
            "download-signing-secret-0123456789abcdef",
            "smtp-password-value-789",
            "cognito-client-secret-value-abc",
            "s3-secret-access-key-value-def",
        ];
        let toml = format!(
            "{DB}env = 'production'\nbase_url = 'https://shop.example'\n\
             [licenses]\nencryption_keys = ['2:{}']\nfingerprint_secret = '{}'\n\
             [downloads]\nbackend = 's3'\nsigning_secret = '{}'\n\
             [downloads.s3]\nbucket = 'b'\nregion = 'eu-west-1'\naccess_key_id = 'AKIA1'\nsecret_access_key = '{}'\n\
             [orders]\nwebhook_secrets = ['{}']\npayment_provider = 'stripe'\n\
             [orders.stripe]\nsecret_key = '{}'\npublishable_key = 'pk_live_1'\n\
             [mail]\ntransport = 'smtp'\n[mail.smtp]\nhost = 'smtp.example'\nport = 465\nsecurity = 'tls'\n\
             username = 'shop'\npassword = '{}'\nfrom = 'Shop <orders@shop.example>'\n\
             [auth]\nprovider = 'cognito'\n[auth.cognito]\nregion = 'eu-west-1'\nuser_pool_id = 'eu-west-1_x'\n\
             client_id = 'c1'\nclient_secret = '{}'",
            secrets[2], secrets[3], secrets[4], secrets[7], secrets[1], secrets[0], secrets[5], secrets[6]
        );
        let c = Config::from_figment(figment(&toml)).unwrap();
        // The values did arrive (so the test is about Debug, not about missing values)…
        assert_eq!(c.orders.stripe.as_ref().unwrap().secret_key.expose(), secrets[0]);
        assert_eq!(c.mail.smtp.as_ref().unwrap().password.as_ref().unwrap().expose(), secrets[5]);
        // …and none of them shows.
        let debug = format!("{c:?} {c:#?}");
        for s in secrets {
            assert!(!debug.contains(s), "{s} shows in the Debug output");
        }
        assert!(debug.contains("Secret([REDACTED])"));
    }

    #[test]
    fn environment_variables_override_the_file() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("APP_LISTEN", "127.0.0.1:4555");
            jail.set_env("APP_SEED_DEMO", "true");
            jail.set_env("APP_AUTH__LIMITS__SIGN_IN_PER_IP__MAX", "7");
            let fig = figment(DB).merge(Env::prefixed("APP_").split("__"));
            let c = Config::from_figment(fig).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.port(), 4555);
            assert!(c.seed_demo);
            assert_eq!(c.auth.limits.sign_in_per_ip.max, 7);
            assert_eq!(c.auth.limits.sign_in_per_ip.window_secs, 600, "the rest keeps its default");
            Ok(())
        });
    }

    /// Lists in the environment, as the benchmark scripts pass production secrets.
    #[test]
    fn secrets_lists_come_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("APP_ENV", "production");
            jail.set_env("APP_BASE_URL", "https://shop.example");
            jail.set_env("APP_ORDERS__WEBHOOK_SECRETS", "[\"whsec_bench_1764633600\"]");
            jail.set_env("APP_LICENSES__ENCRYPTION_KEYS", "[\"1:cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZyEhISE=\"]");
            jail.set_env("APP_LICENSES__FINGERPRINT_SECRET", "bench-0123456789abcdef0123456789abcdef");
            jail.set_env("APP_DOWNLOADS__SIGNING_SECRET", "bench-0123456789abcdef0123456789abcdef");
            jail.set_env("APP_STAGING__ALLOW_TEST_PAYMENTS", "true");
            jail.set_env("APP_STAGING__ALLOW_DEV_MAILBOX", "true");
            let fig = figment(DB).merge(Env::prefixed("APP_").split("__"));
            let c = Config::from_figment(fig).map_err(|e| e.to_string())?;
            assert_eq!(app::types::expose_all(&c.orders.webhook_secrets), ["whsec_bench_1764633600"]);
            assert_eq!(c.licenses.encryption_keys.len(), 1);
            Ok(())
        });
    }
}
