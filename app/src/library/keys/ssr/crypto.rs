//! Keys at rest: AES-256-GCM (ring) under a versioned data key from configuration, and an HMAC
//! fingerprint under a separate secret so duplicates are found without decrypting. Rotation: add a
//! new key in front (it encrypts from then on) and keep the old ones while rows sealed under them
//! exist (`key_version` says which; re-encrypting old rows is not automated yet).
use base64::Engine;
use hmac::{Hmac, Mac};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use sha2::Sha256;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("encryption key {0}: expected 'VERSION:BASE64' with a 32-byte key")]
    BadKey(String),
    #[error("no encryption key is configured")]
    NoKey,
    #[error("no encryption key with version {0}")]
    UnknownVersion(i16),
    #[error("a stored key did not decrypt (wrong key or tampered row)")]
    Decrypt,
}

/// A key as stored: which data key, the nonce, ciphertext with tag, and the fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub version: i16,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

pub struct KeyCipher {
    /// (version, key); the first encrypts.
    keys: Vec<(i16, LessSafeKey)>,
    fingerprint_secret: Vec<u8>,
}

impl std::fmt::Debug for KeyCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCipher").field("versions", &self.keys.iter().map(|(v, _)| v).collect::<Vec<_>>()).finish()
    }
}

impl KeyCipher {
    /// `keys`: `"VERSION:BASE64"` entries, the current one first; `fingerprint_secret`: any string
    /// of 32 characters or more, never changed (fingerprints are compared across the whole pool).
    pub fn new(keys: &[String], fingerprint_secret: &str) -> Result<KeyCipher, CryptoError> {
        let mut parsed = Vec::new();
        for entry in keys {
            let bad = || CryptoError::BadKey(entry.split(':').next().unwrap_or_default().to_owned());
            let (version, b64) = entry.split_once(':').ok_or_else(bad)?;
            let version: i16 = version.trim().parse().map_err(|_| bad())?;
            let bytes = base64::engine::general_purpose::STANDARD.decode(b64.trim()).map_err(|_| bad())?;
            let key = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| bad())?;
            parsed.push((version, LessSafeKey::new(key)));
        }
        if parsed.is_empty() {
            return Err(CryptoError::NoKey);
        }
        Ok(KeyCipher { keys: parsed, fingerprint_secret: fingerprint_secret.as_bytes().to_vec() })
    }

    pub fn current_version(&self) -> i16 {
        self.keys[0].0
    }

    /// Encrypts under the current key with a fresh random nonce; the variant id is bound in as
    /// associated data, so a row copied to another game does not decrypt.
    pub fn seal(&self, variant_id: i64, plain: &str) -> Sealed {
        let (version, key) = &self.keys[0];
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let mut buf = plain.as_bytes().to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(variant_id.to_be_bytes()),
            &mut buf,
        )
        .expect("AES-GCM sealing a short key cannot fail");
        Sealed { version: *version, nonce: nonce_bytes.to_vec(), ciphertext: buf }
    }

    pub fn open(&self, variant_id: i64, sealed: &Sealed) -> Result<String, CryptoError> {
        let key = self
            .keys
            .iter()
            .find(|(v, _)| *v == sealed.version)
            .map(|(_, k)| k)
            .ok_or(CryptoError::UnknownVersion(sealed.version))?;
        let nonce = Nonce::try_assume_unique_for_key(&sealed.nonce).map_err(|_| CryptoError::Decrypt)?;
        let mut buf = sealed.ciphertext.clone();
        let plain = key
            .open_in_place(nonce, Aad::from(variant_id.to_be_bytes()), &mut buf)
            .map_err(|_| CryptoError::Decrypt)?;
        String::from_utf8(plain.to_vec()).map_err(|_| CryptoError::Decrypt)
    }

    /// HMAC-SHA256 of the key (trimmed, upper case): equal keys, equal fingerprints.
    pub fn fingerprint(&self, plain: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.fingerprint_secret).expect("HMAC takes any key length");
        mac.update(plain.trim().to_uppercase().as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}
