//! Sends the outbox in the background: every half minute, and at once when an action has
//! queued a message. Failures stay in the outbox with the server's answer; this loop only
//! logs them.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use cu_core::mail::outbox::{self, Delivery};
use cu_core::{CoreError, Database};

/// How often queued messages (retries included) are looked at without being asked.
const PERIOD: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Deliverer {
    wake: Arc<(Mutex<bool>, Condvar)>,
}

impl Deliverer {
    pub fn start(db: Arc<Database>) -> Self {
        Self::start_with(db, deliver_if_due)
    }

    /// Starts the loop with `deliver` as its delivery run (tests give one that fails).
    fn start_with(
        db: Arc<Database>,
        deliver: fn(&Database) -> Result<Delivery, CoreError>,
    ) -> Self {
        let deliverer = Deliverer {
            wake: Arc::new((Mutex::new(false), Condvar::new())),
        };
        let wake = deliverer.wake.clone();
        std::thread::Builder::new()
            .name("outbox".into())
            .spawn(move || loop {
                let (flag, signal) = &*wake;
                let guard = flag.lock().unwrap_or_else(|p| p.into_inner());
                let (mut woken, _) = signal
                    .wait_timeout_while(guard, PERIOD, |woken| !*woken)
                    .unwrap_or_else(|p| p.into_inner());
                *woken = false;
                drop(woken);
                // A run that fails in a way nobody foresaw is logged, and the next one still
                // comes: the thread outlives any one message or setting.
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| deliver(&db)));
                match run.unwrap_or_else(|_| {
                    Err(CoreError::internal("the delivery run stopped unexpectedly"))
                }) {
                    Ok(d) if d == Delivery::default() => {}
                    Ok(d) => tracing::info!(
                        sent = d.sent,
                        retrying = d.retrying,
                        failed = d.failed,
                        cancelled = d.cancelled,
                        "outbox delivered"
                    ),
                    Err(e) => tracing::warn!("outbox not delivered: {e}"),
                }
            })
            .expect("the outbox thread starts");
        deliverer
    }

    /// Asks for a delivery run now.
    pub fn wake(&self) {
        let (flag, signal) = &*self.wake;
        *flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
        signal.notify_one();
    }
}

/// A delivery run when something is due: a quiet outbox asks neither SMTP nor the keychain.
pub fn deliver_if_due(db: &Database) -> Result<Delivery, CoreError> {
    if !outbox::has_due(db)? {
        return Ok(Delivery::default());
    }
    outbox::deliver_configured(db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static RUNS: AtomicUsize = AtomicUsize::new(0);

    /// The first run panics, as a bug in a library might; the later ones count themselves.
    fn failing_once(_: &Database) -> Result<Delivery, CoreError> {
        if RUNS.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("a delivery run that fails in a way nobody foresaw");
        }
        Ok(Delivery::default())
    }

    #[test]
    fn the_delivery_thread_keeps_running_after_a_run_panics() {
        let dir = tempfile::tempdir().unwrap();
        let db = Arc::new(Database::open(&dir.path().join("d.sqlite3")).unwrap());
        let deliverer = Deliverer::start_with(db, failing_once);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while RUNS.load(Ordering::SeqCst) < 3 {
            assert!(std::time::Instant::now() < deadline, "the thread stopped");
            deliverer.wake();
            std::thread::yield_now();
        }
    }
}
