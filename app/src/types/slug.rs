use serde::{Deserialize, Serialize};

/// A URL slug: 1..=100 chars of `[a-z0-9]` words joined by single hyphens.
/// Anything else (`../`, upper case, spaces, empty) is not a slug and cannot name a page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Slug(String);

impl Slug {
    pub fn parse(s: &str) -> Option<Slug> {
        let ok = !s.is_empty()
            && s.len() <= 100
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--")
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| Slug(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn accepts_only_plain_slugs() {
        assert!(Slug::parse("ceylon-sapphire-ring").is_some());
        assert!(Slug::parse("game-2").is_some());
        for bad in ["", "../etc/passwd", "a/b", "Upper", "a--b", "-a", "a-", "a b", "a%2e"] {
            assert!(Slug::parse(bad).is_none(), "{bad:?} should be rejected");
        }
        assert!(Slug::parse(&"a".repeat(101)).is_none());
    }
}
