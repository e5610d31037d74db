//! Hybrid logical clock: timestamps that order this client's writes and, later, merge with
//! other clients' on sync (field-level last-writer-wins).
//!
//! Text form `PPPPPPPPPPPPP-CCCCC-NODE` (physical ms, counter, node id) sorts the same way as
//! the clock values it encodes.

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
        let mut parts = last.splitn(3, '-');
        if let (Some(ms), Some(counter)) = (parts.next(), parts.next()) {
            clock.physical_ms = ms.parse().unwrap_or(0);
            clock.counter = counter.parse().unwrap_or(0);
        }
        clock
    }

    /// The next timestamp: never behind the wall clock, always after the previous one.
    pub fn tick(&mut self, wall_ms: i64) -> String {
        if wall_ms > self.physical_ms {
            self.physical_ms = wall_ms;
            self.counter = 0;
        } else {
            self.counter += 1;
        }
        format!("{:013}-{:05}-{}", self.physical_ms, self.counter, self.node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
