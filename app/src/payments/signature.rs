//! Webhook signatures in Stripe's scheme: header `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, where v1
//! is HMAC-SHA256(secret, "<t>.<raw body>"). Checked in constant time, within a tolerance, against
//! each configured secret (so secrets can be rotated) and each v1 value.
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing or malformed signature header")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &str, t: i64, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    m.update(t.to_string().as_bytes());
    m.update(b".");
    m.update(payload);
    m
}

/// The header value for `payload` signed at `t`.
pub fn sign(secret: &str, t: i64, payload: &[u8]) -> String {
    let hex: String = mac(secret, t, payload).finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

pub fn verify(secrets: &[&str], header: &str, payload: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut t: Option<i64> = None;
    let mut sigs: Vec<Vec<u8>> = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = Some(v.parse().map_err(|_| SignatureError::Malformed)?),
            Some(("v1", v)) => sigs.push(decode_hex(v).ok_or(SignatureError::Malformed)?),
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Malformed)?;
    if sigs.is_empty() {
        return Err(SignatureError::Malformed);
    }
    // abs_diff: a hostile `t` (i64::MIN, i64::MAX) cannot overflow the comparison.
    if now.abs_diff(t) > TOLERANCE_SECS as u64 {
        return Err(SignatureError::Stale);
    }
    let ok = secrets
        .iter()
        .any(|secret| sigs.iter().any(|sig| mac(secret, t, payload).verify_slice(sig).is_ok()));
    if ok { Ok(()) } else { Err(SignatureError::Mismatch) }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn signed_payloads_verify() {
        let h = sign("whsec_a", NOW, br#"{"id":1}"#);
        assert_eq!(verify(&["whsec_a"], &h, br#"{"id":1}"#, NOW + 10), Ok(()));
    }

    #[test]
    fn tampering_staleness_and_wrong_secrets_fail() {
        let h = sign("whsec_a", NOW, b"body");
        assert_eq!(verify(&["whsec_a"], &h, b"bodx", NOW), Err(SignatureError::Mismatch));
        assert_eq!(verify(&["whsec_b"], &h, b"body", NOW), Err(SignatureError::Mismatch));
        assert_eq!(verify(&["whsec_a"], &h, b"body", NOW + 301), Err(SignatureError::Stale));
        assert_eq!(verify(&["whsec_a"], &h, b"body", NOW - 301), Err(SignatureError::Stale));
        let other_t = h.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(verify(&["whsec_a"], &other_t, b"body", NOW), Err(SignatureError::Mismatch));
        for extreme in [i64::MIN, i64::MAX, i64::MIN + 1, -1, 0] {
            let h = sign("whsec_a", extreme, b"body");
            assert_eq!(verify(&["whsec_a"], &h, b"body", NOW), Err(SignatureError::Stale), "t={extreme}");
        }
        for (t, now) in [(i64::MAX, i64::MIN), (i64::MIN, i64::MAX)] {
            assert_eq!(verify(&["whsec_a"], &sign("whsec_a", t, b"body"), b"body", now), Err(SignatureError::Stale));
        }
        for bad in ["", "t=abc,v1=00", "v1=00", &format!("t={NOW}"), &format!("t={NOW},v1=zz"), "t=99999999999999999999,v1=00"] {
            assert_eq!(verify(&["whsec_a"], bad, b"body", NOW), Err(SignatureError::Malformed), "{bad}");
        }
    }

    #[test]
    fn rotation_several_secrets_and_several_signatures() {
        let old = sign("whsec_old", NOW, b"body");
        let new = sign("whsec_new", NOW, b"body");
        let both = format!("{},{}", new, old.split(',').nth(1).unwrap());
        assert_eq!(verify(&["whsec_old"], &both, b"body", NOW), Ok(()));
        assert_eq!(verify(&["whsec_new", "whsec_old"], &old, b"body", NOW), Ok(()));
    }
}
