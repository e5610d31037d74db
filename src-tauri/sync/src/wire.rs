//! What travels between a desktop and the server (`docs/sync.md`): pushes of the client's
//! outbox, and pages of the server's changes after a cursor, each page with a checksum.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::merge::Fields;

/// The record types that sync, each after those it refers to (the order a desktop writes
/// them in). A customer user's addresses, roles, sales representatives and values of the
/// organization's own fields travel as fields of the user.
pub const ENTITIES: &[&str] = &[
    "localization",
    "app_role",
    "app_user",
    "customer",
    "customer_user_role",
    "website",
    "setting",
    "email_template",
    "consent",
    "customer_user_field",
    "customer_user",
    "consent_acceptance",
    "customer_user_note",
    "customer_user_event",
    "request_for_quote",
    "quote",
    "sales_order",
    "shopping_list",
    "change_log",
];

/// One change of the client's outbox: the fields one local write set, with their clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mutation {
    /// The client's own sequence, one more for each change it makes: the server skips those
    /// it has seen, so a replayed or duplicated batch changes nothing.
    pub seq: u64,
    pub entity: String,
    pub entity_id: String,
    pub fields: Fields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushRequest {
    pub client_id: String,
    /// Oldest first.
    pub mutations: Vec<Mutation>,
}

/// A change the server would not apply, and why, in the words of the rule (Oro's where it has
/// one: "This email is already used.").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rejected {
    pub seq: u64,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushResponse {
    /// Every mutation up to this one is settled: applied, superseded or rejected.
    pub acked_seq: u64,
    pub rejected: Vec<Rejected>,
}

/// One record as the server holds it after the commit that gave it `version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Row {
    pub version: u64,
    pub entity: String,
    pub entity_id: String,
    pub fields: Fields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullResponse {
    /// Rows with a version above the request's cursor, in version order.
    pub rows: Vec<Row>,
    /// The cursor to ask from next: the last row's version, or the request's when none.
    pub next_cursor: u64,
    pub has_more: bool,
    /// [`checksum`] of `rows`: a client that computes another has received something else.
    pub checksum: String,
}

/// A page of the team's records of one kind, in id order: how a desktop that has nothing of
/// the team yet starts (its cursor is 0). Reading by kind lets it write the records each kind
/// refers to first, and a kind it holds none of in bulk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotResponse {
    /// Records after the request's id, in id order, each in its latest state.
    pub rows: Vec<Row>,
    /// The team's version, read before the rows: every commit up to it is in this page or
    /// an earlier one's reach, so a desktop that pulls after its first page's version once
    /// the snapshot is done misses nothing.
    pub version: u64,
    pub has_more: bool,
    /// [`checksum`] of `rows`.
    pub checksum: String,
}

/// A ready-made desktop store holding the team's records at `version` (`docs/sync.md`,
/// "Starting from a store image"): a new desktop downloads it instead of writing a million
/// records one by one, then pulls after `version` as after a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageInfo {
    /// The team's version the image was read at: every commit up to it is in the image.
    pub version: u64,
    /// How many records it holds.
    pub records: u64,
    /// The store's schema (its latest migration): a desktop of another schema cannot use it.
    pub schema: i64,
    /// The file's size and SHA-256 (hex), checked by the desktop after the download.
    pub bytes: u64,
    pub sha256: String,
}

/// A digest of a page's rows in their order (SHA-256 of their JSON, hex): both ends compute it,
/// so a page changed on the way, or a server and a client that disagree, is caught.
pub fn checksum(rows: &[Row]) -> String {
    let mut hasher = Sha256::new();
    for row in rows {
        // A row's JSON is canonical: fields are a sorted map, values serde_json's own.
        hasher.update(serde_json::to_vec(row).unwrap_or_default());
        hasher.update(b"\n");
    }
    hex(&hasher.finalize())
}

/// A digest in lowercase hex, as checksums travel.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merge::Versioned;

    fn row(version: u64, name: &str) -> Row {
        Row {
            version,
            entity: "customer_user".into(),
            entity_id: "u1".into(),
            fields: Fields::from([(
                "firstName".to_string(),
                Versioned {
                    value: name.into(),
                    hlc: "0000000000010-00000-a".into(),
                },
            )]),
        }
    }

    #[test]
    fn the_checksum_changes_with_any_row_and_with_their_order() {
        let page = vec![row(1, "Ann"), row(2, "Bob")];
        assert_eq!(checksum(&page), checksum(&page.clone()));
        assert_ne!(checksum(&page), checksum(&[row(1, "Ann"), row(2, "Bib")]));
        assert_ne!(checksum(&page), checksum(&[row(2, "Bob"), row(1, "Ann")]));
        assert_ne!(checksum(&page), checksum(&page[..1]));
        assert_eq!(checksum(&[]).len(), 64);
    }

    #[test]
    fn a_push_with_an_unknown_key_is_refused_by_name() {
        let err = serde_json::from_str::<PushRequest>(
            r#"{"clientId": "c", "mutations": [], "admin": true}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `admin`"), "{err}");
    }
}
