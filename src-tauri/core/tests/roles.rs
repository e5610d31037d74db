//! Customer user roles: the role form's rules, the Roles grid, the last-role rule through
//! every path, effective permissions, delegation in the store, and what each back-office
//! role may do.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use cu_core::actor::{Actor, Via};
use cu_core::back_office::capability::Capability as BackOffice;
use cu_core::back_office::role::{self as back_office_role, BackOfficeRoleInput};
use cu_core::back_office::{self, BackOfficeUserInput};
use cu_core::csv::export::Query;
use cu_core::csv::import::{ImportKind, ImportMode};
use cu_core::grid::{self, GridQuery};
use cu_core::out_file::Target;
use cu_core::role::delegation::{self, Delegated};
use cu_core::role::permission::{Action, Capability, Entity, Level, RawPermissions};
use cu_core::role::write::{self as role_write, RoleInput};
use cu_core::role::{self, RoleQuery};
use cu_core::{account, customer_user, history, ErrorCode};
use serde_json::json;

fn raw(cells: &[(&str, &str, Level)]) -> RawPermissions {
    let mut p = RawPermissions::new();
    for (entity, action, level) in cells {
        p.entry(entity.to_string())
            .or_default()
            .insert(action.to_string(), *level);
    }
    p
}

fn role_input(label: &str, customer: Option<&str>) -> RoleInput {
    RoleInput {
        label: Some(label.into()),
        customer: customer.map(str::to_string),
        ..RoleInput::default()
    }
}

#[test]
fn a_new_role_gets_a_code_from_its_label_that_never_changes() {
    let t = store(0);
    let made = role_write::create(
        &t.db,
        &admin(),
        &RoleInput {
            permissions: Some(raw(&[("order", "view", Level::Department)])),
            capabilities: Some(vec![Capability::UpdateOwnProfile]),
            ..role_input("Order desk", Some("Acme Corporation"))
        },
    )
    .unwrap();
    assert!(
        made.role.starts_with("ROLE_FRONTEND_ORDER_DESK_"),
        "{}",
        made.role
    );
    assert!(!made.predefined && !made.self_managed && made.public);
    assert_eq!(made.customer.as_ref().unwrap().name, "Acme Corporation");
    assert_eq!(made.users, 0);
    let renamed = role_write::update(
        &t.db,
        &admin(),
        &made.id,
        &RoleInput {
            label: Some("Order office".into()),
            ..RoleInput::default()
        },
    )
    .unwrap();
    assert_eq!(
        (renamed.label.as_str(), &renamed.role),
        ("Order office", &made.role)
    );
    let changes =
        t.db.read(|c| history::for_record(c, "customer_user_role", &made.id))
            .unwrap();
    assert_eq!(
        changes[0].fields["label"],
        json!(["Order desk", "Order office"])
    );
    assert_eq!(changes[1].op, "create");
}

#[test]
fn the_role_form_names_each_bad_field_with_oros_messages() {
    let t = store(0);
    let err = role_write::create(&t.db, &admin(), &role_input("Buyer", None)).unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "label".to_string(),
            "Role with this name already exists".to_string()
        )]
    );
    // The same label is free for one customer's own role.
    role_write::create(
        &t.db,
        &admin(),
        &role_input("Buyer", Some("Acme Corporation")),
    )
    .unwrap();
    let err = role_write::create(
        &t.db,
        &admin(),
        &role_input("Buyer", Some("Acme Corporation")),
    )
    .unwrap_err();
    assert_eq!(err.fields[0].message, "Role with this name already exists");
    let err = role_write::create(&t.db, &admin(), &role_input("ab", None)).unwrap_err();
    assert_eq!(
        err.fields[0].message,
        "This value is too short. It should have 3 characters or more."
    );
    let err = role_write::create(
        &t.db,
        &admin(),
        &RoleInput {
            permissions: Some(raw(&[("quote", "delete", Level::User)])),
            customer: Some("Nobody Ltd".into()),
            ..role_input("Quotes", None)
        },
    )
    .unwrap_err();
    let found = fields(&err);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&(
        "customer".to_string(),
        "Customer \"Nobody Ltd\" does not exist.".to_string()
    )));
    assert!(found
        .iter()
        .any(|(f, m)| f == "permissions.quote.delete" && m.starts_with("Quote has no Delete")));
}

#[test]
fn the_roles_grid_filters_sorts_and_counts_users() {
    let t = store(30);
    let all = t.db.read(|c| role::list(c, &RoleQuery::default())).unwrap();
    let labels: Vec<&str> = all.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Acme Purchaser",
            "Administrator",
            "Buyer",
            "Globex User Manager",
            "Non-Authenticated Visitors"
        ]
    );
    let buyer = all.iter().find(|r| r.label == "Buyer").unwrap();
    assert_eq!(
        buyer.users as i64,
        count(
            &t.db,
            "SELECT count(*) FROM customer_user_role_link WHERE role_id = '0190a000-0000-7000-8000-000000000002'"
        )
    );
    let customizable =
        t.db.read(|c| {
            role::list(
                c,
                &RoleQuery {
                    predefined: Some(false),
                    ..RoleQuery::default()
                },
            )
        })
        .unwrap();
    assert_eq!(
        customizable
            .iter()
            .map(|r| r.customer.as_ref().unwrap().name.as_str())
            .collect::<Vec<_>>(),
        ["Acme Corporation", "Globex"]
    );
    let searched =
        t.db.read(|c| {
            role::list(
                c,
                &RoleQuery {
                    q: Some("acme".into()),
                    ..RoleQuery::default()
                },
            )
        })
        .unwrap();
    assert_eq!(searched.len(), 1);
    let by_users =
        t.db.read(|c| {
            role::list(
                c,
                &RoleQuery {
                    sort: Some("users".into()),
                    desc: true,
                    ..RoleQuery::default()
                },
            )
        })
        .unwrap();
    assert!(by_users.windows(2).all(|w| w[0].users >= w[1].users));
    let err =
        t.db.read(|c| {
            role::list(
                c,
                &RoleQuery {
                    sort: Some("colour".into()),
                    ..RoleQuery::default()
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.fields[0].field, "sort");
}

#[test]
fn a_role_with_users_or_a_website_cannot_be_deleted() {
    let t = store(0);
    let made = role_write::create(
        &t.db,
        &admin(),
        &role_input("Approver", Some("Acme Corporation")),
    )
    .unwrap();
    let user = create(
        &t.db,
        "approver@example.com",
        json!({"userRoles": [made.role]}),
    )
    .unwrap();
    let err = role_write::delete(&t.db, &admin(), &made.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(
        err.message,
        "The role \"Approver\" cannot be deleted: 1 customer user still holds it. Take it from \
         them first."
    );
    let err = role_write::update(
        &t.db,
        &admin(),
        &made.id,
        &RoleInput {
            customer: Some("Globex".into()),
            ..RoleInput::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "customer");
    account::update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();
    role_write::delete(&t.db, &admin(), &made.role).unwrap();
    assert_eq!(
        t.db.read(|c| role::get(c, &made.id)).unwrap_err().code,
        ErrorCode::NotFound
    );
    let buyer_free = role_write::delete(&t.db, &admin(), "ROLE_FRONTEND_ANONYMOUS").unwrap_err();
    assert!(
        buyer_free
            .message
            .contains("gives it to new users or guests"),
        "{}",
        buyer_free.message
    );
}

#[test]
fn the_last_role_of_an_enabled_user_cannot_be_taken_away_by_the_form_or_an_import() {
    let t = store(0);
    let user = create(
        &t.db,
        "last@example.com",
        json!({"firstName": "Lena", "lastName": "Last", "userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();
    let err = account::update(&t.db, &admin(), &user.id, &json!({"userRoles": []})).unwrap_err();
    assert_eq!(
        fields(&err),
        [(
            "userRoles".to_string(),
            "You cannot remove last role from Lena Last".to_string()
        )]
    );
    // A disabled user may have none; enabling them again asks for a role.
    account::update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"enabled": false, "userRoles": []}),
    )
    .unwrap();
    let err = customer_user::write::set_enabled(&t.db, &admin(), &user.id, true).unwrap_err();
    assert_eq!(
        err.fields[0].message,
        "Please select at least one role before you enable the customer user."
    );
    account::update(
        &t.db,
        &admin(),
        &user.id,
        &json!({"enabled": true, "userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roles.csv");
    let acme = customer_id(&t.db, "Acme Corporation");
    std::fs::write(
        &file,
        format!(
            "ID,First Name,Last Name,Email Address,Customer Id,Roles 1 Role,Enabled\n\
             {},Lena,Last,last@example.com,{acme},,1\n",
            user.id
        ),
    )
    .unwrap();
    // Empty role cells keep the roles a user has (Oro's import names the roles to hold), so
    // an import can replace roles but never leave an enabled user with none.
    let report = ImportKind::CustomerUsers
        .import(
            &t.db,
            &admin(),
            &file,
            &ImportMode::AllOrNothing,
            |_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(report.errors, Vec::<String>::new());
    let kept = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert_eq!(
        kept.user_roles
            .iter()
            .map(|r| r.role.as_str())
            .collect::<Vec<_>>(),
        ["ROLE_FRONTEND_BUYER"]
    );
}

#[test]
fn moving_a_user_to_another_customer_drops_the_old_customers_roles() {
    let t = store(0);
    let acme_role = role_code(&t.db, "Acme Purchaser");
    let both = create(
        &t.db,
        "mover@example.com",
        json!({"userRoles": ["ROLE_FRONTEND_BUYER", acme_role]}),
    )
    .unwrap();
    let moved = account::update(&t.db, &admin(), &both.id, &json!({"customer": "Globex"})).unwrap();
    assert_eq!(moved.customer.name, "Globex");
    assert_eq!(
        moved
            .user_roles
            .iter()
            .map(|r| r.label.as_str())
            .collect::<Vec<_>>(),
        ["Buyer"]
    );
    let only_acme = create(
        &t.db,
        "acme.only@example.com",
        json!({"firstName": "Otto", "lastName": "Only", "userRoles": [acme_role]}),
    )
    .unwrap();
    let err = account::update(
        &t.db,
        &admin(),
        &only_acme.id,
        &json!({"customer": "Globex"}),
    )
    .unwrap_err();
    assert_eq!(err.fields[0].field, "userRoles");
    assert!(
        err.fields[0].message.starts_with(
            "Moving Otto Only away from Acme Corporation takes the roles of Acme Corporation \
             (Acme Purchaser)"
        ),
        "{}",
        err.fields[0].message
    );
}

#[test]
fn effective_permissions_add_up_with_the_roles_they_come_from() {
    let t = store(0);
    let acme_role = role_code(&t.db, "Acme Purchaser");
    let user = create(
        &t.db,
        "effective@example.com",
        json!({"userRoles": ["ROLE_FRONTEND_BUYER", acme_role]}),
    )
    .unwrap();
    let effective = t.db.read(|c| role::effective(c, &user.id)).unwrap();
    let order_view = effective
        .grants
        .iter()
        .find(|g| g.entity == Entity::Order && g.action == Action::View)
        .unwrap();
    assert_eq!(order_view.level, Level::Department);
    assert_eq!(
        order_view
            .from
            .iter()
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>(),
        ["Acme Purchaser"]
    );
    let user_view = effective
        .grants
        .iter()
        .find(|g| g.entity == Entity::CustomerUser && g.action == Action::View)
        .unwrap();
    assert_eq!(
        user_view
            .from
            .iter()
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>(),
        ["Acme Purchaser", "Buyer"]
    );
    assert_eq!(
        effective.level(Entity::CustomerUserRole, Action::View),
        Level::None
    );
    assert!(effective.has(Capability::UpdateOwnProfile));
    assert!(!effective.has(Capability::ManageCustomerUsers));
}

#[test]
fn delegation_reads_the_store_s_customer_tree_and_roles() {
    let t = store(0);
    // The generated catalog: Acme Corporation with the subsidiary Acme East, and Globex.
    let acme_east = customer_id(&t.db, "Acme East");
    let chain = t.db.read(|c| delegation::chain(c, &acme_east)).unwrap();
    assert_eq!(
        chain.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        ["Acme East", "Acme Corporation"]
    );
    let boss = create(
        &t.db,
        "boss@example.com",
        json!({"firstName": "Bo", "lastName": "Boss", "userRoles": ["ROLE_FRONTEND_ADMINISTRATOR"]}),
    )
    .unwrap();
    let buyer = create(
        &t.db,
        "buyer@example.com",
        json!({"userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();
    let east = create(
        &t.db,
        "east@example.com",
        json!({"customer": "Acme East", "userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();
    let globex = create(
        &t.db,
        "globex@example.com",
        json!({"customer": "Globex", "userRoles": ["ROLE_FRONTEND_BUYER"]}),
    )
    .unwrap();
    let can = |a: &str, b: &str, action| t.db.read(|c| delegation::can(c, a, b, action)).unwrap();
    assert_eq!(can(&boss.email, &east.email, Delegated::Disable), Ok(()));
    assert_eq!(can(&boss.email, "Acme East", Delegated::Create), Ok(()));
    assert!(can(&boss.email, &globex.email, Delegated::Edit).is_err());
    assert_eq!(
        can(&boss.email, &boss.email, Delegated::Delete),
        Err("Nobody may delete themselves.".to_string())
    );
    assert_eq!(can(&buyer.email, &boss.email, Delegated::View), Ok(()));
    assert!(can(&buyer.email, &east.email, Delegated::View).is_err());
    assert_eq!(
        can(&buyer.email, &boss.email, Delegated::Edit),
        Err(format!(
            "{} has no Edit permission on customer users.",
            buyer.full_name()
        ))
    );
    // "Update User Profile" (the Buyer has it) lets them edit their own account.
    assert_eq!(can(&buyer.email, &buyer.email, Delegated::Edit), Ok(()));
}

/// A back-office user `username` with a back-office role holding `capabilities`.
fn admin_with(t: &TestDb, username: &str, capabilities: &[BackOffice]) -> Actor {
    let role = back_office_role::create(
        &t.db,
        &admin(),
        &BackOfficeRoleInput {
            label: Some(format!("{username} role")),
            capabilities: Some(capabilities.to_vec()),
        },
    )
    .unwrap();
    back_office::create(
        &t.db,
        &admin(),
        &BackOfficeUserInput {
            username: username.into(),
            first_name: "Sam".into(),
            last_name: "Frontline".into(),
            email: format!("{username}@example.com"),
            role: Some(role.id),
        },
    )
    .unwrap();
    t.db.read(|c| Actor::back_office(c, username, Via::Cli))
        .unwrap()
}

#[test]
fn the_core_refuses_what_the_acting_admins_role_lacks() {
    let t = store(0);
    let user = create(&t.db, "guarded@example.com", json!({})).unwrap();
    let support = admin_with(
        &t,
        "support",
        &[BackOffice::Unlock, BackOffice::ManageCustomerUsers],
    );
    let err = account::reset_password(&t.db, &support, &user.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert_eq!(
        err.message,
        "support may not do this: their back-office role \"support role\" does not have \"Reset \
         passwords\"."
    );
    // Nothing was written: the user's password status is as it was.
    let after = t.db.read(|c| customer_user::get(c, &user.id)).unwrap();
    assert_eq!(after.auth_status, user.auth_status);
    account::update(&t.db, &support, &user.id, &json!({"lastName": "Edited"})).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let err = ImportKind::CustomerUsers
        .export_to_file(
            &t.db,
            &support,
            &Query::default(),
            &Target::new(&out, true),
            |_, _| {},
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(!out.exists());
    let err = role_write::create(&t.db, &support, &role_input("Sneaky", None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    let err =
        cu_core::settings::set(&t.db, &support, "confirmationRequired", &json!(false)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);

    let reader = admin_with(&t, "reader", &[]);
    let err = customer_user::write::set_enabled(&t.db, &reader, &user.id, false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
}

#[test]
fn the_built_in_administrator_stays_and_the_last_one_keeps_the_role() {
    let t = store(0);
    let roles = t.db.read(|c| back_office_role::list(c)).unwrap();
    assert!(roles[0].builtin && roles[0].capabilities.len() == BackOffice::ALL.len());
    let err = back_office_role::update(
        &t.db,
        &admin(),
        &roles[0].id,
        &BackOfficeRoleInput {
            capabilities: Some(vec![]),
            ..BackOfficeRoleInput::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    let support = back_office_role::create(
        &t.db,
        &admin(),
        &BackOfficeRoleInput {
            label: Some("Frontline".into()),
            capabilities: Some(vec![BackOffice::Unlock]),
        },
    )
    .unwrap();
    // The generated catalog's other back-office users are Administrators too; demote them.
    let others: Vec<String> =
        t.db.read(|c| back_office::list(c))
            .unwrap()
            .into_iter()
            .filter(|u| u.username != "admin")
            .map(|u| u.username)
            .collect();
    for username in &others {
        back_office::set_role(&t.db, &admin(), username, "Frontline").unwrap();
    }
    let err = back_office::set_role(&t.db, &admin(), "admin", &support.id).unwrap_err();
    assert_eq!(err.fields[0].field, "role");
    assert!(err.fields[0].message.contains("last enabled Administrator"));
    let err = back_office_role::delete(&t.db, &admin(), "Frontline").unwrap_err();
    assert!(err.message.contains("still hold"), "{}", err.message);
    let listed = t.db.read(|c| back_office::get(c, &others[0])).unwrap();
    assert_eq!(listed.role.unwrap().name, "Frontline");
    assert_eq!(listed.capabilities, [BackOffice::Unlock]);
}

#[test]
fn a_roles_new_label_reaches_its_holders_and_new_permissions_leave_their_roles_column() {
    let t = store(40);
    let roles_column = || {
        let query: GridQuery = serde_json::from_value(json!({"pageSize": 100})).unwrap();
        let page = grid::page(&t.db, &query).unwrap();
        page.rows.into_iter().map(|r| r.roles).collect::<Vec<_>>()
    };
    let before = roles_column();
    assert!(before.iter().all(|r| r.contains("Buyer")), "{before:?}");
    let buyer = role_code(&t.db, "Buyer");

    let update = |input: RoleInput| role_write::update(&t.db, &admin(), &buyer, &input).unwrap();
    update(RoleInput {
        permissions: Some(raw(&[("order", "view", Level::Department)])),
        ..RoleInput::default()
    });
    assert_eq!(roles_column(), before);

    update(role_input("Purchaser", None));
    let after = roles_column();
    assert!(
        after
            .iter()
            .all(|r| r.contains("Purchaser") && !r.contains("Buyer")),
        "{after:?}"
    );
}
