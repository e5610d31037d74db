//! Hybrid logical clock: timestamps that order one client's writes and merge with every other
//! client's on sync (field-level last-writer-wins).
//!
//! Text form `PPPPPPPPPPPPP-CCCCC-NODE` (physical ms, counter, node id): fixed widths, so the
//! text sorts as the clock values it encodes, and the node breaks ties between clients.

use std::cmp::Ordering;
use std::fmt;

/// One timestamp, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stamp {
    pub physical_ms: i64,
    pub counter: u32,
    pub node: String,
}

impl Stamp {
    /// Reads the text form; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Stamp> {
        let mut parts = text.splitn(3, '-');
        let (ms, counter, node) = (parts.next()?, parts.next()?, parts.next()?);
        if ms.len() != 13 || counter.len() != 5 || node.is_empty() {
            return None;
        }
        Some(Stamp {
            physical_ms: ms.parse().ok()?,
            counter: counter.parse().ok()?,
            node: node.to_string(),
        })
    }
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.physical_ms, self.counter, &self.node).cmp(&(
            other.physical_ms,
            other.counter,
            &other.node,
        ))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:013}-{:05}-{}",
            self.physical_ms, self.counter, self.node
        )
    }
}

/// Why a stamp from elsewhere was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a timestamp at all.
    Malformed,
    /// Ahead of this clock's wall time by more than the allowed drift (ms): a fast clock
    /// must not win every conflict for as long as it is fast.
    TooFarAhead { ahead_ms: i64 },
}

/// The largest counter the text form holds.
const MAX_COUNTER: u32 = 99_999;

/// One client's clock.
#[derive(Debug, Clone)]
pub struct Hlc {
    node: String,
    physical_ms: i64,
    counter: u32,
}

impl Hlc {
    pub fn new(node: String) -> Self {
        Self {
            node,
            physical_ms: 0,
            counter: 0,
        }
    }

    /// Restores the clock from its last issued timestamp.
    pub fn resume(node: String, last: &str) -> Self {
        let mut clock = Self::new(node);
        if let Some(stamp) = Stamp::parse(last) {
            clock.physical_ms = stamp.physical_ms;
            clock.counter = stamp.counter;
        }
        clock
    }

    /// The next timestamp: never behind the wall clock, always after the previous one. More
    /// stamps in one millisecond than the counter's five digits hold (a million users
    /// imported in one transaction, stamped at its one time) move on to the next millisecond,
    /// so every stamp keeps its fixed width and its order.
    pub fn tick(&mut self, wall_ms: i64) -> String {
        if wall_ms > self.physical_ms {
            self.physical_ms = wall_ms;
            self.counter = 0;
        } else if self.counter >= MAX_COUNTER {
            self.physical_ms += 1;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        self.current().to_string()
    }

    /// Takes in a stamp seen from another client, so every later tick comes after it; refused
    /// when it is more than `max_drift_ms` ahead of `wall_ms`.
    pub fn observe(&mut self, seen: &str, wall_ms: i64, max_drift_ms: i64) -> Result<(), Refused> {
        let seen = Stamp::parse(seen).ok_or(Refused::Malformed)?;
        check_drift(&seen, wall_ms, max_drift_ms)?;
        if (seen.physical_ms, seen.counter) > (self.physical_ms, self.counter) {
            self.physical_ms = seen.physical_ms;
            self.counter = seen.counter;
        }
        Ok(())
    }

    fn current(&self) -> Stamp {
        Stamp {
            physical_ms: self.physical_ms,
            counter: self.counter,
            node: self.node.clone(),
        }
    }
}

/// How far ahead of the server's clock a change may be stamped: five minutes, as Actual
/// allows. Further ahead, a fast clock would win every conflict for as long as it is fast.
pub const MAX_DRIFT_MS: i64 = 5 * 60 * 1000;

/// Whether `stamp` is within `max_drift_ms` of `wall_ms` (behind is always fine: an offline
/// client's old changes are what sync is for).
pub fn check_drift(stamp: &Stamp, wall_ms: i64, max_drift_ms: i64) -> Result<(), Refused> {
    let ahead_ms = stamp.physical_ms.saturating_sub(wall_ms);
    if ahead_ms > max_drift_ms {
        Err(Refused::TooFarAhead { ahead_ms })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_million_ticks_in_one_millisecond_stay_stamps_in_order() {
        let mut clock = Hlc::new("a".into());
        let mut last = clock.tick(1_000);
        for _ in 0..1_000_000 {
            let next = clock.tick(1_000);
            let stamp = Stamp::parse(&next).unwrap_or_else(|| panic!("{next} is a stamp"));
            assert!(next > last, "{next} after {last}");
            assert!(stamp.physical_ms <= 1_000 + 10, "{next}");
            last = next;
        }
    }

    #[test]
    fn ticks_increase_even_when_the_wall_clock_goes_back() {
        let mut clock = Hlc::new("n1".into());
        let a = clock.tick(1_000);
        let b = clock.tick(1_000);
        let c = clock.tick(900);
        let d = clock.tick(2_000);
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
    }

    #[test]
    fn resumes_after_its_last_timestamp() {
        let mut clock = Hlc::new("n1".into());
        let last = clock.tick(5_000);
        let mut resumed = Hlc::resume("n1".into(), &last);
        assert!(resumed.tick(4_000) > last);
    }

    #[test]
    fn a_stamp_past_the_drift_is_refused_and_one_at_it_is_taken() {
        let mut clock = Hlc::new("n1".into());
        let at = |ms: i64| format!("{ms:013}-00000-n2");
        assert_eq!(clock.observe(&at(1_300_000), 1_000_000, 300_000), Ok(()));
        assert_eq!(
            clock.observe(&at(1_300_001), 1_000_000, 300_000),
            Err(Refused::TooFarAhead { ahead_ms: 300_001 })
        );
        assert_eq!(
            clock.observe("yesterday", 1_000_000, 300_000),
            Err(Refused::Malformed)
        );
        assert!(
            clock.tick(1_000_000) > at(1_300_000),
            "later ticks follow what was seen"
        );
    }

    #[derive(Debug, Clone)]
    enum Step {
        /// A local write, this far off the true time (the client's clock skew).
        Tick { skew_ms: i64 },
        /// A stamp from another client whose clock is this far off.
        Observe { skew_ms: i64 },
        /// Time passes.
        Wait { ms: i64 },
    }

    fn step() -> impl Strategy<Value = Step> {
        let skew = -600_000i64..600_000;
        prop_oneof![
            skew.clone().prop_map(|skew_ms| Step::Tick { skew_ms }),
            skew.prop_map(|skew_ms| Step::Observe { skew_ms }),
            (0i64..5_000).prop_map(|ms| Step::Wait { ms }),
        ]
    }

    proptest! {
        /// Under any skew of ±10 minutes, every timestamp a clock issues is greater than
        /// every one it issued or took in before, and the text order is the stamp order.
        #[test]
        fn issued_stamps_only_grow_whatever_the_skew(steps in prop::collection::vec(step(), 1..60)) {
            let mut clock = Hlc::new("me".into());
            let mut now = 1_700_000_000_000i64;
            let mut highest: Option<Stamp> = None;
            for s in steps {
                match s {
                    Step::Tick { skew_ms } => {
                        let issued = clock.tick(now + skew_ms);
                        let stamp = Stamp::parse(&issued).unwrap();
                        if let Some(h) = &highest {
                            prop_assert!((stamp.physical_ms, stamp.counter) > (h.physical_ms, h.counter));
                            prop_assert_eq!(issued.cmp(&h.to_string()) == Ordering::Greater, stamp > *h);
                        }
                        highest = Some(stamp);
                    }
                    Step::Observe { skew_ms } => {
                        let seen = Stamp { physical_ms: now + skew_ms, counter: 3, node: "other".into() };
                        if clock.observe(&seen.to_string(), now, 300_000).is_ok()
                            && highest.as_ref().is_none_or(|h| seen > *h)
                        {
                            highest = Some(seen);
                        }
                    }
                    Step::Wait { ms } => now += ms,
                }
            }
        }
    }
}
