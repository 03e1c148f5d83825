//! Throw-away certificate authorities (rcgen) for the TLS registry and the token issuer's signing chain.

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// A self-signed CA that can issue leaf certificates. Every key is ECDSA P-256: the registry (Go),
/// rustls and jsonwebtoken's ES256 all accept it.
pub struct Ca {
    cert: Certificate,
    key: KeyPair,
}

/// A leaf certificate with its private key, both as PEM, plus both as DER (the key as PKCS#8).
pub struct Leaf {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The private key, PEM.
    pub key_pem: String,
    /// The private key, DER (PKCS#8).
    pub key_der: Vec<u8>,
}

impl Ca {
    pub fn new(common_name: &str) -> Self {
        let key = KeyPair::generate().expect("generate CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        // Distinct names matter: a leaf whose issuer equals its subject looks self-signed to Go.
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("self-sign CA");
        Ca { cert, key }
    }

    pub fn cert_pem(&self) -> String {
        self.cert.pem()
    }

    pub fn cert_der(&self) -> Vec<u8> {
        self.cert.der().to_vec()
    }

    /// A TLS server certificate for 127.0.0.1 and localhost.
    pub fn server_leaf(&self) -> Leaf {
        let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        let mut params = CertificateParams::new(names).expect("server params");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params, "stowage test registry")
    }

    /// A certificate for the key that signs registry tokens.
    pub fn signing_leaf(&self) -> Leaf {
        let params = CertificateParams::new(Vec::<String>::new()).expect("signing params");
        self.issue(params, "stowage test token signer")
    }

    fn issue(&self, mut params: CertificateParams, common_name: &str) -> Leaf {
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().expect("generate leaf key");
        let cert = params
            .signed_by(&key, &self.cert, &self.key)
            .expect("sign leaf");
        Leaf {
            cert_pem: cert.pem(),
            cert_der: cert.der().to_vec(),
            key_pem: key.serialize_pem(),
            key_der: key.serialize_der(),
        }
    }
}
