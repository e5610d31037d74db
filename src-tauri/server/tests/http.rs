//! The real server process on loopback, through a real HTTP client: signing in, tokens that
//! expire, refresh and rotate, pushes and pulls, and every kind of bad request answered with
//! its status and a clear message, changing nothing.

mod common;

use std::time::Duration;

use common::{add_admin, add_admin_with, Running};
use cu_sync::wire::{self, PullResponse, PushResponse};
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};

const PASSWORD: &str = "Correct horse 1";

struct Team {
    _dir: tempfile::TempDir,
    server: Running,
    http: Client,
}

impl Team {
    fn new(extra: &[&str]) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.sqlite3");
        add_admin(&db, "ann@example.com", PASSWORD);
        add_admin(&db, "bob@example.com", PASSWORD);
        Team {
            server: Running::start(&db, extra),
            _dir: dir,
            http: Client::new(),
        }
    }

    fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.http.post(self.server.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().unwrap()
    }

    fn get(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.server.url(path))
            .bearer_auth(token)
            .send()
            .unwrap()
    }

    /// Signs in and returns (access, refresh).
    fn sign_in(&self, email: &str, client: &str) -> (String, String) {
        let answer = self.post(
            "/v1/session",
            None,
            &json!({"email": email, "password": PASSWORD, "clientId": client}),
        );
        assert_eq!(answer.status(), 200);
        let body: Value = answer.json().unwrap();
        (
            body["accessToken"].as_str().unwrap().to_string(),
            body["refreshToken"].as_str().unwrap().to_string(),
        )
    }
}

/// The status and the body of an answer.
fn said(answer: Response) -> (u16, Value) {
    let status = answer.status().as_u16();
    (status, answer.json().unwrap_or(Value::Null))
}

fn mutation(seq: u64, id: &str, email: &str) -> Value {
    let hlc = format!("{:013}-00000-desk", chrono::Utc::now().timestamp_millis());
    json!({
        "seq": seq,
        "entity": "customer_user",
        "entityId": id,
        "fields": {
            "email": {"value": email, "hlc": hlc},
            "firstName": {"value": "Ann", "hlc": hlc},
        },
    })
}

#[test]
fn a_sign_in_gives_tokens_that_refresh_rotate_and_end_when_copied() {
    let team = Team::new(&[]);
    for (email, password) in [
        ("ann@example.com", "wrong password"),
        ("nobody@example.com", PASSWORD),
    ] {
        let (status, body) = said(team.post(
            "/v1/session",
            None,
            &json!({"email": email, "password": password, "clientId": "desk"}),
        ));
        assert_eq!(status, 401);
        // The same words whether or not the e-mail has an account.
        assert_eq!(
            body["message"],
            "The e-mail or the password is wrong, or the account is disabled."
        );
    }
    let (access, refresh) = team.sign_in("ann@example.com", "desk");
    assert_eq!(team.get("/v1/sync/pull", &access).status(), 200);

    let (status, rotated) = said(team.post(
        "/v1/session/refresh",
        None,
        &json!({"refreshToken": refresh}),
    ));
    assert_eq!(status, 200);
    let new_refresh = rotated["refreshToken"].as_str().unwrap();
    assert_ne!(new_refresh, refresh);
    let new_access = rotated["accessToken"].as_str().unwrap();
    assert_eq!(team.get("/v1/sync/pull", new_access).status(), 200);
    assert_eq!(
        team.get("/v1/sync/pull", &access).status(),
        401,
        "the replaced access token stops working"
    );

    // The old refresh token again: someone has a copy, so the whole session ends.
    let (status, body) = said(team.post(
        "/v1/session/refresh",
        None,
        &json!({"refreshToken": refresh}),
    ));
    assert_eq!(status, 401);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("used from somewhere else"));
    assert_eq!(team.get("/v1/sync/pull", new_access).status(), 401);
    let (status, _) = said(team.post(
        "/v1/session/refresh",
        None,
        &json!({"refreshToken": new_refresh}),
    ));
    assert_eq!(status, 401);

    // Signing out ends the session.
    let (access, _) = team.sign_in("ann@example.com", "desk");
    let out = team
        .http
        .delete(team.server.url("/v1/session"))
        .bearer_auth(&access)
        .send()
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(team.get("/v1/sync/pull", &access).status(), 401);
}

#[test]
fn an_expired_access_token_is_refused_and_a_refresh_goes_on() {
    let team = Team::new(&["--access-ttl-secs", "1"]);
    let (access, refresh) = team.sign_in("ann@example.com", "desk");
    assert_eq!(team.get("/v1/sync/pull", &access).status(), 200);
    // The token lasts one second: ask until the server says it has expired.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let (status, body) = loop {
        let (status, body) = said(team.get("/v1/sync/pull", &access));
        if status != 200 || std::time::Instant::now() > deadline {
            break (status, body);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("expired"));
    let (status, rotated) = said(team.post(
        "/v1/session/refresh",
        None,
        &json!({"refreshToken": refresh}),
    ));
    assert_eq!(status, 200);
    assert_eq!(
        team.get("/v1/sync/pull", rotated["accessToken"].as_str().unwrap())
            .status(),
        200
    );
}

#[test]
fn a_disabled_admin_is_signed_out_everywhere_and_sign_ins_are_limited() {
    let team = Team::new(&[]);
    let (access, refresh) = team.sign_in("bob@example.com", "desk");
    let db = team._dir.path().join("server.sqlite3");
    let disabled = std::process::Command::new(common::BIN)
        .arg("--db")
        .arg(&db)
        .args(["admin", "disable", "bob@example.com"])
        .output()
        .unwrap();
    assert!(disabled.status.success());
    assert_eq!(team.get("/v1/sync/pull", &access).status(), 401);
    let (status, _) = said(team.post(
        "/v1/session/refresh",
        None,
        &json!({"refreshToken": refresh}),
    ));
    assert_eq!(status, 401);

    let wrong = json!({"email": "ann@example.com", "password": "guess", "clientId": "desk"});
    for _ in 0..10 {
        assert_eq!(team.post("/v1/session", None, &wrong).status(), 401);
    }
    let (status, body) = said(team.post("/v1/session", None, &wrong));
    assert_eq!(status, 429);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("Too many failed sign-ins"));
}

#[test]
fn pushes_and_pulls_travel_over_http_and_pages_come_whole() {
    let team = Team::new(&[]);
    let (access, _) = team.sign_in("ann@example.com", "desk");
    let empty: PullResponse = team.get("/v1/sync/pull", &access).json().unwrap();
    assert!(empty.rows.is_empty() && !empty.has_more);
    assert_eq!(empty.checksum, wire::checksum(&[]));

    let mutations: Vec<Value> = (1..=7)
        .map(|i| mutation(i, &format!("u{i}"), &format!("u{i}@example.com")))
        .collect();
    let (status, body) = said(team.post(
        "/v1/sync/push",
        Some(&access),
        &json!({"clientId": "desk", "mutations": mutations}),
    ));
    assert_eq!(status, 200, "{body}");
    let answer: PushResponse = serde_json::from_value(body).unwrap();
    assert_eq!((answer.acked_seq, answer.rejected.len()), (7, 0));

    for limit in [1, 7, 3, 100] {
        let (mut cursor, mut seen, mut pages) = (0, Vec::new(), 0);
        loop {
            let page: PullResponse = team
                .get(
                    &format!("/v1/sync/pull?cursor={cursor}&limit={limit}"),
                    &access,
                )
                .json()
                .unwrap();
            assert_eq!(page.checksum, wire::checksum(&page.rows));
            seen.extend(page.rows.iter().map(|r| r.entity_id.clone()));
            cursor = page.next_cursor;
            pages += 1;
            if !page.has_more {
                break;
            }
        }
        assert_eq!(seen.len(), 7, "limit {limit}");
        assert_eq!(pages, 7usize.div_ceil(limit), "limit {limit}");
    }
}

#[test]
fn every_bad_request_gets_its_status_and_changes_nothing() {
    let team = Team::new(&[]);
    let (access, _) = team.sign_in("ann@example.com", "desk");
    let push = |body: &Value| said(team.post("/v1/sync/push", Some(&access), body));

    let no_token = said(team.post("/v1/sync/push", None, &json!({})));
    assert_eq!(no_token.0, 401);

    let as_another =
        push(&json!({"clientId": "other", "mutations": [mutation(1, "u1", "a@example.com")]}));
    assert_eq!(as_another.0, 403, "{}", as_another.1);

    let malformed = team
        .http
        .post(team.server.url("/v1/sync/push"))
        .bearer_auth(&access)
        .header("content-type", "application/json")
        .body("{\"clientId\": ")
        .send()
        .unwrap();
    assert_eq!(malformed.status(), 400);

    let unknown_field = push(&json!({"clientId": "desk", "mutations": [], "admin": true}));
    assert_eq!(unknown_field.0, 422);
    assert!(unknown_field.1["message"]
        .as_str()
        .unwrap()
        .contains("admin"));

    let wrong_type = push(&json!({"clientId": "desk", "mutations": [{"seq": "one"}]}));
    assert_eq!(wrong_type.0, 422);

    let huge = "x".repeat(9 * 1024 * 1024);
    let too_large = push(&json!({"clientId": "desk", "mutations": [mutation(1, "u1", &huge)]}));
    assert_eq!(too_large.0, 413);
    assert!(too_large.1["message"]
        .as_str()
        .unwrap()
        .contains("larger than the server takes"));

    let too_many: Vec<Value> = (1..=501)
        .map(|i| mutation(i, &format!("u{i}"), "x@example.com"))
        .collect();
    let batch = push(&json!({"clientId": "desk", "mutations": too_many}));
    assert_eq!(batch.0, 400);
    assert_eq!(batch.1["field"], "mutations");

    let gap = push(&json!({"clientId": "desk", "mutations": [mutation(2, "u2", "b@example.com")]}));
    assert_eq!(gap.0, 409);
    assert!(gap.1["message"].as_str().unwrap().contains("send from #1"));

    let zero_page = said(team.get("/v1/sync/pull?limit=0", &access));
    assert_eq!(zero_page.0, 400);
    let bad_cursor = said(team.get("/v1/sync/pull?cursor=-1", &access));
    assert_eq!(bad_cursor.0, 400);
    let no_kind = said(team.get("/v1/sync/snapshot", &access));
    assert_eq!(
        no_kind.0, 400,
        "a snapshot names the kind of records: {}",
        no_kind.1
    );
    let bad_kind = said(team.get("/v1/sync/snapshot?entity=invoice", &access));
    assert_eq!(
        (bad_kind.0, bad_kind.1["field"].as_str()),
        (400, Some("entity"))
    );
    let zero_snapshot = said(team.get("/v1/sync/snapshot?entity=customer_user&limit=0", &access));
    assert_eq!(zero_snapshot.0, 400);

    let page: PullResponse = team.get("/v1/sync/pull", &access).json().unwrap();
    assert!(page.rows.is_empty(), "no bad request changed anything");

    let unknown = push(&json!({"clientId": "desk", "mutations": [
        {"seq": 1, "entity": "invoice", "entityId": "i1", "fields": {}},
        mutation(2, "u2", "b@example.com"),
    ]}));
    assert_eq!(unknown.0, 200);
    assert_eq!(unknown.1["ackedSeq"], 2);
    assert_eq!(unknown.1["rejected"][0]["seq"], 1);
    let page: PullResponse = team.get("/v1/sync/pull", &access).json().unwrap();
    assert_eq!(page.rows.len(), 1, "the rest of the batch applies");
    assert_eq!(
        said(team.get("/v1/sync/record/customer_user/nobody", &access)).0,
        404
    );
}

#[test]
fn two_admins_giving_one_email_to_two_users_see_the_second_refused_alone() {
    let team = Team::new(&[]);
    let (ann, _) = team.sign_in("ann@example.com", "ann-desk");
    let (bob, _) = team.sign_in("bob@example.com", "bob-desk");
    let first = said(team.post(
        "/v1/sync/push",
        Some(&ann),
        &json!({"clientId": "ann-desk", "mutations": [mutation(1, "u1", "Same@Example.com")]}),
    ));
    assert_eq!(first.1["rejected"], json!([]));
    let second = said(team.post(
        "/v1/sync/push",
        Some(&bob),
        &json!({"clientId": "bob-desk", "mutations": [
            mutation(1, "u2", "same@example.com"),
            mutation(2, "u3", "other@example.com"),
        ]}),
    ));
    assert_eq!(second.0, 200);
    assert_eq!(
        second.1["rejected"],
        json!([{"seq": 1, "field": "email", "message": "This email is already used."}])
    );
    let page: PullResponse = team.get("/v1/sync/pull", &bob).json().unwrap();
    let ids: Vec<&str> = page.rows.iter().map(|r| r.entity_id.as_str()).collect();
    assert_eq!(ids, ["u1", "u3"]);
    // The answer was lost and Bob's desktop sends the batch again: the refusal comes again.
    let replay = said(team.post(
        "/v1/sync/push",
        Some(&bob),
        &json!({"clientId": "bob-desk", "mutations": [
            mutation(1, "u2", "same@example.com"),
            mutation(2, "u3", "other@example.com"),
        ]}),
    ));
    assert_eq!(
        replay.1["rejected"][0]["message"],
        "This email is already used."
    );
}

#[test]
fn two_server_processes_over_one_postgresql_behave_as_one() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cluster = common::postgres::start();
    let url = cluster.url();
    add_admin_with(&["--database", &url], "ann@example.com", PASSWORD);
    let dir = tempfile::tempdir().unwrap();
    let unused = dir.path().join("unused.sqlite3");
    let first = Running::start(&unused, &["--database", &url]);
    let second = Running::start(&unused, &["--database", &url]);
    let http = Client::new();
    let health: Value = http
        .get(second.url("/health"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["store"], "postgresql");

    // Signed in through one process, the tokens work on the other: no state in memory.
    let tokens: Value = http
        .post(first.url("/v1/session"))
        .json(&json!({"email": "ann@example.com", "password": PASSWORD, "clientId": "desk"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let access = tokens["accessToken"].as_str().unwrap().to_string();
    let rotated: Value = http
        .post(second.url("/v1/session/refresh"))
        .json(&json!({"refreshToken": tokens["refreshToken"]}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(rotated["accessToken"].is_string(), "{rotated}");
    let access_b = rotated["accessToken"].as_str().unwrap().to_string();
    assert_eq!(
        http.get(first.url("/v1/sync/pull"))
            .bearer_auth(&access)
            .send()
            .unwrap()
            .status(),
        401,
        "the refresh on the second process ended the first token everywhere"
    );

    // Two desktops push at once, each through its own process.
    let second_tokens: Value = http
        .post(second.url("/v1/session"))
        .json(&json!({"email": "ann@example.com", "password": PASSWORD, "clientId": "laptop"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let access_laptop = second_tokens["accessToken"].as_str().unwrap().to_string();
    std::thread::scope(|s| {
        for (server, token, client) in [
            (&first, &access_b, "desk"),
            (&second, &access_laptop, "laptop"),
        ] {
            let http = http.clone();
            s.spawn(move || {
                for batch in 0..20u64 {
                    let mutations: Vec<Value> = (1..=10)
                        .map(|i| {
                            let seq = batch * 10 + i;
                            mutation(
                                seq,
                                &format!("{client}-{seq}"),
                                &format!("{client}{seq}@example.com"),
                            )
                        })
                        .collect();
                    let answer = http
                        .post(server.url("/v1/sync/push"))
                        .bearer_auth(token)
                        .json(&json!({"clientId": client, "mutations": mutations}))
                        .send()
                        .unwrap();
                    assert_eq!(answer.status(), 200);
                }
            });
        }
    });
    for server in [&first, &second] {
        let (mut cursor, mut versions, mut ids) =
            (0, Vec::new(), std::collections::BTreeSet::new());
        loop {
            let page: PullResponse = http
                .get(server.url(&format!("/v1/sync/pull?cursor={cursor}&limit=77")))
                .bearer_auth(&access_laptop)
                .send()
                .unwrap()
                .json()
                .unwrap();
            assert_eq!(page.checksum, wire::checksum(&page.rows));
            versions.extend(page.rows.iter().map(|r| r.version));
            ids.extend(page.rows.iter().map(|r| r.entity_id.clone()));
            cursor = page.next_cursor;
            if !page.has_more {
                break;
            }
        }
        assert_eq!(ids.len(), 400, "every record, once");
        assert_eq!(
            versions,
            (1..=400).collect::<Vec<u64>>(),
            "one version per commit, none skipped"
        );
    }
}

#[test]
fn the_server_builds_a_store_image_once_the_team_changes_and_sends_it_whole() {
    let team = Team::new(&["--image-every-secs", "1"]);
    let (access, _) = team.sign_in("ann@example.com", "desk");
    assert_eq!(
        team.http
            .get(team.server.url("/v1/sync/image"))
            .send()
            .unwrap()
            .status(),
        401
    );
    let (status, body) = said(team.get("/v1/sync/image", &access));
    assert_eq!(status, 404, "no image while the team has nothing: {body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("read the records instead"));

    let mutations: Vec<Value> = (1..=3)
        .map(|i| mutation(i, &format!("u{i}"), &format!("u{i}@example.com")))
        .collect();
    let pushed = team.post(
        "/v1/sync/push",
        Some(&access),
        &json!({"clientId": "desk", "mutations": mutations}),
    );
    assert_eq!(pushed.status(), 200);
    // The background build runs within a second or two of the change.
    let info: wire::ImageInfo = (0..100)
        .find_map(|attempt| {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
            let answer = team.get("/v1/sync/image", &access);
            (answer.status() == 200).then(|| answer.json().unwrap())
        })
        .expect("an image within 20 s");
    assert_eq!((info.version, info.records), (3, 3), "{info:?}");

    let file = team.get(&format!("/v1/sync/image/{}", info.version), &access);
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().unwrap();
    assert_eq!(bytes.len() as u64, info.bytes);
    use sha2::Digest;
    assert_eq!(wire::hex(&sha2::Sha256::digest(&bytes)), info.sha256);
    assert!(bytes.starts_with(b"SQLite format 3\0"));

    let (status, _) = said(team.get("/v1/sync/image/2", &access));
    assert_eq!(status, 404, "only the newest image is sent");
}
