//! Rich notifications: the resource data encrypted exactly as Graph does it (reference §11.7),
//! so a receiver written for Graph decrypts it unchanged.
//!
//! Per notification: a fresh 32-byte key; the data encrypted with AES-256-CBC, PKCS7 padding,
//! IV = the first 16 bytes of the key; `dataSignature` = HMAC-SHA256(key, ciphertext);
//! `dataKey` = the key encrypted with the subscriber's RSA public key (OAEP, SHA-1); and the
//! certificate's id and SHA-1 thumbprint so the receiver picks its private key.

use aes::cipher::{BlockModeEncrypt, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit, Mac};
use presence_model::ChangeNotificationEncryptedContent as EncryptedContent;
use rsa::{Oaep, PublicKey as RsaPublicKey};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use x509_cert::Certificate;
use x509_cert::der::{Decode, Encode};

/// The subscriber's public key, from the certificate given at subscription.
#[derive(Debug, Clone)]
pub struct EncryptionKey {
    pub public_key: RsaPublicKey,
    pub certificate_id: String,
    /// SHA-1 of the certificate's DER encoding, upper-case hex (as Windows shows it).
    pub thumbprint: String,
}

/// Reads a base64 X.509 certificate with an RSA key of 2048 to 4096 bits.
pub fn parse_certificate(base64_der: &str, certificate_id: &str) -> Result<EncryptionKey, String> {
    let compact: String = base64_der.chars().filter(|c| !c.is_whitespace()).collect();
    let der = BASE64
        .decode(compact.as_bytes())
        .map_err(|e| format!("encryptionCertificate is not base64: {e}"))?;
    let certificate = Certificate::from_der(&der)
        .map_err(|e| format!("encryptionCertificate is not an X.509 certificate: {e}"))?;
    let spki = certificate
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| format!("encryptionCertificate has an unreadable public key: {e}"))?;
    let public_key = <RsaPublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(&spki)
        .map_err(|_| "encryptionCertificate must hold an RSA public key".to_owned())?;
    let bits = rsa::traits::PublicKeyParts::n_bits_precision(&public_key);
    if !(2048..=4096).contains(&bits) {
        return Err(format!(
            "the certificate's RSA key has {bits} bits; 2048 to 4096 are accepted"
        ));
    }
    let thumbprint = Sha1::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    Ok(EncryptionKey {
        public_key,
        certificate_id: certificate_id.to_owned(),
        thumbprint,
    })
}

/// Encrypts `data` for `key`'s holder.
pub fn encrypt(key: &EncryptionKey, data: &[u8]) -> Result<EncryptedContent, String> {
    let mut symmetric = [0u8; 32];
    getrandom::fill(&mut symmetric).map_err(|e| format!("no randomness: {e}"))?;
    let (iv, _) = symmetric.split_at(16);
    let ciphertext = cbc::Encryptor::<aes::Aes256>::new_from_slices(&symmetric, iv)
        .map_err(|e| e.to_string())?
        .encrypt_padded_vec::<Pkcs7>(data);
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&symmetric).map_err(|e| e.to_string())?;
    mac.update(&ciphertext);
    let signature = mac.finalize().into_bytes();
    let wrapped = key
        .public_key
        .encrypt(&mut getrandom::SysRng, Oaep::<Sha1>::new(), &symmetric)
        .map_err(|e| format!("cannot encrypt the key: {e}"))?;
    Ok(EncryptedContent {
        data: BASE64.encode(ciphertext),
        data_signature: BASE64.encode(signature),
        data_key: BASE64.encode(wrapped),
        encryption_certificate_id: key.certificate_id.clone(),
        encryption_certificate_thumbprint: key.thumbprint.clone(),
    })
}
