//! Server-only license key code.
pub mod crypto;
pub mod drops;
pub mod import;
pub mod pool;
#[cfg(test)]
pub(crate) mod tests;

use serde::{Deserialize, Serialize};

/// `licenses.*`: the data keys (`"VERSION:BASE64"`, 32 bytes, the current one first) and the
/// fingerprint secret. The defaults are for development only; production must set its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenseSettings {
    pub encryption_keys: Vec<crate::types::Secret>,
    pub fingerprint_secret: crate::types::Secret,
}

/// Development-only values (refused in production).
pub const DEV_ENCRYPTION_KEY: &str = "1:ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=";
pub const DEV_FINGERPRINT_SECRET: &str = "development-only-fingerprint-secret";

impl Default for LicenseSettings {
    fn default() -> Self {
        LicenseSettings {
            encryption_keys: vec![DEV_ENCRYPTION_KEY.into()],
            fingerprint_secret: DEV_FINGERPRINT_SECRET.into(),
        }
    }
}

impl LicenseSettings {
    pub fn cipher(&self) -> Result<crypto::KeyCipher, crypto::CryptoError> {
        crypto::KeyCipher::new(&crate::types::expose_all(&self.encryption_keys), self.fingerprint_secret.expose())
    }

    /// Whether a development value is in use.
    pub fn uses_dev_values(&self) -> bool {
        self.encryption_keys.iter().any(|k| k.expose() == DEV_ENCRYPTION_KEY) || self.fingerprint_secret.expose() == DEV_FINGERPRINT_SECRET
    }
}
