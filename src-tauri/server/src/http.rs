//! The HTTP side: the routes, who may call them, and how an error answers.
//!
//! Every answer that is not a success is `{"code", "message", "field"?}` with the status
//! that says what to do: 400 malformed, 401 sign in (again), 403 not yours, 404, 409 resend
//! from where the server says, 410 start again from the team's data, 413 too large, 429
//! wait, 503 the store does not answer.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cu_sync::wire::{
    self, ImageInfo, PullResponse, PushRequest, PushResponse, Row, SnapshotResponse,
};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, Policy, Session, Tokens};
use crate::error::ServerError;
use crate::image::Images;
use crate::store::Store;
use crate::sync;

/// The largest request body: a full push of [`sync::MAX_BATCH`] users with their addresses
/// fits many times over.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub policy: Policy,
    pub images: Images,
}

pub fn router(store: Arc<dyn Store>, policy: Policy, images: Images) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/session", post(sign_in).delete(sign_out))
        .route("/v1/session/refresh", post(refresh))
        .route("/v1/sync/push", post(push))
        .route("/v1/sync/pull", get(pull))
        .route("/v1/sync/snapshot", get(snapshot))
        .route("/v1/sync/record/{entity}/{id}", get(record))
        .route("/v1/sync/image", get(image_info))
        .route("/v1/sync/image/{version}", get(image_file))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(App {
            store,
            policy,
            images,
        })
}

/// An error as it answers.
pub struct ApiError(ServerError);

impl From<ServerError> for ApiError {
    fn from(e: ServerError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = match &self.0 {
            ServerError::Invalid { .. } => (StatusCode::BAD_REQUEST, "invalid"),
            ServerError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ServerError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ServerError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ServerError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ServerError::TooMany(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many"),
            ServerError::Gone(_) => (StatusCode::GONE, "gone"),
            ServerError::Storage(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::error!("{}", self.0);
        }
        let mut body = json!({"code": code, "message": self.0.to_string()});
        if let ServerError::Invalid { field, message } = &self.0 {
            body = json!({"code": code, "message": message, "field": field});
        }
        (status, Json(body)).into_response()
    }
}

/// A body that is not the JSON asked for: its own status (400, 413, 415) and axum's words,
/// which name the field and the line.
fn body_error(rejection: JsonRejection) -> Response {
    let status = rejection.status();
    let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "The request is larger than the server takes ({} MiB): send fewer changes at once.",
            MAX_BODY / (1024 * 1024)
        )
    } else {
        rejection.body_text()
    };
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "too_large"
    } else {
        "invalid"
    };
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

type Answer<T> = Result<Json<T>, Response>;

/// Runs store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ApiError(e).into_response()),
        Err(_) => Err(
            ApiError(ServerError::Storage("The request did not finish.".into())).into_response(),
        ),
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The session of the request's `Authorization: Bearer` token.
async fn session_of(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError(ServerError::Unauthorized(
                "Sign in first: the request has no access token.".into(),
            ))
            .into_response()
        })?;
    let store = app.store.clone();
    blocking(move || auth::session(store.as_ref(), &token, now_ms())).await
}

/// `200 {"status": "ok", "store": KIND}` while the store answers, else 503 with the reason.
async fn health(State(app): State<App>) -> (StatusCode, Json<Value>) {
    let store = app.store.clone();
    match tokio::task::spawn_blocking(move || store.check()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "store": app.store.kind()})),
        ),
        Ok(Err(e)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "message": e.to_string()})),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "message": "The check did not finish."})),
        ),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignIn {
    email: String,
    password: String,
    client_id: String,
}

async fn sign_in(
    State(app): State<App>,
    body: Result<Json<SignIn>, JsonRejection>,
) -> Answer<Tokens> {
    let Json(body) = body.map_err(body_error)?;
    let email = body.email.clone();
    let tokens = blocking(move || {
        auth::sign_in(
            app.store.as_ref(),
            &app.policy,
            &body.email,
            &body.password,
            &body.client_id,
            now_ms(),
        )
    })
    .await;
    match &tokens {
        Ok(_) => tracing::info!(admin = %email, "signed in"),
        Err(_) => tracing::warn!("a sign-in was refused"),
    }
    tokens.map(Json)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RefreshBody {
    refresh_token: String,
}

async fn refresh(
    State(app): State<App>,
    body: Result<Json<RefreshBody>, JsonRejection>,
) -> Answer<Tokens> {
    let Json(body) = body.map_err(body_error)?;
    blocking(move || {
        auth::refresh(
            app.store.as_ref(),
            &app.policy,
            &body.refresh_token,
            now_ms(),
        )
    })
    .await
    .map(Json)
}

async fn sign_out(State(app): State<App>, headers: HeaderMap) -> Result<StatusCode, Response> {
    let session = session_of(&app, &headers).await?;
    let store = app.store.clone();
    blocking(move || store.revoke_session(&session.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn push(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Answer<PushResponse> {
    let session = session_of(&app, &headers).await?;
    let Json(request) = body.map_err(body_error)?;
    if request.client_id != session.client_id {
        return Err(ApiError(ServerError::Forbidden(
            "A desktop pushes only its own changes: the clientId is not this sign-in's.".into(),
        ))
        .into_response());
    }
    let store = app.store.clone();
    let count = request.mutations.len();
    let answer = blocking(move || store.push(&request, now_ms())).await?;
    tracing::debug!(admin = %session.admin_email, count, acked = answer.acked_seq, "push");
    Ok(Json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    #[serde(default)]
    cursor: u64,
    #[serde(default = "default_limit")]
    limit: usize,
}

fn default_limit() -> usize {
    sync::MAX_PAGE
}

/// The query, or the error that says what is wrong with it (axum's words name the key).
fn query_of<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|r| ApiError(ServerError::invalid("query", r.body_text())))
}

fn at_least_one(limit: usize) -> Result<(), ApiError> {
    if limit == 0 {
        return Err(ApiError(ServerError::invalid(
            "limit",
            "A page holds at least one row.",
        )));
    }
    Ok(())
}

async fn pull(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Answer<PullResponse> {
    session_of(&app, &headers).await?;
    let query = query_of(query).map_err(IntoResponse::into_response)?;
    at_least_one(query.limit).map_err(IntoResponse::into_response)?;
    let store = app.store.clone();
    blocking(move || store.pull(query.cursor, query.limit))
        .await
        .map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotQuery {
    entity: String,
    #[serde(default)]
    after: String,
    #[serde(default = "default_snapshot_limit")]
    limit: usize,
}

fn default_snapshot_limit() -> usize {
    sync::MAX_SNAPSHOT_PAGE
}

async fn snapshot(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<Query<SnapshotQuery>, QueryRejection>,
) -> Answer<SnapshotResponse> {
    session_of(&app, &headers).await?;
    let query = query_of(query).map_err(IntoResponse::into_response)?;
    at_least_one(query.limit).map_err(IntoResponse::into_response)?;
    if !wire::ENTITIES.contains(&query.entity.as_str()) {
        return Err(ApiError(ServerError::invalid(
            "entity",
            format!("\"{}\" records do not sync.", query.entity),
        ))
        .into_response());
    }
    let store = app.store.clone();
    blocking(move || store.snapshot(&query.entity, &query.after, query.limit))
        .await
        .map(Json)
}

async fn record(
    State(app): State<App>,
    headers: HeaderMap,
    Path((entity, id)): Path<(String, String)>,
) -> Answer<Row> {
    session_of(&app, &headers).await?;
    let store = app.store.clone();
    let (what, key) = (entity.clone(), id.clone());
    blocking(move || {
        store
            .record(&entity, &id)?
            .ok_or_else(|| ServerError::NotFound(format!("The server has no {what} \"{key}\".")))
    })
    .await
    .map(Json)
}

fn no_image() -> Response {
    ApiError(ServerError::NotFound(
        "The server has no store image of the team yet: read the records instead.".into(),
    ))
    .into_response()
}

/// The newest store image, described; 404 when there is none.
async fn image_info(State(app): State<App>, headers: HeaderMap) -> Answer<ImageInfo> {
    session_of(&app, &headers).await?;
    let images = app.images.clone();
    match blocking(move || Ok(images.latest())).await? {
        Some((info, _)) => Ok(Json(info)),
        None => Err(no_image()),
    }
}

/// The newest store image's file, streamed; 404 when `version` is no longer the newest.
async fn image_file(
    State(app): State<App>,
    headers: HeaderMap,
    Path(version): Path<u64>,
) -> Result<Response, Response> {
    session_of(&app, &headers).await?;
    let images = app.images.clone();
    let Some((info, path)) = blocking(move || Ok(images.latest()))
        .await?
        .filter(|(info, _)| info.version == version)
    else {
        return Err(no_image());
    };
    let file = tokio::fs::File::open(&path).await.map_err(|_| no_image())?;
    let body =
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 20));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.sqlite3".to_string(),
            ),
            (axum::http::header::CONTENT_LENGTH, info.bytes.to_string()),
        ],
        body,
    )
        .into_response())
}
