//! Syncs with the team server in the background: soon after every change, every few seconds
//! while the server answers (so another admin's change shows here within seconds), and with
//! a growing pause while it does not. No action in the window waits for it; the window
//! asks [`Syncer::view`] how it stands.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use cu_core::sync::{self, Join};
use cu_core::{CoreError, Database, ErrorCode};
use serde::Serialize;
use ts_rs::TS;

/// How often a desktop that is up to date asks the server for news: with the window's own
/// look every second, another desktop's change shows here within about 1.5 s (an empty pull
/// is one indexed read on the server).
const POLL: Duration = Duration::from_millis(500);
/// The longest pause while the server is away.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The indicator's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SyncState {
    /// Not signed in to a team server.
    SignedOut,
    Syncing,
    UpToDate,
    /// The server cannot be reached; changes wait here.
    Offline,
    /// The first sync needs the admin's word: replace this desktop's records with the team's.
    NeedsDecision,
    /// The server refused the sign-in: sign in again.
    SignInAgain,
}

/// What the window's sync indicator and the Server screen show.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncView {
    pub state: SyncState,
    pub status: sync::Status,
    /// Records received so far by the sync under way.
    #[ts(type = "number | null")]
    pub received: Option<u64>,
    /// Why the first sync waits for the admin, in words.
    pub decision: Option<String>,
}

#[derive(Default)]
struct Shared {
    woken: bool,
    syncing: bool,
    received: Option<u64>,
    offline: bool,
    signed_out: bool,
    decision: Option<String>,
    /// The admin said to replace this desktop's records at the next sync.
    replace_local: bool,
}

#[derive(Clone)]
pub struct Syncer {
    db: Arc<Database>,
    shared: Arc<(Mutex<Shared>, Condvar)>,
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Syncer {
    pub fn start(db: Arc<Database>) -> Self {
        let syncer = Syncer {
            db,
            shared: Arc::new((Mutex::new(Shared::default()), Condvar::new())),
        };
        let worker = syncer.clone();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || worker.run())
            .expect("the sync thread starts");
        syncer
    }

    /// Asks for a sync now (after a change, or "Sync now"); `replace_local` gives the
    /// admin's word for a first sync that would replace this desktop's records.
    pub fn wake(&self, replace_local: bool) {
        let (shared, signal) = &*self.shared;
        let mut s = lock(shared);
        s.woken = true;
        s.replace_local |= replace_local;
        if replace_local {
            s.decision = None;
        }
        signal.notify_one();
    }

    /// Forgets what the last sync found (after signing in or out).
    pub fn reset(&self) {
        let mut s = lock(&self.shared.0);
        s.offline = false;
        s.signed_out = false;
        s.decision = None;
    }

    pub fn view(&self) -> Result<SyncView, CoreError> {
        let status = sync::status(&self.db)?;
        let s = lock(&self.shared.0);
        let state = if status.server.is_none() {
            SyncState::SignedOut
        } else if s.syncing {
            SyncState::Syncing
        } else if s.decision.is_some() {
            SyncState::NeedsDecision
        } else if s.signed_out {
            SyncState::SignInAgain
        } else if s.offline {
            SyncState::Offline
        } else {
            SyncState::UpToDate
        };
        Ok(SyncView {
            state,
            status,
            received: s.received.filter(|_| s.syncing),
            decision: s.decision.clone(),
        })
    }

    fn run(&self) {
        let mut backoff = POLL;
        loop {
            let replace_local = {
                let (shared, signal) = &*self.shared;
                let guard = lock(shared);
                let (mut s, _) = signal
                    .wait_timeout_while(guard, backoff, |s| !s.woken)
                    .unwrap_or_else(|p| p.into_inner());
                s.woken = false;
                if s.decision.is_some() && !s.replace_local {
                    continue;
                }
                s.syncing = true;
                s.received = Some(0);
                std::mem::take(&mut s.replace_local)
            };
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.sync_once(replace_local)
            }))
            .unwrap_or_else(|_| Err(CoreError::internal("the sync stopped unexpectedly")));
            let mut s = lock(&self.shared.0);
            s.syncing = false;
            s.offline = false;
            s.signed_out = false;
            let previous = backoff;
            backoff = POLL;
            match run {
                Ok(None) => {}
                Ok(Some(report)) if report == sync::Report::default() => {}
                Ok(Some(report)) => tracing::info!(
                    pushed = report.pushed,
                    refused = report.refused,
                    pulled = report.pulled,
                    applied = report.applied,
                    "synced"
                ),
                Err(e) => match e.code {
                    ErrorCode::Unavailable => {
                        s.offline = true;
                        backoff = (previous * 2).clamp(Duration::from_secs(5), MAX_BACKOFF);
                    }
                    ErrorCode::Unauthorized => s.signed_out = true,
                    ErrorCode::Conflict if e.message.contains("replace this desktop's records") => {
                        s.decision = Some(e.message.clone());
                    }
                    _ => tracing::warn!("sync failed: {e}"),
                },
            }
        }
    }

    /// One sync if the store is signed in; `None` when it is not.
    fn sync_once(&self, replace_local: bool) -> Result<Option<sync::Report>, CoreError> {
        let Some(_) = sync::state::server_url_of(&self.db)? else {
            return Ok(None);
        };
        let mut remote = cu_client::Remote::signed_in(&self.db, None)?;
        let how = if replace_local {
            Join::ReplaceLocal
        } else {
            Join::Ask
        };
        let shared = self.shared.clone();
        let report = sync::run(&self.db, &mut remote, how, &mut |received| {
            lock(&shared.0).received = Some(received);
        })?;
        Ok(Some(report))
    }
}
