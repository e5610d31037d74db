//! SMTP delivery with lettre, configured from the settings; the password comes from the
//! caller, who reads it from the OS keychain (`secrets`).

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use rusqlite::Connection;

use crate::{settings, CoreError, Result};

/// How long one SMTP conversation may take before the attempt counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

/// TLS that trusts the system's roots, plus the CA certificate in `ca_file` if one is set
/// (an internal mail server signed by the company's own CA).
fn tls_parameters(host: &str, ca_file: &str) -> Result<TlsParameters> {
    let mut builder = TlsParameters::builder(host.to_string());
    if !ca_file.is_empty() {
        let pem = std::fs::read(ca_file).map_err(|e| {
            CoreError::field("smtpCaFile", format!("Cannot read \"{ca_file}\": {e}"))
        })?;
        let cert = Certificate::from_pem(&pem).map_err(|e| {
            CoreError::field(
                "smtpCaFile",
                format!("\"{ca_file}\" is not a PEM certificate: {e}"),
            )
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| CoreError::field("smtpEncryption", format!("TLS cannot be set up: {e}")))
}

pub const CLEAR_PASSWORD: &str = "The SMTP password would travel in clear text: choose \
     STARTTLS or TLS encryption (without encryption, a password is only sent to a relay on \
     this computer).";

/// Whether `host` is this computer, where a password sent without encryption stays.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The sender, from the settings; a value stored before the settings were checked when set
/// is refused here, not in the mail library.
fn sender(conn: &Connection) -> Result<Mailbox> {
    let address = settings::text(conn, "emailFrom")?;
    let name = settings::text(conn, "emailFromName")?;
    if let Some(problem) = crate::rules::check_text(&name, 255) {
        return Err(CoreError::field("emailFromName", problem));
    }
    if crate::rules::check_email(&address).is_some() {
        return Err(CoreError::field("emailFrom", crate::rules::INVALID_EMAIL));
    }
    let address = address
        .parse()
        .map_err(|_| CoreError::field("emailFrom", crate::rules::INVALID_EMAIL))?;
    Ok(Mailbox::new(Some(name).filter(|n| !n.is_empty()), address))
}

/// One message ready to go: the link token, if any, is in the body.
pub struct Outgoing {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for the SMTP settings now in force, or why there cannot be one. `password`
    /// is asked only once the settings allow sending it (an SMTP user, and encryption or a
    /// relay on this computer), so a refused configuration never reads the keychain.
    pub fn from_settings(
        conn: &Connection,
        password: impl FnOnce() -> Result<Option<String>>,
    ) -> Result<Self> {
        let host = settings::text(conn, "smtpHost")?;
        if host.is_empty() {
            return Err(CoreError::field(
                "smtpHost",
                "SMTP is not configured: set the SMTP host in Settings.",
            ));
        }
        let port = u16::try_from(settings::int(conn, "smtpPort")?).unwrap_or(587);
        let mut builder = SmtpTransport::builder_dangerous(&host)
            .port(port)
            .timeout(Some(TIMEOUT));
        let encryption = settings::text(conn, "smtpEncryption")?;
        if encryption != "none" {
            let params = tls_parameters(&host, &settings::text(conn, "smtpCaFile")?)?;
            builder = builder.tls(if encryption == "tls" {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            });
        }
        let username = settings::text(conn, "smtpUsername")?;
        if !username.is_empty() {
            if encryption == "none" && !is_loopback(&host) {
                return Err(CoreError::field("smtpEncryption", CLEAR_PASSWORD));
            }
            let password = password()?.unwrap_or_default();
            builder = builder.credentials(Credentials::new(username, password));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: sender(conn)?,
        })
    }

    /// Sends one message; on failure, the server's answer (or why it could not be reached).
    /// No message, however odd, stops delivery: should the mail library fail on one in a way
    /// it did not foresee, that message fails and the others still go.
    pub fn send(&self, m: &Outgoing) -> std::result::Result<(), String> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.try_send(m)))
            .unwrap_or_else(|_| Err("The message could not be put together for sending.".into()))
    }

    fn try_send(&self, m: &Outgoing) -> std::result::Result<(), String> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| format!("The recipient \"{}\" is not a valid address: {e}", m.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(&message)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
