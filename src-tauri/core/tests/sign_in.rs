//! The sign-in check: reasons for refusal, the log of attempts, lockout and unlock, and the
//! password policy, history and maximum age.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use cu_core::account::sign_in::{self as auth, AttemptQuery, Outcome, Refusal, SignIn};
use cu_core::account::update;
use cu_core::csv::import::ImportKind;
use cu_core::customer_user::{self, AuthStatus};
use cu_core::{account, history, settings, Database, ErrorCode};
use proptest::prelude::*;
use serde_json::json;

fn sign_in(db: &Database, email: &str, password: &str, at: DateTime<Utc>) -> Outcome {
    let attempt = SignIn {
        email: email.into(),
        password: password.into(),
        source: Some("storefront".into()),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Firefox".into()),
    };
    auth::check_at(db, &attempt, at).unwrap()
}

fn status(db: &Database, id: &str) -> AuthStatus {
    db.read(|c| customer_user::get(c, id)).unwrap().auth_status
}

const GOOD: &str = "Secret123";

#[test]
fn each_kind_of_user_who_may_not_sign_in_is_refused_with_its_own_reason() {
    let t = store(0);
    let now = Utc::now();
    let ok = create(&t.db, "ok@example.com", json!({"confirmed": true})).unwrap();
    create(
        &t.db,
        "off@example.com",
        json!({"confirmed": true, "enabled": false}),
    )
    .unwrap();
    create(&t.db, "new@example.com", json!({})).unwrap();
    let reset = create(&t.db, "reset@example.com", json!({"confirmed": true})).unwrap();
    account::reset_password(&t.db, &admin(), &reset.id).unwrap();

    let outcome = sign_in(&t.db, "OK@example.com", GOOD, now);
    assert!(outcome.success, "{outcome:?}");
    let user = t.db.read(|c| customer_user::get(c, &ok.id)).unwrap();
    assert_eq!(user.login_count, 1);
    assert!(user.last_login.is_some());

    let reason = |email: &str, password: &str| sign_in(&t.db, email, password, now).reason;
    assert_eq!(
        reason("ok@example.com", "Wrong1234"),
        Some(Refusal::BadCredentials)
    );
    assert_eq!(
        reason("nobody@example.com", GOOD),
        Some(Refusal::BadCredentials)
    );
    assert_eq!(reason("off@example.com", GOOD), Some(Refusal::Disabled));
    assert_eq!(reason("new@example.com", GOOD), Some(Refusal::Unconfirmed));
    assert_eq!(
        reason("reset@example.com", GOOD),
        Some(Refusal::PasswordReset)
    );
    // A refused user with the wrong password learns nothing about their account's state.
    assert_eq!(
        reason("off@example.com", "Wrong1234"),
        Some(Refusal::BadCredentials)
    );
    assert_eq!(
        sign_in(&t.db, "off@example.com", GOOD, now).message,
        "The customer user is disabled."
    );

    let all = auth::attempts(&t.db, &AttemptQuery::default()).unwrap();
    assert_eq!(all.len(), 8);
    assert!(all.iter().all(|a| a.source == "storefront"
        && a.ip.as_deref() == Some("203.0.113.7")
        && a.user_agent.as_deref() == Some("Firefox")));
    let mine = auth::attempts(
        &t.db,
        &AttemptQuery {
            user: Some(ok.id.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        mine.iter().map(|a| a.success).collect::<Vec<_>>(),
        [false, true]
    );
    let failed = auth::attempts(
        &t.db,
        &AttemptQuery {
            success: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(failed.len(), 7);
    let unknown = auth::attempts(
        &t.db,
        &AttemptQuery {
            user: Some("nobody".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(unknown[0].customer_user_id, None);
    let err = auth::attempts(
        &t.db,
        &AttemptQuery {
            from: Some("yesterday".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "from");
}

#[test]
fn ten_failures_within_the_hour_lock_the_account_until_the_lock_ends_or_an_admin_unlocks() {
    let t = store(0);
    let user = create(&t.db, "lock@example.com", json!({"confirmed": true})).unwrap();
    let start = Utc::now();
    for i in 0..9 {
        let o = sign_in(
            &t.db,
            "lock@example.com",
            "Wrong1234",
            start + Duration::minutes(i),
        );
        assert_eq!(o.reason, Some(Refusal::BadCredentials));
    }
    let tenth = sign_in(
        &t.db,
        "lock@example.com",
        "Wrong1234",
        start + Duration::minutes(9),
    );
    // The lock is not told to whoever got the password wrong: only the right one shows it.
    assert_eq!(tenth.reason, Some(Refusal::BadCredentials));
    assert_eq!((tenth.customer_user_id, tenth.locked_until), (None, None));
    assert_eq!(status(&t.db, &user.id), AuthStatus::Locked);
    let locked = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert!(locked.locked_at.is_some() && locked.locked_until.is_some());
    let log =
        t.db.read(|c| history::for_record(c, "customer_user", &user.id))
            .unwrap();
    assert!(
        log[0].fields.get("authStatus").is_some(),
        "the lock is in History"
    );

    // The right password does not get through a lock, and learns when it ends.
    let o = sign_in(
        &t.db,
        "lock@example.com",
        GOOD,
        start + Duration::minutes(30),
    );
    assert_eq!(o.reason, Some(Refusal::Locked));
    assert!(o.locked_until.is_some());
    // After the lockout time (60 minutes) it does.
    let o = sign_in(
        &t.db,
        "lock@example.com",
        GOOD,
        start + Duration::minutes(70),
    );
    assert!(o.success, "{o:?}");
    assert_eq!(status(&t.db, &user.id), AuthStatus::Active);

    // Lockout time 0: locked until an admin unlocks. (Another user, with failures in the
    // recent past, as unlocking happens at the real time.)
    settings::set(&t.db, &admin(), "lockoutTimeMinutes", &json!(0)).unwrap();
    let user = create(&t.db, "lock2@example.com", json!({"confirmed": true})).unwrap();
    let earlier = Utc::now() - Duration::minutes(10);
    for i in 0..10 {
        sign_in(
            &t.db,
            "lock2@example.com",
            "Wrong1234",
            earlier + Duration::seconds(i),
        );
    }
    let o = sign_in(
        &t.db,
        "lock2@example.com",
        GOOD,
        earlier + Duration::days(30),
    );
    assert_eq!((o.reason, o.locked_until), (Some(Refusal::Locked), None));
    let unlocked = account::unlock(&t.db, &admin(), &user.id).unwrap();
    assert_eq!(unlocked.auth_status, AuthStatus::Active);
    assert_eq!(unlocked.locked_at, None);
    assert!(unlocked.has_password, "unlocking does not force a reset");
    // The counter starts again: the ten failures of ten minutes ago, inside the hour's
    // window, no longer count, so nine more do not lock.
    for i in 0..9 {
        let o = sign_in(
            &t.db,
            "lock2@example.com",
            "Wrong1234",
            Utc::now() + Duration::seconds(i),
        );
        assert_eq!(o.reason, Some(Refusal::BadCredentials));
    }
    assert_eq!(
        account::unlock(&t.db, &admin(), &user.id).unwrap_err().code,
        ErrorCode::Conflict
    );
}

#[test]
fn a_lock_keeps_a_requested_reset_and_unlocking_puts_it_back() {
    let t = store(0);
    settings::set(&t.db, &admin(), "lockoutMaxAttempts", &json!(2)).unwrap();
    let user = create(&t.db, "both@example.com", json!({"confirmed": true})).unwrap();
    account::reset_password(&t.db, &admin(), &user.id).unwrap();
    let now = Utc::now();
    sign_in(&t.db, "both@example.com", "Wrong1234", now);
    sign_in(&t.db, "both@example.com", "Wrong1234", now);
    assert_eq!(status(&t.db, &user.id), AuthStatus::Locked);
    assert_eq!(
        account::unlock(&t.db, &admin(), &user.id)
            .unwrap()
            .auth_status,
        AuthStatus::Reset
    );
}

#[test]
fn passwords_follow_the_policy_settings_history_and_maximum_age() {
    let t = store(0);
    let user = create(&t.db, "pw@example.com", json!({"confirmed": true})).unwrap();

    settings::set(&t.db, &admin(), "passwordSpecialChars", &json!(true)).unwrap();
    settings::set(&t.db, &admin(), "passwordMinLength", &json!(12)).unwrap();
    let err = account::set_password(&t.db, &admin(), &user.id, "Secret1234").unwrap_err();
    assert_eq!(
        err.fields[0].message,
        "The password must be at least 12 characters long and include a special character."
    );
    let err = update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"password": "Secret1234", "passwordConfirm": "Secret1234"}),
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "password");
    settings::set(&t.db, &admin(), "passwordSpecialChars", &json!(false)).unwrap();
    settings::set(&t.db, &admin(), "passwordMinLength", &json!(8)).unwrap();

    // History off (the default): an old password may come back.
    account::set_password(&t.db, &admin(), &user.id, "Second123").unwrap();
    account::set_password(&t.db, &admin(), &user.id, GOOD).unwrap();
    settings::set(&t.db, &admin(), "passwordHistoryEnabled", &json!(true)).unwrap();
    settings::set(&t.db, &admin(), "passwordHistoryCount", &json!(2)).unwrap();
    let err = account::set_password(&t.db, &admin(), &user.id, GOOD).unwrap_err();
    assert!(
        err.fields[0].message.contains("last 2 passwords"),
        "{}",
        err.fields[0].message
    );
    assert!(account::set_password(&t.db, &admin(), &user.id, "Second123").is_err());
    account::set_password(&t.db, &admin(), &user.id, "Third1234").unwrap();
    // Three passwords on, the first is allowed again with a history of two.
    account::set_password(&t.db, &admin(), &user.id, "Second123").unwrap();

    // Maximum age: off by default; on, an old password turns Expired and is refused.
    let in_40_days = Utc::now() + Duration::days(40);
    assert_eq!(account::expire_passwords_at(&t.db, in_40_days).unwrap(), 0);
    settings::set(&t.db, &admin(), "passwordMaxAgeEnabled", &json!(true)).unwrap();
    let o = sign_in(&t.db, "pw@example.com", "Second123", in_40_days);
    assert_eq!(o.reason, Some(Refusal::PasswordExpired));
    assert_eq!(status(&t.db, &user.id), AuthStatus::Expired);
    let renewed = account::set_password(&t.db, &admin(), &user.id, "Fourth123").unwrap();
    assert_eq!(renewed.auth_status, AuthStatus::Active);
}

/// One step of a sign-in scenario: minutes after the previous step, right password or not.
#[derive(Debug, Clone)]
struct Step {
    after_minutes: i64,
    right: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        prop_oneof![0i64..5, 5i64..40, 40i64..200],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(after_minutes, right)| Step {
            after_minutes,
            right,
        })
}

/// What the lockout rules say should happen, written plainly: failures since the last
/// success or unlock, within the interval, lock for the lockout time once they reach max.
struct Model {
    max: usize,
    interval: Duration,
    lock_time: Duration,
    failures: Vec<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
}

impl Model {
    fn attempt(&mut self, at: DateTime<Utc>, right: bool) -> Option<Refusal> {
        if let Some(until) = self.locked_until {
            if at < until {
                // Only the right password learns of the lock.
                return Some(if right {
                    Refusal::Locked
                } else {
                    Refusal::BadCredentials
                });
            }
            self.locked_until = None;
            self.failures.clear();
        }
        if right {
            self.failures.clear();
            return None;
        }
        self.failures.push(at);
        let recent = self
            .failures
            .iter()
            .filter(|f| **f > at - self.interval)
            .count();
        if recent >= self.max {
            self.locked_until = Some(at + self.lock_time);
        }
        Some(Refusal::BadCredentials)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_lockout_window_matches_the_rules(
        max in 1usize..5,
        interval in 1i64..90,
        lock_time in 1i64..90,
        steps in prop::collection::vec(step(), 1..16),
    ) {
        let t = store(0);
        settings::set(&t.db, &admin(), "lockoutMaxAttempts", &json!(max)).unwrap();
        settings::set(&t.db, &admin(), "lockoutIntervalMinutes", &json!(interval)).unwrap();
        settings::set(&t.db, &admin(), "lockoutTimeMinutes", &json!(lock_time)).unwrap();
        let user = create(&t.db, "p@example.com", json!({"confirmed": true})).unwrap();
        let mut model = Model {
            max,
            interval: Duration::minutes(interval),
            lock_time: Duration::minutes(lock_time),
            failures: vec![],
            locked_until: None,
        };
        let mut at = Utc::now();
        for (i, s) in steps.iter().enumerate() {
            at += Duration::minutes(s.after_minutes) + Duration::milliseconds(1);
            let expected = model.attempt(at, s.right);
            let got = sign_in(&t.db, "p@example.com", if s.right { GOOD } else { "Wrong1234" }, at);
            prop_assert_eq!(got.reason, expected, "step {} of {:?}", i, steps);
            let locked = model.locked_until.is_some_and(|until| at < until);
            prop_assert_eq!(status(&t.db, &user.id) == AuthStatus::Locked, locked, "step {} of {:?}", i, steps);
        }
    }
}

/// A refused sign-in, as the caller sees it.
fn answer(o: &Outcome) -> String {
    serde_json::to_string(o).unwrap()
}

#[test]
fn refusals_tell_nobody_who_has_an_account_or_what_state_it_is_in() {
    let t = store(0);
    let now = Utc::now();
    settings::set(&t.db, &admin(), "lockoutMaxAttempts", &json!(3)).unwrap();
    create(&t.db, "active@example.com", json!({"confirmed": true})).unwrap();
    create(
        &t.db,
        "off@example.com",
        json!({"confirmed": true, "enabled": false}),
    )
    .unwrap();
    create(&t.db, "unconfirmed@example.com", json!({})).unwrap();
    let locked = create(&t.db, "locked@example.com", json!({"confirmed": true})).unwrap();
    for i in 0..3 {
        sign_in(
            &t.db,
            "locked@example.com",
            "Wrong1234",
            now + Duration::seconds(i),
        );
    }
    assert_eq!(status(&t.db, &locked.id), AuthStatus::Locked);
    // Imported without a password: they set one through a link.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("no-password.csv");
    std::fs::write(
        &file,
        "First Name,Last Name,Email Address,Customer Name,Roles 1 Role,Enabled,Confirmed\n\
         Nora,Nopass,nopass@example.com,Acme Corporation,ROLE_FRONTEND_BUYER,1,1\n",
    )
    .unwrap();
    import_file(&t.db, ImportKind::CustomerUsers, &file).unwrap();

    let later = now + Duration::minutes(1);
    let unknown = answer(&sign_in(&t.db, "nobody@example.com", "Wrong1234", later));
    for email in [
        "active@example.com",
        "off@example.com",
        "unconfirmed@example.com",
        "locked@example.com",
        "nopass@example.com",
    ] {
        for password in ["Wrong1234", GOOD] {
            if password == GOOD && email != "nopass@example.com" {
                continue;
            }
            let got = answer(&sign_in(&t.db, email, password, later));
            assert_eq!(got, unknown, "{email} with {password}");
        }
    }
    // Unknown e-mails are never locked, however often they are tried; known ones are, and
    // still answer as unknown ones do.
    for i in 0..5 {
        let at = later + Duration::seconds(i);
        assert_eq!(
            answer(&sign_in(&t.db, "nobody@example.com", "x", at)),
            unknown
        );
        assert_eq!(
            answer(&sign_in(&t.db, "active@example.com", "x", at)),
            unknown
        );
    }
    // The right password, and only it, learns the account's state.
    let reason = |email: &str| sign_in(&t.db, email, GOOD, later + Duration::minutes(1)).reason;
    assert_eq!(reason("off@example.com"), Some(Refusal::Disabled));
    assert_eq!(
        reason("unconfirmed@example.com"),
        Some(Refusal::Unconfirmed)
    );
    assert_eq!(reason("locked@example.com"), Some(Refusal::Locked));
    assert_eq!(reason("active@example.com"), Some(Refusal::Locked));
    // The log keeps who was tried, for the admin.
    let tried = auth::attempts(
        &t.db,
        &AttemptQuery {
            user: Some("nopass@example.com".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(tried[0].customer_user_id.is_some());
}

#[test]
fn what_a_caller_sends_is_logged_capped_and_without_control_characters() {
    let t = store(0);
    let attempt = SignIn {
        email: "nobody@example.com\u{1b}[2J".into(),
        password: "x".into(),
        source: Some("storefront\u{202e}".into()),
        ip: Some("203.0.113.7\n".into()),
        user_agent: Some(format!("Evil\u{0}{}", "A".repeat(10_000))),
    };
    let outcome = auth::check_at(&t.db, &attempt, Utc::now()).unwrap();
    assert_eq!(outcome.reason, Some(Refusal::BadCredentials));
    let logged = auth::attempts(&t.db, &AttemptQuery::default()).unwrap();
    let a = &logged[0];
    assert_eq!(a.username, "nobody@example.com\u{fffd}[2J");
    assert_eq!(a.source, "storefront\u{fffd}");
    assert_eq!(a.ip.as_deref(), Some("203.0.113.7\u{fffd}"));
    let ua = a.user_agent.as_deref().unwrap();
    assert!(
        ua.starts_with("Evil\u{fffd}AAA") && ua.chars().count() == 512,
        "{}",
        ua.len()
    );
}
