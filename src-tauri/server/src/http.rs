//! The HTTP side: the routes and how an error answers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::store::Store;

pub type Shared = Arc<dyn Store>;

pub fn router(store: Shared) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(store)
}

/// `200 {"status": "ok", "store": KIND}` while the store answers, else 503 with the reason.
async fn health(State(store): State<Shared>) -> (StatusCode, Json<Value>) {
    let checked = tokio::task::spawn_blocking({
        let store = store.clone();
        move || store.check()
    })
    .await;
    match checked {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "store": store.kind()})),
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
