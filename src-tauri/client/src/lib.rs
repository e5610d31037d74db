//! The team server over HTTP, for the desktop app and the CLI: signing in and out, and the
//! core's sync [`Transport`]. TLS is rustls; plain HTTP is allowed only to this machine
//! unless the admin says the network is safe. The tokens live in the OS keychain only,
//! never in the database, a log or an error; an expired access token is refreshed (the
//! refresh token rotates) and the request tried once more.

use std::time::Duration;

use cu_core::sync::{Failure, Transport};
use cu_core::{secrets, CoreError, Database, ErrorCode, Result};
use cu_sync::wire::{ImageInfo, PullResponse, PushRequest, PushResponse, Row, SnapshotResponse};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use url::Url;

/// How the desktop reaches its server.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A PEM file with the CA that signed the server's certificate, beside the system's.
    pub ca_file: Option<std::path::PathBuf>,
    /// Allows `http://` to another machine: the admin says the network is private.
    pub insecure_http: bool,
}

/// A connection to the team server at one address.
pub struct Remote<'a> {
    db: &'a Database,
    http: Client,
    base: Url,
    options: Options,
    tokens: Option<(String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tokens {
    access_token: String,
    refresh_token: String,
    admin: String,
    admin_id: String,
}

/// The server's error body.
#[derive(Deserialize)]
struct ErrorBody {
    message: String,
}

impl<'a> Remote<'a> {
    pub fn new(db: &'a Database, url: &str, options: &Options) -> Result<Self> {
        let base = check_url(url, options.insecure_http)?;
        // reqwest takes the process's TLS provider; ring is the one already built in.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("customer-users/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &options.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                CoreError::field("caFile", format!("Cannot read {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                CoreError::field(
                    "caFile",
                    format!("{} is not a PEM certificate: {e}", path.display()),
                )
            })?;
            builder = builder.tls_certs_merge(certs);
        }
        let http = builder
            .build()
            .map_err(|e| CoreError::internal(format!("The HTTP client cannot start: {e}")))?;
        Ok(Remote {
            db,
            http,
            base,
            options: options.clone(),
            tokens: None,
        })
    }

    /// The server this store is signed in to, with its tokens from the keychain, reached as
    /// the sign-in did unless `options` say otherwise.
    pub fn signed_in(db: &'a Database, options: Option<&Options>) -> Result<Self> {
        let url = cu_core::sync::state::server_url_of(db)?.ok_or_else(|| {
            CoreError::new(
                ErrorCode::Unauthorized,
                "This store is not signed in to a team server: sign in first.",
            )
        })?;
        let remembered = {
            let (ca_file, insecure_http) = cu_core::sync::state::connection_of(db)?;
            Options {
                ca_file: ca_file.map(Into::into),
                insecure_http,
            }
        };
        let mut remote = Remote::new(db, &url, options.unwrap_or(&remembered))?;
        remote.tokens = secrets::sync_tokens(db)?;
        Ok(remote)
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{}", self.base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }

    /// Signs `email` in; the tokens go to the keychain and the store remembers the server.
    pub fn sign_in(&mut self, email: &str, password: &str) -> Result<String> {
        let client_id = self.db.read(|c| cu_core::sync::state::client_id(c))?;
        let response = self
            .http
            .post(self.url("/v1/session"))
            .json(&json!({"email": email, "password": password, "clientId": client_id}))
            .send()
            .map_err(|e| offline(&e))?;
        let tokens: Tokens = answer(response).map_err(CoreError::from)?;
        secrets::set_sync_tokens(self.db, Some((&tokens.access_token, &tokens.refresh_token)))?;
        cu_core::sync::connect(self.db, self.base.as_str(), &tokens.admin, &tokens.admin_id)?;
        let ca_file = self
            .options
            .ca_file
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned());
        cu_core::sync::state::set_connection(
            self.db,
            ca_file.as_deref(),
            self.options.insecure_http,
        )?;
        self.tokens = Some((tokens.access_token, tokens.refresh_token));
        Ok(tokens.admin)
    }

    /// Ends the session on the server (when it answers) and forgets the tokens; the
    /// records stay.
    pub fn sign_out(&mut self) -> Result<()> {
        if let Some((access, _)) = &self.tokens {
            // Unreachable or already ended: the tokens are forgotten here all the same.
            let _ = self
                .http
                .delete(self.url("/v1/session"))
                .bearer_auth(access)
                .send();
        }
        secrets::set_sync_tokens(self.db, None)?;
        cu_core::sync::disconnect(self.db)
    }

    fn refresh(&mut self) -> std::result::Result<(), Failure> {
        let Some((_, refresh)) = &self.tokens else {
            return Err(Failure::SignedOut(
                "Sign in to the team server first.".into(),
            ));
        };
        let response = self
            .http
            .post(self.url("/v1/session/refresh"))
            .json(&json!({"refreshToken": refresh}))
            .send()
            .map_err(|e| offline(&e))?;
        let tokens: Tokens = answer(response)?;
        secrets::set_sync_tokens(self.db, Some((&tokens.access_token, &tokens.refresh_token)))
            .map_err(|e| Failure::Offline(e.message))?;
        self.tokens = Some((tokens.access_token, tokens.refresh_token));
        Ok(())
    }

    /// Sends a request with the access token and reads the JSON answer.
    fn call<T: DeserializeOwned>(
        &mut self,
        request: impl Fn(&Client) -> RequestBuilder,
    ) -> std::result::Result<T, Failure> {
        answer(self.send(request)?)
    }

    /// Sends a request with the access token; on 401 refreshes once and sends it again.
    fn send(
        &mut self,
        request: impl Fn(&Client) -> RequestBuilder,
    ) -> std::result::Result<Response, Failure> {
        for attempt in 0..2 {
            let Some((access, _)) = &self.tokens else {
                return Err(Failure::SignedOut(
                    "Sign in to the team server first.".into(),
                ));
            };
            let response = request(&self.http)
                .bearer_auth(access)
                .send()
                .map_err(|e| offline(&e))?;
            if response.status() == StatusCode::UNAUTHORIZED && attempt == 0 {
                self.refresh()?;
                continue;
            }
            return Ok(response);
        }
        Err(Failure::SignedOut("The server refused the sign-in.".into()))
    }
}

impl Transport for Remote<'_> {
    fn push(&mut self, request: &PushRequest) -> std::result::Result<PushResponse, Failure> {
        let url = self.url("/v1/sync/push");
        self.call(|http| http.post(url.clone()).json(request))
    }

    fn pull(&mut self, cursor: u64, limit: usize) -> std::result::Result<PullResponse, Failure> {
        let mut url = self.url("/v1/sync/pull");
        url.query_pairs_mut()
            .append_pair("cursor", &cursor.to_string())
            .append_pair("limit", &limit.to_string());
        self.call(|http| http.get(url.clone()))
    }

    fn snapshot(
        &mut self,
        entity: &str,
        after: &str,
        limit: usize,
    ) -> std::result::Result<SnapshotResponse, Failure> {
        let mut url = self.url("/v1/sync/snapshot");
        url.query_pairs_mut()
            .append_pair("entity", entity)
            .append_pair("after", after)
            .append_pair("limit", &limit.to_string());
        self.call(|http| http.get(url.clone()))
    }

    fn fetch(&mut self, entity: &str, id: &str) -> std::result::Result<Option<Row>, Failure> {
        let mut url = self.url("/v1/sync/record");
        url.path_segments_mut()
            .map_err(|_| Failure::Refused("The server's address cannot hold a path.".into()))?
            .push(entity)
            .push(id);
        found(self.call::<Row>(|http| http.get(url.clone())))
    }

    fn image_info(&mut self) -> std::result::Result<Option<ImageInfo>, Failure> {
        let url = self.url("/v1/sync/image");
        found(self.call::<ImageInfo>(|http| http.get(url.clone())))
    }

    fn download_image(
        &mut self,
        info: &ImageInfo,
        to: &std::path::Path,
        progress: &mut dyn FnMut(u64),
    ) -> std::result::Result<(), Failure> {
        let url = self.url(&format!("/v1/sync/image/{}", info.version));
        let mut response = self.send(|http| http.get(url.clone()).timeout(IMAGE_TIMEOUT))?;
        if !response.status().is_success() {
            return answer::<serde_json::Value>(response).map(|_| ());
        }
        let (bytes, sha256) = receive(&mut response, to, progress)?;
        if bytes != info.bytes || sha256 != info.sha256 {
            return Err(Failure::Conflict(
                "The store image from the server does not match its checksum: nothing of it \
                 was kept. Sync again; if it happens again, the server or the network alters \
                 data."
                    .into(),
            ));
        }
        Ok(())
    }
}

/// An answer, or `None` for the server's 404.
fn found<T>(answer: std::result::Result<T, Failure>) -> std::result::Result<Option<T>, Failure> {
    match answer {
        Ok(value) => Ok(Some(value)),
        Err(Failure::Refused(m)) if m.starts_with("404") => Ok(None),
        Err(other) => Err(other),
    }
}

/// How long the download of a store image may take (a million users are a few GB).
const IMAGE_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// Reads `body` into the file `to` in large chunks, each written on another thread while the
/// next one arrives and is hashed, telling `progress` the bytes so far; returns their number
/// and SHA-256.
fn receive(
    body: &mut impl Read,
    to: &std::path::Path,
    progress: &mut dyn FnMut(u64),
) -> std::result::Result<(u64, String), Failure> {
    const CHUNK: usize = 4 << 20;
    let cannot_write =
        |e: std::io::Error| Failure::Refused(format!("Cannot write {}: {e}", to.display()));
    let mut file = std::fs::File::create(to).map_err(cannot_write)?;
    let (send, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
    std::thread::scope(|scope| -> std::result::Result<(u64, String), Failure> {
        let writer = scope.spawn(move || -> std::io::Result<()> {
            for chunk in chunks {
                file.write_all(&chunk)?;
            }
            file.flush()
        });
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        let read: std::io::Result<()> = 'chunks: loop {
            let mut chunk = vec![0u8; CHUNK];
            let mut filled = 0;
            while filled < CHUNK {
                match body.read(&mut chunk[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => break 'chunks Err(e),
                }
            }
            if filled == 0 {
                break Ok(());
            }
            chunk.truncate(filled);
            hasher.update(&chunk);
            bytes += filled as u64;
            progress(bytes);
            if send.send(chunk).is_err() {
                // The writer stopped: its error says why.
                break Ok(());
            }
        };
        drop(send);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer stopped")));
        read.map_err(|e| {
            Failure::Offline(format!(
                "The team server stopped sending its store image: {e}."
            ))
        })?;
        written.map_err(cannot_write)?;
        Ok((bytes, cu_sync::wire::hex(&hasher.finalize())))
    })
}

/// `https://…`, or `http://` to this machine (or anywhere, when the admin allows it).
fn check_url(url: &str, insecure_http: bool) -> Result<Url> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| CoreError::field("url", format!("\"{url}\" is not a server address: {e}")))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback || insecure_http => Ok(parsed),
        "http" => Err(CoreError::field(
            "url",
            "Plain http:// would send the password and every record unencrypted: use https://, \
             or pass --insecure-http if this network is private.",
        )),
        other => Err(CoreError::field(
            "url",
            format!("\"{other}\" is not http or https."),
        )),
    }
}

/// Unreachable, in words (the URL in reqwest's message holds no secret: tokens travel in
/// headers and bodies only).
fn offline(e: &reqwest::Error) -> Failure {
    let why = if e.is_timeout() {
        "it did not answer in time".to_string()
    } else if e.is_connect() {
        "it cannot be reached".to_string()
    } else {
        e.to_string()
    };
    Failure::Offline(format!("The team server is offline: {why}."))
}

fn answer<T: DeserializeOwned>(response: Response) -> std::result::Result<T, Failure> {
    let status = response.status();
    if status.is_success() {
        return response
            .json()
            .map_err(|e| Failure::Refused(format!("The server's answer cannot be read: {e}")));
    }
    let message = response
        .json::<ErrorBody>()
        .map(|b| b.message)
        .unwrap_or_else(|_| status.to_string());
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Failure::SignedOut(message),
        StatusCode::CONFLICT => Failure::Conflict(message),
        StatusCode::GONE => Failure::Gone(message),
        StatusCode::NOT_FOUND => Failure::Refused(format!("404 {message}")),
        s if s.is_server_error() => Failure::Offline(format!("The team server failed: {message}")),
        StatusCode::TOO_MANY_REQUESTS => Failure::SignedOut(message),
        _ => Failure::Refused(message),
    })
}
