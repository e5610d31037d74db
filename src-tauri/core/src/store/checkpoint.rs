//! Copying the WAL back into the database file off the writer's path. SQLite does it inside
//! the commit that crosses 1000 pages, so a million-row import waited ~13 s more for the
//! copy of its gigabytes; here the commit returns, its rows are visible at once, and a
//! thread of its own copies them beside the reads and the next writes (a passive checkpoint
//! neither waits for nor blocks them).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use rusqlite::Connection;

use super::relock;

/// The WAL size from which a commit asks for a checkpoint: SQLite's own threshold of 1000
/// pages of 4 KiB.
const DUE_BYTES: u64 = 4 << 20;

pub(crate) struct Checkpointer {
    wal: PathBuf,
    signal: Arc<Signal>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Signal {
    state: Mutex<State>,
    /// Wakes the thread: a checkpoint is due, or the store closes.
    wake: Condvar,
    /// Wakes those waiting for the checkpoints asked for so far.
    idle: Condvar,
}

#[derive(Default)]
struct State {
    due: bool,
    running: bool,
    stop: bool,
}

impl Checkpointer {
    pub(crate) fn start(path: &Path) -> Self {
        let signal = Arc::new(Signal::default());
        let thread = {
            let (path, signal) = (path.to_path_buf(), Arc::clone(&signal));
            std::thread::Builder::new()
                .name("checkpoint".into())
                .spawn(move || run(&path, &signal))
                .ok()
        };
        Checkpointer {
            wal: PathBuf::from(format!("{}-wal", path.display())),
            signal,
            thread,
        }
    }

    /// After a commit: asks for a checkpoint once the WAL has grown past [`DUE_BYTES`].
    pub(crate) fn after_commit(&self) {
        let size = std::fs::metadata(&self.wal).map_or(0, |m| m.len());
        if size >= DUE_BYTES {
            relock(&self.signal.state).due = true;
            self.signal.wake.notify_one();
        }
    }
}

impl Checkpointer {
    /// Returns once the checkpoints asked for so far have run.
    pub(crate) fn wait(&self) {
        let mut state = relock(&self.signal.state);
        while (state.due || state.running) && !state.stop && self.thread.is_some() {
            state = self
                .signal
                .idle
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        relock(&self.signal.state).stop = true;
        self.signal.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits for a due checkpoint and runs it, until stopped. What is left when the store
/// closes, SQLite copies as its last connection closes.
fn run(path: &Path, signal: &Signal) {
    let mut conn: Option<Connection> = None;
    loop {
        {
            let mut state = relock(&signal.state);
            while !state.due && !state.stop {
                state = signal.wake.wait(state).unwrap_or_else(|p| p.into_inner());
            }
            if state.stop {
                signal.idle.notify_all();
                return;
            }
            state.due = false;
            state.running = true;
        }
        if conn.is_none() {
            conn = Connection::open(path).ok();
        }
        let done = conn.as_ref().map(|c| {
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })
        });
        match done {
            Some(Ok((frames, copied))) => {
                tracing::debug!("checkpoint: {copied} of {frames} WAL frames copied")
            }
            Some(Err(e)) => tracing::warn!("checkpoint failed: {e}"),
            None => tracing::warn!("checkpoint: cannot open {}", path.display()),
        }
        relock(&signal.state).running = false;
        signal.idle.notify_all();
    }
}
