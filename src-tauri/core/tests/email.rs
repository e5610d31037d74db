//! E-mail end to end: actions queue messages, delivery sends them by SMTP to a real server
//! on loopback (mailin-embedded), and the links in what arrives work once.

mod common;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use common::*;
use cu_core::customer_user::{self, AuthStatus};
use cu_core::mail::outbox::{self, Delivery, State};
use cu_core::mail::smtp::Mailer;
use cu_core::mail::template as email_template;
use cu_core::{account, settings, Database, ErrorCode};
use mailin_embedded::{response, Handler, Response, Server, SslConfig};
use serde_json::json;

#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    data: String,
}

impl Mail {
    fn subject(&self) -> &str {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
    }

    /// The message with quoted-printable soft line breaks and `=` escapes undone.
    fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The token of the first link to `path` in the body.
    fn token(&self, path: &str) -> String {
        let body = self.text();
        let from = body
            .find(&format!("{path}?token="))
            .unwrap_or_else(|| panic!("no {path} link in {body}"));
        body[from + path.len() + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

/// Collects what the server receives; refuses recipients whose address has "bounce".
#[derive(Clone, Default)]
struct Inbox {
    mails: Arc<Mutex<Vec<Mail>>>,
    current: Option<Mail>,
}

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        if to.contains("bounce") {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Mail {
            to: to.to_vec(),
            data: String::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(m) = &mut self.current {
            m.data.push_str(&String::from_utf8_lossy(buf));
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(m) = self.current.take() {
            self.mails.lock().unwrap().push(m);
        }
        response::OK
    }
}

/// Starts an SMTP server on a free loopback port; returns its inbox and port.
fn smtp_server() -> (Arc<Mutex<Vec<Mail>>>, u16) {
    smtp_server_with(SslConfig::None)
}

fn smtp_server_with(ssl: SslConfig) -> (Arc<Mutex<Vec<Mail>>>, u16) {
    // The test server's TLS needs a process-wide provider; two are compiled in.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox::default();
    let mails = inbox.mails.clone();
    let mut server = Server::new(inbox);
    server
        .with_name("mail.test")
        .with_ssl(ssl)
        .unwrap()
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (mails, port)
}

fn point_smtp_at(db: &Database, port: u16) {
    settings::set(db, &admin(), "smtpHost", &json!("127.0.0.1")).unwrap();
    settings::set(db, &admin(), "smtpPort", &json!(port)).unwrap();
    settings::set(db, &admin(), "smtpEncryption", &json!("none")).unwrap();
    settings::set(db, &admin(), "emailFrom", &json!("shop@mail.test")).unwrap();
}

/// A fresh store whose SMTP settings point at a new loopback server; and that server's inbox.
fn store_with_smtp() -> (TestDb, Arc<Mutex<Vec<Mail>>>) {
    let t = store(0);
    let (mails, port) = smtp_server();
    point_smtp_at(&t.db, port);
    (t, mails)
}

fn deliver(db: &Database) -> Delivery {
    let mailer = db.read(|c| Mailer::from_settings(c, || Ok(None))).unwrap();
    outbox::deliver_due(db, &mailer).unwrap()
}

fn website_url(db: &Database) -> String {
    db.read(|c| {
        Ok(
            c.query_row("SELECT url FROM website WHERE name = 'Default'", [], |r| {
                r.get(0)
            })?,
        )
    })
    .unwrap()
}

#[test]
fn a_new_user_gets_the_confirmation_and_welcome_emails_whose_links_work_once() {
    let (t, mails) = store_with_smtp();
    let user = create(
        &t.db,
        "amanda@example.com",
        json!({"website": "Default", "sendWelcomeEmail": true}),
    )
    .unwrap();
    assert!(!user.confirmed, "confirmation is required by default");
    let queued = outbox::list(
        &t.db,
        &outbox::Query {
            customer_user_id: Some(user.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|m| m.state == State::Queued));

    assert_eq!(
        deliver(&t.db),
        Delivery {
            sent: 2,
            ..Default::default()
        }
    );
    let got = mails.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|m| m.to == ["amanda@example.com"]));
    let confirmation = got
        .iter()
        .find(|m| m.subject() == "Confirmation of account registration")
        .unwrap();
    let welcome = got
        .iter()
        .find(|m| m.subject() == "Welcome: Jerry Coleman")
        .unwrap();
    let url = website_url(&t.db);
    let url = url.trim_end_matches('/');
    assert!(confirmation
        .text()
        .contains(&format!("{url}/customer/user/confirm-email?token=")));

    let token = confirmation.token("/customer/user/confirm-email");
    assert!(account::confirm_by_token(&t.db, &token).unwrap().confirmed);
    let again = account::confirm_by_token(&t.db, &token).unwrap_err();
    assert_eq!(
        again.message,
        "This confirmation link may have already been used or is expired."
    );

    let token = welcome.token("/customer/user/reset");
    let err = account::reset_by_token(&t.db, &token, "short").unwrap_err();
    assert_eq!(err.fields[0].field, "password");
    account::reset_by_token(&t.db, &token, "Chosen123").unwrap();
    assert!(
        account::reset_by_token(&t.db, &token, "Chosen456").is_err(),
        "single use"
    );

    let sent = outbox::list(&t.db, &outbox::Query::default()).unwrap();
    assert!(sent
        .iter()
        .all(|m| m.state == State::Sent && m.sent_at.is_some()));
    assert!(sent
        .iter()
        .all(|m| m.body.contains("••••••") || m.link.is_none()));
}

#[test]
fn an_admin_reset_sends_the_force_reset_link_which_expires_and_can_be_revoked() {
    let (t, mails) = store_with_smtp();
    let user = create(
        &t.db,
        "reset@example.com",
        json!({"website": "Default", "confirmed": true}),
    )
    .unwrap();
    assert!(outbox::list(&t.db, &outbox::Query::default())
        .unwrap()
        .is_empty());

    let reset = account::reset_password(&t.db, &admin(), &user.id).unwrap();
    assert_eq!(reset.auth_status, AuthStatus::Reset);
    deliver(&t.db);
    let mail = mails.lock().unwrap()[0].clone();
    assert_eq!(mail.subject(), "Please reset your password");
    assert!(mail
        .text()
        .contains("The administrator has requested a password reset"));
    let shown =
        t.db.read(|c| cu_core::customer_user::get(c, &user.id))
            .unwrap();
    let sent_at = shown.password_requested_at.clone().expect("link sent time");
    let expires = shown.reset_link_expires_at.clone().expect("link expiry");
    let ttl = chrono::DateTime::parse_from_rfc3339(&expires).unwrap()
        - chrono::DateTime::parse_from_rfc3339(&sent_at).unwrap();
    assert_eq!(ttl, Duration::seconds(86_400));

    let token = mail.token("/customer/user/reset");
    let late = Utc::now() + Duration::seconds(86_401);
    let err = account::reset_by_token_at(&t.db, &token, "Chosen123", late).unwrap_err();
    assert_eq!(err.message, "The reset password link has expired.");
    let done = account::reset_by_token(&t.db, &token, "Chosen123").unwrap();
    assert_eq!(done.auth_status, AuthStatus::Active);
    assert_eq!(done.reset_link_expires_at, None);

    // A second reset, revoked before it goes out: nothing is sent and the status is Active.
    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    let revoked = account::revoke_reset(&t.db, &admin(), &user.id).unwrap();
    assert_eq!(revoked.auth_status, AuthStatus::Active);
    assert_eq!(deliver(&t.db), Delivery::default());
    let last = &outbox::list(&t.db, &outbox::Query::default()).unwrap()[0];
    assert_eq!(last.state, State::Cancelled);
    assert_eq!(
        last.last_error.as_deref(),
        Some("The password reset was revoked.")
    );
    assert_eq!(mails.lock().unwrap().len(), 1);

    let disabled = create(
        &t.db,
        "off@example.com",
        json!({"enabled": false, "confirmed": true}),
    )
    .unwrap();
    let err = account::reset_password(&t.db, &admin(), &disabled.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
}

#[test]
fn refused_messages_retry_with_backoff_then_fail_with_the_servers_answer_and_can_be_retried() {
    let (t, mails) = store_with_smtp();
    settings::set(&t.db, &admin(), "outboxMaxAttempts", &json!(2)).unwrap();
    create(&t.db, "bounce@example.com", json!({})).unwrap();
    let mailer =
        t.db.read(|c| Mailer::from_settings(c, || Ok(None)))
            .unwrap();

    let first = outbox::deliver_due(&t.db, &mailer).unwrap();
    assert_eq!(
        first,
        Delivery {
            retrying: 1,
            ..Default::default()
        }
    );
    let m = &outbox::list(&t.db, &outbox::Query::default()).unwrap()[0];
    assert_eq!(m.state, State::Queued);
    assert!(
        m.last_error.as_deref().unwrap().contains("550"),
        "{:?}",
        m.last_error
    );
    // Not due again until the backoff has passed.
    assert_eq!(
        outbox::deliver_due(&t.db, &mailer).unwrap(),
        Delivery::default()
    );
    let later = Utc::now() + Duration::seconds(31);
    let second = outbox::deliver_due_at(&t.db, &mailer, later).unwrap();
    assert_eq!(
        second,
        Delivery {
            failed: 1,
            ..Default::default()
        }
    );
    let m = &outbox::list(
        &t.db,
        &outbox::Query {
            state: Some(State::Failed),
            ..Default::default()
        },
    )
    .unwrap()[0];
    assert_eq!(m.attempts, 2);
    assert!(m
        .last_error
        .as_deref()
        .unwrap()
        .contains("Mailbox unavailable"));

    assert_eq!(
        outbox::retry(&t.db, &admin(), &m.id).unwrap().state,
        State::Queued
    );
    assert!(mails.lock().unwrap().is_empty());

    // A server that cannot be reached: the attempt fails and says why.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    settings::set(&t.db, &admin(), "smtpPort", &json!(closed)).unwrap();
    let mailer =
        t.db.read(|c| Mailer::from_settings(c, || Ok(None)))
            .unwrap();
    assert_eq!(outbox::deliver_due(&t.db, &mailer).unwrap().retrying, 1);
    let m = &outbox::list(&t.db, &outbox::Query::default()).unwrap()[0];
    assert!(
        m.last_error
            .as_deref()
            .unwrap()
            .to_lowercase()
            .contains("connect"),
        "{:?}",
        m.last_error
    );
}

#[test]
fn no_token_or_password_reaches_the_database_file() {
    let (t, mails) = store_with_smtp();
    let user = create(
        &t.db,
        "secret@example.com",
        json!({"website": "Default", "password": "Visible123", "passwordConfirm": "Visible123"}),
    )
    .unwrap();
    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    deliver(&t.db);
    let tokens: Vec<String> = mails
        .lock()
        .unwrap()
        .iter()
        .map(|m| {
            if m.text().contains("confirm-email") {
                m.token("/customer/user/confirm-email")
            } else {
                m.token("/customer/user/reset")
            }
        })
        .collect();
    assert_eq!(tokens.len(), 2);
    let dir = t.db.path().parent().unwrap().to_path_buf();
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for secret in tokens.iter().map(String::as_str).chain(["Visible123"]) {
        assert!(
            !haystack.contains(secret),
            "{secret} found in the database files"
        );
    }
    assert!(mails
        .lock()
        .unwrap()
        .iter()
        .all(|m| !m.text().contains("@@link-token@@")));
}

#[test]
fn without_an_smtp_host_delivery_says_what_to_set() {
    let t = store(0);
    let err =
        t.db.read(|c| Mailer::from_settings(c, || Ok(None)))
            .err()
            .unwrap();
    assert_eq!(err.fields[0].field, "smtpHost");
    assert_eq!(
        err.fields[0].message,
        "SMTP is not configured: set the SMTP host in Settings."
    );
}

/// A certificate for the loopback server, and its key.
fn loopback_certificate() -> rcgen::CertifiedKey<rcgen::KeyPair> {
    rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap()
}

/// Implicit TLS (port 465 style) in front of the plain server at `plain_port`: a TLS
/// listener that relays each connection's bytes both ways. Returns its port.
fn tls_front(plain_port: u16, cert: &rcgen::CertifiedKey<rcgen::KeyPair>) -> u16 {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::io::{ErrorKind, Read, Write};
    let _ = rustls::crypto::ring::default_provider().install_default();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.cert.der().clone()], key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let wait = Some(std::time::Duration::from_millis(20));
                client.set_read_timeout(wait).unwrap();
                let mut tls = rustls::StreamOwned::new(
                    rustls::ServerConnection::new(config).unwrap(),
                    client,
                );
                let mut plain = std::net::TcpStream::connect(("127.0.0.1", plain_port)).unwrap();
                plain.set_read_timeout(wait).unwrap();
                let mut buf = [0u8; 16 * 1024];
                let idle = |e: &std::io::Error| {
                    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
                };
                loop {
                    match plain.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if tls.write_all(&buf[..n]).and_then(|_| tls.flush()).is_err() {
                                break;
                            }
                        }
                        Err(e) if idle(&e) => {}
                        Err(_) => break,
                    }
                    match tls.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            if plain.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        Err(e) if idle(&e) => {}
                        Err(_) => break,
                    }
                }
            });
        }
    });
    port
}

#[test]
fn implicit_tls_delivers_through_a_tls_listener() {
    let dir = tempfile::tempdir().unwrap();
    let cert = loopback_certificate();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, cert.cert.pem()).unwrap();
    let (mails, plain_port) = smtp_server();
    let port = tls_front(plain_port, &cert);
    let t = store(0);
    point_smtp_at(&t.db, port);
    settings::set(&t.db, &admin(), "smtpEncryption", &json!("tls")).unwrap();
    settings::set(&t.db, &admin(), "smtpCaFile", &json!(ca.to_string_lossy())).unwrap();
    create(&t.db, "wrapped@example.com", json!({})).unwrap();
    assert_eq!(
        deliver(&t.db),
        Delivery {
            sent: 1,
            ..Default::default()
        }
    );
    assert_eq!(mails.lock().unwrap()[0].to, ["wrapped@example.com"]);
}

#[test]
fn starttls_delivers_to_a_server_whose_certificate_the_ca_file_vouches_for() {
    let dir = tempfile::tempdir().unwrap();
    let cert = loopback_certificate();
    let cert_path = dir.path().join("smtp.pem");
    let key_path = dir.path().join("smtp.key");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let (mails, port) = smtp_server_with(SslConfig::SelfSigned {
        cert_path: cert_path.to_string_lossy().into(),
        key_path: key_path.to_string_lossy().into(),
    });
    let t = store(0);
    point_smtp_at(&t.db, port);
    settings::set(&t.db, &admin(), "smtpEncryption", &json!("starttls")).unwrap();
    create(&t.db, "tls@example.com", json!({})).unwrap();

    // A certificate nobody vouches for is refused: the message waits for a retry.
    assert_eq!(
        deliver(&t.db),
        Delivery {
            retrying: 1,
            ..Default::default()
        }
    );
    let m = &outbox::list(&t.db, &outbox::Query::default()).unwrap()[0];
    assert!(
        m.last_error
            .as_deref()
            .unwrap()
            .to_lowercase()
            .contains("certificate"),
        "{:?}",
        m.last_error
    );
    assert!(mails.lock().unwrap().is_empty());

    settings::set(
        &t.db,
        &admin(),
        "smtpCaFile",
        &json!(cert_path.to_string_lossy()),
    )
    .unwrap();
    outbox::retry(&t.db, &admin(), &m.id).unwrap();
    assert_eq!(
        deliver(&t.db),
        Delivery {
            sent: 1,
            ..Default::default()
        }
    );
    assert_eq!(mails.lock().unwrap()[0].to, ["tls@example.com"]);

    // A CA file that is not there is refused when set, and when it goes away later.
    let err =
        settings::set(&t.db, &admin(), "smtpCaFile", &json!("/nonexistent/ca.pem")).unwrap_err();
    assert_eq!(err.fields[0].field, "smtpCaFile");
    std::fs::remove_file(&cert_path).unwrap();
    let err =
        t.db.read(|c| Mailer::from_settings(c, || Ok(None)))
            .err()
            .unwrap();
    assert_eq!(err.fields[0].field, "smtpCaFile");
}

#[test]
fn a_user_without_a_website_gets_links_to_the_default_website_and_never_a_link_without_a_host() {
    let (t, mails) = store_with_smtp();
    let user = create(&t.db, "nosite@example.com", json!({"confirmed": true})).unwrap();
    assert!(user.website.is_none());

    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    deliver(&t.db);
    let got = mails.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let url = website_url(&t.db);
    assert!(
        got[0].text().contains(&format!(
            "{}/customer/user/reset?token=",
            url.trim_end_matches('/')
        )),
        "the link starts at the default website's URL: {}",
        got[0].text()
    );

    // With no URL to start a link from, the action says so and sends nothing.
    t.db.write(&admin(), |tx| {
        tx.execute("UPDATE website SET url = '' WHERE is_default = 1", [])?;
        Ok(())
    })
    .unwrap();
    account::revoke_reset(&t.db, &admin(), &user.id).unwrap();
    let err = account::reset_password(&t.db, &admin(), &user.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(
        err.message.contains("nosite@example.com") && err.message.contains("default website"),
        "{}",
        err.message
    );
    let after =
        t.db.read(|c| cu_core::customer_user::get(c, &user.id))
            .unwrap();
    assert_ne!(
        after.auth_status,
        AuthStatus::Reset,
        "nothing was half-done"
    );
    assert_eq!(
        outbox::list(&t.db, &outbox::Query::default())
            .unwrap()
            .len(),
        1,
        "no message without a host was queued"
    );
}

#[test]
fn confirmation_links_expire_after_their_lifetime() {
    let (t, mails) = store_with_smtp();
    let default = t.db.read(|c| settings::int(c, "confirmationLinkTtl"));
    assert_eq!(
        default.unwrap(),
        7 * 24 * 3600,
        "a week unless the admin says otherwise"
    );
    settings::set(&t.db, &admin(), "confirmationLinkTtl", &json!(3600)).unwrap();
    let user = create(&t.db, "late@example.com", json!({"website": "Default"})).unwrap();
    let sent_at = Utc::now();
    deliver(&t.db);
    let stamped = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    let expires = stamped
        .confirmation_link_expires_at
        .expect("the link has an expiry");
    let expires = chrono::DateTime::parse_from_rfc3339(&expires).unwrap();
    let lifetime = expires.signed_duration_since(sent_at).num_seconds();
    assert!((3590..=3610).contains(&lifetime), "{lifetime} s");
    let token = mails.lock().unwrap()[0].token("/customer/user/confirm-email");
    let late =
        account::confirm_by_token_at(&t.db, &token, sent_at + Duration::hours(2)).unwrap_err();
    assert_eq!(
        late.message,
        "This confirmation link may have already been used or is expired."
    );
    let confirmed = account::confirm_by_token_at(&t.db, &token, sent_at).unwrap();
    assert!(confirmed.confirmed && confirmed.confirmation_link_expires_at.is_none());
}

#[test]
fn templates_that_render_too_long_or_too_large_are_refused_when_saved() {
    let (t, _mails) = store_with_smtp();
    let name = email_template::FORCE_RESET_PASSWORD;
    for (content, expected) in [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "fuel",
        ),
        ("{{ 'a' * 100000000 }}", "longer than 1024 KiB"),
        (
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            "recursion",
        ),
        (&"x".repeat(70_000), "65536 characters"),
        ("Hello\u{0}", "control characters"),
    ] {
        let err = email_template::update(&t.db, &admin(), name, "Subject", content).unwrap_err();
        assert_eq!(err.fields[0].field, "content");
        assert!(
            err.fields[0].message.contains(expected),
            "{}",
            err.fields[0].message
        );
    }
    let err = email_template::update(&t.db, &admin(), name, "Sub\nject", "Hi").unwrap_err();
    assert_eq!(err.fields[0].field, "subject");
    // A body of several lines is what templates are.
    email_template::update(&t.db, &admin(), name, "Subject", "Hello,\n\n\tbye\r\n").unwrap();
}

#[test]
fn a_message_is_rendered_after_its_action_commits_not_under_the_write_lock() {
    let (t, _mails) = store_with_smtp();
    let user = create(&t.db, "render@example.com", json!({"confirmed": true})).unwrap();
    let in_transaction =
        t.db.write(&admin(), |tx| {
            let id = outbox::enqueue(tx, email_template::FORCE_RESET_PASSWORD, &user)?;
            Ok(tx.query_row(
                "SELECT rendered, subject FROM email_outbox WHERE id = ?1",
                [&id],
                |r| Ok((r.get::<_, bool>(0)?, r.get::<_, String>(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(in_transaction, (false, String::new()));
    outbox::render_queued(&t.db).unwrap();
    let queued = outbox::list(&t.db, &outbox::Query::default()).unwrap();
    assert_eq!(queued[0].subject, "Please reset your password");
}
