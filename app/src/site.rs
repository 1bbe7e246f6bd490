//! Facts about the site that every floor may name (the bottom floor: it imports nothing).

/// The shop's name, in titles, the header, e-mails and authenticator labels.
pub const SITE_NAME: &str = "Pixel & Facet";
