//! The demo data a newcomer sees on first launch.

mod common;

use common::count;
use cu_core::{demo, Database};

#[test]
fn demo_users_who_signed_in_show_a_login_count_and_the_others_neither() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("demo.sqlite3")).unwrap();
    assert!(demo::seed_demo_if_empty(&db).unwrap());
    assert!(!demo::seed_demo_if_empty(&db).unwrap(), "seeds only once");

    assert_eq!(
        count(&db, "SELECT count(*) FROM customer_user"),
        demo::DEMO_USERS as i64
    );
    let signed_in = count(
        &db,
        "SELECT count(*) FROM customer_user WHERE last_login IS NOT NULL",
    );
    assert!(signed_in > 0, "some demo users have signed in");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM customer_user WHERE (last_login IS NULL) <> (login_count = 0)"
        ),
        0,
        "a Last Login comes with a Login Count, and a Login Count with a Last Login"
    );
}
