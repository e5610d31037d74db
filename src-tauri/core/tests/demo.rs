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

#[test]
fn demo_roles_show_predefined_and_customer_roles_and_admins_who_may_do_different_things() {
    use cu_core::back_office::{self, capability::Capability};
    use cu_core::role::{self, permission::Action, permission::Entity, permission::Level};
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("demo.sqlite3")).unwrap();
    demo::seed_demo_if_empty(&db).unwrap();
    let roles = db.read(|c| role::list(c, &Default::default())).unwrap();
    let customer_roles: Vec<&str> = roles
        .iter()
        .filter(|r| !r.predefined && r.users > 0)
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(customer_roles, ["Acme Purchaser", "Globex User Manager"]);
    let buyer = roles
        .iter()
        .find(|r| r.role == "ROLE_FRONTEND_BUYER")
        .unwrap();
    assert_eq!(
        role::permission::level(&buyer.permissions, Entity::CustomerUser, Action::View),
        Level::Department
    );
    let admins = db.read(|c| back_office::list(c)).unwrap();
    let can_reset: Vec<bool> = admins
        .iter()
        .map(|a| a.capabilities.contains(&Capability::ResetPasswords))
        .collect();
    assert!(
        can_reset.contains(&true) && can_reset.contains(&false),
        "{admins:?}"
    );
}
