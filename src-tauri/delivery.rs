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
                let run =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| deliver_if_due(&db)));
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
                    Err(e) => tracing::debug!("outbox not delivered: {e}"),
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
