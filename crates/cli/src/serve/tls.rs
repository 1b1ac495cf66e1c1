//! The STARTTLS certificate: given by path (PEM), or self-signed at start with rcgen.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// What the server presents, and the PEM of a generated certificate (to print or save so
/// a client can trust it).
pub struct Tls {
    pub acceptor: TlsAcceptor,
    pub generated_pem: Option<String>,
}

/// A certificate and key from PEM files.
pub fn from_files(cert: &Path, key: &Path) -> Result<Tls, String> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("--tls-cert {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in it",
            cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("--tls-key {}: {e}", key.display()))?;
    Ok(Tls {
        acceptor: acceptor(certs, key)?,
        generated_pem: None,
    })
}

/// A self-signed certificate for the server's hostname, localhost, 127.0.0.1 and ::1.
pub fn self_signed(hostname: &str) -> Result<Tls, String> {
    let names = vec![
        hostname.to_owned(),
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let generated = rcgen::generate_simple_self_signed(names)
        .map_err(|e| format!("generating a self-signed certificate: {e}"))?;
    let pem = generated.cert.pem();
    let cert = generated.cert.der().clone();
    let key = PrivateKeyDer::try_from(generated.key_pair.serialize_der())
        .map_err(|e| format!("self-signed key: {e}"))?;
    Ok(Tls {
        acceptor: acceptor(vec![cert], key)?,
        generated_pem: Some(pem),
    })
}

fn acceptor(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<TlsAcceptor, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("TLS certificate and key: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
