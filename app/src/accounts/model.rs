//! Account types shared by server and browser: e-mail and password rules, what a page shows.
pub use crate::platform::FormFlash;
use serde::{Deserialize, Serialize};

/// The password rules of the identity provider (Cognito's pool policy, or the built-in defaults,
/// which match Cognito's). Shown next to every new-password field and checked before any call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub min_length: u32,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_number: bool,
    pub require_symbol: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            min_length: 8,
            require_lowercase: true,
            require_uppercase: true,
            require_number: true,
            require_symbol: true,
        }
    }
}

/// Cognito's set of symbols that count as "special characters" (plus the space, which it accepts).
const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// A rule's description and its check (password, minimum length).
pub type Rule = (String, fn(&str, u32) -> bool);

/// Passwords longer than this are refused before hashing (argon2 on megabytes is a DoS vector).
pub const MAX_PASSWORD_LEN: usize = 256;

impl PasswordPolicy {
    /// Each rule, with whether `password` meets it, in the order they are shown.
    pub fn rules(&self) -> Vec<Rule> {
        let mut rules: Vec<Rule> =
            vec![(format!("At least {} characters", self.min_length), |p, n| p.chars().count() >= n as usize)];
        if self.require_lowercase {
            rules.push(("A lower-case letter".into(), |p, _| p.chars().any(|c| c.is_lowercase())));
        }
        if self.require_uppercase {
            rules.push(("An upper-case letter".into(), |p, _| p.chars().any(|c| c.is_uppercase())));
        }
        if self.require_number {
            rules.push(("A number".into(), |p, _| p.chars().any(|c| c.is_ascii_digit())));
        }
        if self.require_symbol {
            rules.push(("A symbol such as ! ? # or %".into(), |p, _| p.chars().any(|c| SYMBOLS.contains(c))));
        }
        rules
    }

    /// The rules' descriptions.
    pub fn descriptions(&self) -> Vec<String> {
        self.rules().into_iter().map(|(d, _)| d).collect()
    }

    /// Ok, or a message naming every rule the password misses.
    pub fn check(&self, password: &str) -> Result<(), String> {
        if password.len() > MAX_PASSWORD_LEN {
            return Err(format!("Use at most {MAX_PASSWORD_LEN} characters."));
        }
        if password.trim() != password {
            return Err("The password can't start or end with a space.".into());
        }
        let missing: Vec<String> = self
            .rules()
            .into_iter()
            .filter(|(_, ok)| !ok(password, self.min_length))
            .map(|(d, _)| d.to_lowercase())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("This password is too weak. It needs: {}.", missing.join(", ")))
        }
    }
}

/// What a person may do in the shop. Ordered: each role can do everything the one before it can.
/// Support look at orders and customers, ship, resend e-mails and refund up to a limit; admins
/// also refund above it and run the catalog, keys, discount codes, roles and analytics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    #[default]
    Shopper,
    Support,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Shopper, Role::Support, Role::Admin];

    pub fn is_staff(self) -> bool {
        self >= Role::Support
    }

    /// The stored name (the built-in provider's column, a form value).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Shopper => "Shopper",
            Role::Support => "Support",
            Role::Admin => "Admin",
        }
    }
}

/// What "My account" shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub email: String,
    pub two_factor: bool,
    pub role: Role,
}

/// What a form page needs: the flash (if its last post failed), a success notice, the password
/// rules, and the e-mail the flow is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormPage {
    pub flash: Option<FormFlash>,
    pub notice: Option<String>,
    pub policy: PasswordPolicy,
    pub email: Option<String>,
    pub signed_in: bool,
}

/// The TOTP set-up page: the secret as text and a QR code (SVG markup generated on the server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

/// Only same-site paths are followed after sign-in (`/account`, not `//evil.example`); the rules
/// are `SafePath`'s, and server functions are never a destination.
pub fn safe_next(next: Option<&str>) -> String {
    match next.and_then(crate::types::SafePath::parse) {
        Some(p) if !p.as_str().starts_with("/api/") => p.to_string(),
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Email;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ada@Example.COM ").unwrap().as_str(), "ada@example.com");
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@b@c.com", "ada@.com", "ada@x..com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn password_policy_names_what_is_missing() {
        let p = PasswordPolicy::default();
        assert!(p.check("Correct-Horse-9").is_ok());
        let err = p.check("short").unwrap_err();
        assert!(err.contains("at least 8 characters"), "{err}");
        assert!(err.contains("upper-case") && err.contains("number") && err.contains("symbol"), "{err}");
        assert!(!err.contains("lower-case"), "{err}");
        assert!(p.check(" Leading-space-1").is_err());
        assert!(p.check(&format!("Aa1!{}", "x".repeat(300))).is_err());
        let relaxed = PasswordPolicy { min_length: 6, require_symbol: false, require_uppercase: false, ..p };
        assert!(relaxed.check("abc123").is_ok());
        assert_eq!(relaxed.descriptions().len(), 3);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/c/games?page=2")), "/c/games?page=2");
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "/api/account/sign-in", "x", "/\t/evil.example/", "/%7F", "/%2F/evil.example"] {
            assert_eq!(safe_next(Some(bad)), "/account", "{bad}");
        }
        assert_eq!(safe_next(None), "/account");
    }
}
