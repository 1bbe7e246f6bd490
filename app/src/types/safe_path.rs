//! A same-site path that is safe to put in a `Location` header: the one gate every redirect goes
//! through (sign-in's `next`, a failed form's way back, a server function's answer).
//!
//! Browsers are lenient with URLs: they drop tabs and newlines, read `\` as `/`, and treat `//host`
//! (and `/\host`, `/\t/host`) as another origin. So a path is accepted only when it is plain
//! visible ASCII, starts with exactly one `/`, has no backslash, and still looks like that once its
//! percent-escapes are decoded (`/%2F%2Fevil.example`, `/%5Cevil`, `/%09/evil` are refused too).
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath(String);

/// Longest path we redirect to; anything longer is not one of our pages.
const MAX_LEN: usize = 2000;

impl SafePath {
    pub fn parse(raw: &str) -> Option<SafePath> {
        if raw.is_empty() || raw.len() > MAX_LEN || !raw.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return None;
        }
        if !looks_local(raw) {
            return None;
        }
        // The same rules once decoded, so an encoded `//`, `\` or control byte cannot slip through.
        let decoded: Vec<u8> = percent_decode(raw.as_bytes());
        if decoded.iter().any(|b| b.is_ascii_control() || *b == b'\\') {
            return None;
        }
        let decoded = String::from_utf8_lossy(&decoded);
        if !looks_local(&decoded) {
            return None;
        }
        Some(SafePath(raw.to_owned()))
    }

    /// `raw` when it is safe, else `fallback` (which must itself be a literal safe path).
    pub fn or(raw: &str, fallback: &'static str) -> SafePath {
        SafePath::parse(raw).unwrap_or_else(|| SafePath(fallback.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn looks_local(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.bytes().any(|b| b.is_ascii_control())
}

fn percent_decode(b: &[u8]) -> Vec<u8> {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

impl fmt::Display for SafePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for SafePath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Targets a browser would read as another origin, or that cannot be a header value.
    const HOSTILE: &[&str] = &[
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "\t//evil.example",
        " //evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%5c/evil.example",
        "/%09/evil.example",
        "/%0d%0aSet-Cookie:x=1",
        "/\u{7f}",
        "/%7F",
        "/\u{1}",
        "/é",
        "https://evil.example/",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "/x\r\nLocation: //evil.example",
    ];

    #[test]
    fn same_site_paths_pass_unchanged() {
        for ok in ["/", "/account", "/c/games?page=2&sort=price", "/order/5e6f?token=ab-c_d", "/search?q=zelda%20ocarina"] {
            assert_eq!(SafePath::parse(ok).map(|p| p.to_string()), Some(ok.to_owned()), "{ok}");
        }
    }

    #[test]
    fn hostile_targets_are_refused() {
        for bad in HOSTILE {
            assert_eq!(SafePath::parse(bad), None, "{bad:?} accepted");
        }
        assert_eq!(SafePath::parse(&format!("/{}", "a".repeat(3000))), None);
        assert_eq!(SafePath::or("//evil.example", "/account").as_str(), "/account");
    }

    /// Whatever the input, an accepted path is a valid header value that starts with one slash and
    /// decodes to no backslash or control byte.
    #[test]
    fn any_accepted_path_is_a_plain_local_header_value() {
        use proptest::prelude::*;
        proptest!(|(s in "[/\\\\%0-9a-fA-F\\t\\n \\x00-\\x7f.:?=&#é]{0,24}")| {
            if let Some(p) = SafePath::parse(&s) {
                prop_assert!(http::HeaderValue::from_str(p.as_str()).is_ok());
                prop_assert!(p.as_str().starts_with('/') && !p.as_str().starts_with("//"));
                let d = percent_decode(p.as_str().as_bytes());
                prop_assert!(!d.contains(&b'\\') && !d.iter().any(u8::is_ascii_control));
                prop_assert!(!d.starts_with(b"//"));
            }
        });
    }
}
