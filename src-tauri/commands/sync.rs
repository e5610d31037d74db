//! The team server: signing in and out, and the sync indicator's state. Syncing itself runs
//! on the sync thread (`syncer.rs`); these commands only ask it, so none waits for the
//! network except signing in, which must.

use cu_client::{Options, Remote};
use cu_core::{sync, CoreError};
use tauri::State;

use super::{AppState, Reply};
use crate::syncer::SyncView;

ui_commands! {
    /// Where sync stands: the indicator's state, pending and refused changes, last sync.
    #[command(async)]
    fn sync_status(state: State<'_, AppState>;) -> Reply<SyncView> {
        state.syncer.view()
    }

    /// Signs this desktop in to the team server at `url` as the admin `email`; the tokens go
    /// to the OS keychain, and the admin becomes the one who acts in this window.
    #[command(async)]
    fn server_sign_in(
        state: State<'_, AppState>;
        url: String,
        email: String,
        password: String,
        ca_file: Option<String>,
        insecure_http: bool
    ) -> Reply<SyncView> {
        let options = Options {
            ca_file: ca_file.filter(|f| !f.trim().is_empty()).map(Into::into),
            insecure_http,
        };
        off_runtime(|| Remote::new(&state.db, &url, &options)?.sign_in(&email, &password))?;
        state.syncer.reset();
        state.syncer.wake(false);
        state.syncer.view()
    }

    /// Signs out: the tokens are forgotten; every record stays.
    #[command(async)]
    fn server_sign_out(state: State<'_, AppState>;) -> Reply<SyncView> {
        off_runtime(|| match Remote::signed_in(&state.db, None) {
            Ok(mut remote) => remote.sign_out(),
            Err(_) => {
                cu_core::secrets::set_sync_tokens(&state.db, None)?;
                sync::disconnect(&state.db)
            }
        })?;
        state.syncer.reset();
        state.syncer.view()
    }

    /// Syncs now; `replace_local` is the admin's word that this desktop's records give way
    /// to the team's on its first sync.
    #[command(async)]
    fn sync_now(state: State<'_, AppState>; replace_local: bool) -> Reply<SyncView> {
        state.syncer.wake(replace_local);
        state.syncer.view()
    }

    /// Sends a refused change again at the next sync.
    #[command(async)]
    fn sync_retry(state: State<'_, AppState>; seq: u64 as f64) -> Reply<SyncView> {
        sync::retry(&state.db, seq)?;
        state.syncer.wake(false);
        state.syncer.view()
    }

    /// Drops a refused change: the record becomes the server's copy again.
    #[command(async)]
    fn sync_discard(state: State<'_, AppState>; seq: u64 as f64) -> Reply<SyncView> {
        off_runtime(|| {
            let mut remote = Remote::signed_in(&state.db, None)?;
            sync::discard(&state.db, &mut remote, seq)
        })?;
        state.syncer.view()
    }
}

/// Runs `f`, which talks to the server through the blocking HTTP client, on a thread of its
/// own: that client runs (and drops) a runtime of its own, which tokio forbids on the threads
/// of the app's async runtime, where commands run.
fn off_runtime<T: Send>(f: impl FnOnce() -> Result<T, CoreError> + Send) -> Result<T, CoreError> {
    std::thread::scope(|scope| {
        scope.spawn(f).join().unwrap_or_else(|_| {
            Err(CoreError::internal(
                "talking to the team server stopped unexpectedly",
            ))
        })
    })
}
