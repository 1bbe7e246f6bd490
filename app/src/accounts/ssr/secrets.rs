//! Password hashing (argon2id, off the async runtime), TOTP (RFC 6238) and one-time e-mail codes.
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use totp_rs::{Algorithm, Secret, TOTP};

/// argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum), in a blocking
/// thread so a burst of sign-ins cannot stall the async workers.
pub async fn hash_password(password: &str) -> Result<String, String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Checks a password against a stored hash. With no hash (unknown account) a dummy hash is checked
/// anyway, so the answer takes as long as for a real account.
pub async fn verify_password(password: &str, stored: Option<String>) -> bool {
    let password = password.to_owned();
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    ok && known
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(b"no account has this password", &salt).expect("argon2 works").to_string()
    })
}

/// A new random TOTP secret, base32 (160 bits, as authenticator apps expect).
pub fn new_totp_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns the encoded form"),
    }
}

fn totp(secret_b32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    // Providers hand out secrets in either case, sometimes grouped or padded.
    let normalised: String =
        secret_b32.chars().filter(|c| !c.is_whitespace() && *c != '=').map(|c| c.to_ascii_uppercase()).collect();
    let bytes = Secret::Encoded(normalised).to_bytes().ok()?;
    if bytes.is_empty() {
        return None;
    }
    // `new_unchecked`: the length is the provider's choice (ours are 160 bits, Cognito's too).
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes, Some(issuer.to_owned()), account.to_owned()))
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn totp_uri(secret_b32: &str, issuer: &str, account: &str) -> Option<String> {
    totp(secret_b32, issuer, account).map(|t| t.get_url())
}

/// The code for a moment (used by tests, as an authenticator app would).
pub fn totp_code(secret_b32: &str, unix_time: u64) -> Option<String> {
    totp(secret_b32, "x", "x").map(|t| t.generate(unix_time))
}

/// The 30-second step the code belongs to, accepting one step of clock drift either way.
pub fn totp_step(secret_b32: &str, code: &str, unix_time: u64) -> Option<u64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "x", "x")?;
    let now_step = unix_time / 30;
    [now_step.saturating_sub(1), now_step, now_step + 1]
        .into_iter()
        .find(|step| constant_time_eq(t.generate(step * 30).as_bytes(), code.as_bytes()))
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A six-digit e-mail code.
pub fn new_email_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// What is stored of an e-mail code: a hash bound to the account, so a table dump is no use.
pub fn code_hash(account_id: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{account_id}:{}", code.trim()).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_hashes_verify_and_differ() {
        let h1 = hash_password("Correct-Horse-9").await.unwrap();
        let h2 = hash_password("Correct-Horse-9").await.unwrap();
        assert!(h1.starts_with("$argon2id$"), "{h1}");
        assert_ne!(h1, h2, "salted");
        assert!(verify_password("Correct-Horse-9", Some(h1.clone())).await);
        assert!(!verify_password("correct-horse-9", Some(h1)).await);
        assert!(!verify_password("no account has this password", None).await, "unknown account never passes");
    }

    #[test]
    fn totp_matches_rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", last 6 digits.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            _ => unreachable!(),
        };
        for (t, code) in [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            assert_eq!(totp_code(&secret, t).unwrap(), code, "t={t}");
        }
    }

    #[test]
    fn totp_accepts_one_step_of_drift_and_nothing_else() {
        let secret = new_totp_secret();
        let now = 1_800_000_000;
        let code = totp_code(&secret, now).unwrap();
        assert_eq!(totp_step(&secret, &code, now), Some(now / 30));
        assert_eq!(totp_step(&secret, &code, now + 30), Some(now / 30));
        assert_eq!(totp_step(&secret, &code, now - 30), Some(now / 30));
        assert_eq!(totp_step(&secret, &code, now + 90), None);
        assert_eq!(totp_step(&secret, "12345", now), None);
        assert_eq!(totp_step(&secret, "abcdef", now), None);
        let uri = totp_uri(&secret, "Pixel & Facet", "ada@example.com").unwrap();
        assert!(uri.starts_with("otpauth://totp/") && uri.contains(&secret), "{uri}");
    }

    #[test]
    fn email_codes_are_six_digits_and_hashed_per_account() {
        let c = new_email_code();
        assert_eq!(c.len(), 6);
        assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        assert_ne!(code_hash("a", &c), code_hash("b", &c));
        assert_eq!(code_hash("a", &c), code_hash("a", &format!(" {c} ")));
    }
}
