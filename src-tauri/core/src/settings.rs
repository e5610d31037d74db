//! Settings an admin can change, with Oro's defaults. Stored as JSON values in `setting`;
//! an absent key has its default. Secrets (the SMTP password) are never settings: they
//! live in the OS keychain (`secrets`).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};
use ts_rs::TS;

use crate::actor::Actor;
use crate::password::Policy;
use crate::store::clocks_with;
use crate::{CoreError, Database, Result};

#[derive(Debug, Clone, Copy)]
enum Kind {
    Bool,
    /// A whole number in `min..=max`.
    Int(i64, i64),
    /// One line of free text of at most this many characters.
    Line(usize),
    /// An e-mail address, as strict as a customer user's.
    Email,
    /// A host name or IP address (or nothing: not configured).
    Host,
    /// A PEM file of certificates (or nothing).
    PemFile,
    /// One of the listed words.
    Choice(&'static [&'static str]),
}

struct Spec {
    key: &'static str,
    label: &'static str,
    kind: Kind,
    default: fn() -> Value,
}

const SPECS: &[Spec] = &[
    Spec {
        key: "confirmationRequired",
        label: "Confirmation Required",
        kind: Kind::Bool,
        default: || json!(true),
    },
    Spec {
        key: "resetLinkTtl",
        label: "Reset Link Lifetime (seconds)",
        kind: Kind::Int(60, 31_536_000),
        default: || json!(86_400),
    },
    Spec {
        key: "confirmationLinkTtl",
        label: "Confirmation Link Lifetime (seconds)",
        kind: Kind::Int(60, 31_536_000),
        default: || json!(604_800),
    },
    Spec {
        key: "lookalikeEmails",
        label: "E-mail addresses that mix scripts (a Cyrillic \u{430} among Latin letters)",
        kind: Kind::Choice(&["refuse", "warn"]),
        default: || json!("refuse"),
    },
    Spec {
        key: "quickActionsDisplay",
        label: "Quick actions open their form (in place, in a dialog, in a new window)",
        kind: Kind::Choice(&["in_place", "dialog", "window"]),
        default: || json!("dialog"),
    },
    Spec {
        key: "passwordMinLength",
        label: "Minimal Password Length",
        kind: Kind::Int(1, 128),
        default: || json!(8),
    },
    Spec {
        key: "passwordLowerCase",
        label: "Require a lower case letter",
        kind: Kind::Bool,
        default: || json!(true),
    },
    Spec {
        key: "passwordUpperCase",
        label: "Require an upper case letter",
        kind: Kind::Bool,
        default: || json!(true),
    },
    Spec {
        key: "passwordNumbers",
        label: "Require a number",
        kind: Kind::Bool,
        default: || json!(true),
    },
    Spec {
        key: "passwordSpecialChars",
        label: "Require a special character",
        kind: Kind::Bool,
        default: || json!(false),
    },
    Spec {
        key: "passwordHistoryEnabled",
        label: "Enable Password History Policy",
        kind: Kind::Bool,
        default: || json!(false),
    },
    Spec {
        key: "passwordHistoryCount",
        label: "Enforce Password History",
        kind: Kind::Int(1, 100),
        default: || json!(12),
    },
    Spec {
        key: "passwordMaxAgeEnabled",
        label: "Enable Password Change Policy",
        kind: Kind::Bool,
        default: || json!(false),
    },
    Spec {
        key: "passwordMaxAgeDays",
        label: "Maximum Password Age (Days)",
        kind: Kind::Int(1, 3650),
        default: || json!(30),
    },
    Spec {
        key: "lockoutEnabled",
        label: "Enable Failed Logins Limit",
        kind: Kind::Bool,
        default: || json!(true),
    },
    Spec {
        key: "lockoutMaxAttempts",
        label: "Max Login Attempts",
        kind: Kind::Int(1, 1000),
        default: || json!(10),
    },
    Spec {
        key: "lockoutIntervalMinutes",
        label: "Login Failure Lockout Interval (minutes, 0 = count all)",
        kind: Kind::Int(0, 525_600),
        default: || json!(60),
    },
    Spec {
        key: "lockoutTimeMinutes",
        label: "Account Lockout Time (minutes, 0 = until unlocked)",
        kind: Kind::Int(0, 525_600),
        default: || json!(60),
    },
    Spec {
        key: "smtpHost",
        label: "SMTP Host",
        kind: Kind::Host,
        default: || json!(""),
    },
    Spec {
        key: "smtpPort",
        label: "SMTP Port",
        kind: Kind::Int(1, 65_535),
        default: || json!(587),
    },
    Spec {
        key: "smtpEncryption",
        label: "SMTP Encryption",
        kind: Kind::Choice(&["starttls", "tls", "none"]),
        default: || json!("starttls"),
    },
    Spec {
        key: "smtpCaFile",
        label: "SMTP CA Certificate (PEM file, besides the system's)",
        kind: Kind::PemFile,
        default: || json!(""),
    },
    Spec {
        key: "smtpUsername",
        label: "SMTP Username",
        kind: Kind::Line(255),
        default: || json!(""),
    },
    Spec {
        key: "emailFrom",
        label: "Sender Email",
        kind: Kind::Email,
        default: || json!("no-reply@example.com"),
    },
    Spec {
        key: "emailFromName",
        label: "Sender Name",
        kind: Kind::Line(255),
        default: || json!("Customer Users"),
    },
    Spec {
        key: "outboxMaxAttempts",
        label: "Delivery attempts before a message fails",
        kind: Kind::Int(1, 50),
        default: || json!(5),
    },
];

/// One setting as the Settings screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Setting {
    pub key: String,
    pub label: String,
    #[ts(type = "boolean | number | string")]
    pub value: Value,
    #[ts(type = "boolean | number | string")]
    pub default: Value,
    /// `bool`, `int`, `text` or `choice`.
    pub kind: String,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub choices: Vec<String>,
}

fn spec(key: &str) -> Result<&'static Spec> {
    SPECS.iter().find(|s| s.key == key).ok_or_else(|| {
        CoreError::field(
            "key",
            format!(
                "There is no setting \"{key}\". Settings: {}.",
                SPECS.iter().map(|s| s.key).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// Every setting with its current value.
pub fn list(db: &Database) -> Result<Vec<Setting>> {
    db.read(|conn| {
        SPECS
            .iter()
            .map(|s| {
                let (kind, min, max, choices) = match s.kind {
                    Kind::Bool => ("bool", None, None, vec![]),
                    Kind::Int(min, max) => ("int", Some(min), Some(max), vec![]),
                    Kind::Line(_) | Kind::Email | Kind::Host | Kind::PemFile => {
                        ("text", None, None, vec![])
                    }
                    Kind::Choice(c) => (
                        "choice",
                        None,
                        None,
                        c.iter().map(|s| s.to_string()).collect(),
                    ),
                };
                Ok(Setting {
                    key: s.key.into(),
                    label: s.label.into(),
                    value: value(conn, s.key)?,
                    default: (s.default)(),
                    kind: kind.into(),
                    min,
                    max,
                    choices,
                })
            })
            .collect()
    })
}

/// The current value of `key`.
pub fn value(conn: &Connection, key: &str) -> Result<Value> {
    let spec = spec(key)?;
    let stored: Option<String> = conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(spec.default))
}

pub fn bool(conn: &Connection, key: &str) -> Result<bool> {
    Ok(value(conn, key)?.as_bool().unwrap_or(false))
}

pub fn int(conn: &Connection, key: &str) -> Result<i64> {
    Ok(value(conn, key)?.as_i64().unwrap_or(0))
}

pub fn text(conn: &Connection, key: &str) -> Result<String> {
    Ok(value(conn, key)?.as_str().unwrap_or_default().to_string())
}

/// Whether the setting is the team's, synced to every desktop: the account policies, the
/// sender and the outbox's retries are; the SMTP relay (`smtp*`) is each desktop's own, as
/// its password in the keychain is.
pub fn is_team(key: &str) -> bool {
    !key.starts_with("smtp")
}

/// Sets `key` after checking the value fits it. Text given for a number or a flag (the
/// CLI's `settings set KEY VALUE`) is read as one.
pub fn set(db: &Database, actor: &Actor, key: &str, raw: &Value) -> Result<Setting> {
    let spec = spec(key)?;
    let value = coerce(spec, raw).map_err(|message| CoreError::field(key, message))?;
    db.write(actor, |tx| {
        use crate::back_office::capability::{require, Capability};
        require(tx, Capability::ManageSettings)?;
        let (old, clocks): (Value, String) = tx
            .query_row(
                "SELECT value, field_hlc FROM setting WHERE key = ?1",
                [key],
                |r| Ok((r.get::<_, String>(0)?, r.get(1)?)),
            )
            .optional()?
            .map(|(v, c)| (serde_json::from_str(&v).unwrap_or(Value::Null), c))
            .unwrap_or_else(|| ((spec.default)(), "{}".into()));
        if old == value {
            return Ok(());
        }
        let mut fields = serde_json::Map::new();
        fields.insert("value".into(), json!([old, value]));
        let hlc = tx.tick();
        tx.execute(
            "INSERT INTO setting (key, value, field_hlc) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, field_hlc = excluded.field_hlc",
            [key, &value.to_string(), &clocks_with(&clocks, &fields, &hlc)],
        )?;
        tx.record("setting", key, "update", &fields, &hlc)
    })?;
    list(db)?
        .into_iter()
        .find(|s| s.key == key)
        .ok_or_else(|| CoreError::internal("setting vanished"))
}

fn coerce(spec: &Spec, raw: &Value) -> std::result::Result<Value, String> {
    let text = raw.as_str().map(str::trim);
    match spec.kind {
        Kind::Bool => match (raw, text) {
            (Value::Bool(b), _) => Ok(json!(b)),
            (_, Some("true" | "1" | "yes" | "on")) => Ok(json!(true)),
            (_, Some("false" | "0" | "no" | "off")) => Ok(json!(false)),
            _ => Err("This value should be true or false.".into()),
        },
        Kind::Int(min, max) => {
            let n = raw
                .as_i64()
                .or_else(|| text.and_then(|t| t.parse().ok()))
                .ok_or("This value should be a whole number.")?;
            if (min..=max).contains(&n) {
                Ok(json!(n))
            } else {
                Err(format!("This value should be between {min} and {max}."))
            }
        }
        Kind::Line(max) => {
            let t = text.ok_or("This value should be text.")?;
            match crate::rules::check_text(t, max) {
                Some(problem) => Err(problem),
                None => Ok(json!(t)),
            }
        }
        Kind::Email => {
            let t = text.ok_or("This value should be text.")?;
            match crate::rules::check_email(t) {
                Some(problem) => Err(problem),
                None => Ok(json!(t)),
            }
        }
        Kind::Host => {
            let t = text.ok_or("This value should be text.")?;
            if t.is_empty() || is_host(t) {
                Ok(json!(t))
            } else {
                Err("This value should be a host name or an IP address.".into())
            }
        }
        Kind::PemFile => {
            let t = text.ok_or("This value should be text.")?;
            if !t.is_empty() {
                check_pem_file(t)?;
            }
            Ok(json!(t))
        }
        Kind::Choice(choices) => match text {
            Some(t) if choices.contains(&t) => Ok(json!(t)),
            _ => Err(format!(
                "This value should be one of: {}.",
                choices.join(", ")
            )),
        },
    }
}

/// A DNS name or an IP address (`[…]` around IPv6 is optional).
fn is_host(text: &str) -> bool {
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    text.len() <= 253
        && text.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The largest CA file read: a bundle of every public root is about 200 KiB.
const MAX_PEM_BYTES: u64 = 4 << 20;

/// A readable PEM file holding at least one certificate.
fn check_pem_file(path: &str) -> std::result::Result<(), String> {
    let cannot = |e: std::io::Error| format!("Cannot read \"{path}\": {e}");
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() || meta.len() > MAX_PEM_BYTES {
        return Err(format!(
            "\"{path}\" should be a PEM file of certificates (at most 4 MiB)."
        ));
    }
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    match (
        text.find("-----BEGIN CERTIFICATE-----"),
        text.rfind("-----END CERTIFICATE-----"),
    ) {
        (Some(begin), Some(end)) if begin < end => Ok(()),
        _ => Err(format!("\"{path}\" holds no PEM certificate.")),
    }
}

/// The password policy now in force.
pub fn password_policy(conn: &Connection) -> Result<Policy> {
    Ok(Policy {
        min_length: int(conn, "passwordMinLength")? as usize,
        lower_case: bool(conn, "passwordLowerCase")?,
        upper_case: bool(conn, "passwordUpperCase")?,
        numbers: bool(conn, "passwordNumbers")?,
        special_chars: bool(conn, "passwordSpecialChars")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actor::admin;

    #[test]
    fn defaults_are_oros_and_values_are_checked_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
        let policy = db.read(|c| password_policy(c)).unwrap();
        assert_eq!(policy.min_length, 8);
        assert!(policy.lower_case && policy.upper_case && policy.numbers && !policy.special_chars);
        assert_eq!(db.read(|c| int(c, "lockoutMaxAttempts")).unwrap(), 10);
        assert_eq!(db.read(|c| int(c, "resetLinkTtl")).unwrap(), 86_400);

        assert_eq!(
            set(&db, &admin(), "lockoutMaxAttempts", &json!("3"))
                .unwrap()
                .value,
            json!(3)
        );
        assert_eq!(
            set(&db, &admin(), "passwordSpecialChars", &json!("on"))
                .unwrap()
                .value,
            json!(true)
        );
        let err = set(&db, &admin(), "lockoutMaxAttempts", &json!(0)).unwrap_err();
        assert_eq!(err.fields[0].field, "lockoutMaxAttempts");
        assert_eq!(
            err.fields[0].message,
            "This value should be between 1 and 1000."
        );
        let err = set(&db, &admin(), "smtpEncryption", &json!("ssl")).unwrap_err();
        assert_eq!(
            err.fields[0].message,
            "This value should be one of: starttls, tls, none."
        );
        assert!(set(&db, &admin(), "smtpPassword", &json!("x"))
            .unwrap_err()
            .message
            .contains("no setting"));

        let reopened = Database::open(db.path()).unwrap();
        assert_eq!(reopened.read(|c| int(c, "lockoutMaxAttempts")).unwrap(), 3);
        assert!(reopened.read(|c| password_policy(c)).unwrap().special_chars);
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,40}".prop_map(Value::from),
            "[ -~\r\n\t\u{0}\u{202e}]{0,20}".prop_map(Value::from),
            Just(Value::from("/dev/zero")),
            Just(Value::from("::1")),
        ];
        leaf.prop_recursive(2, 8, 4, |inner| {
            prop::collection::vec(inner, 0..3).prop_map(Value::from)
        })
    }

    proptest::proptest! {
        /// Whatever value any setting is given, it is kept as given or refused with an error
        /// naming the setting, and the mailer built from the settings then either exists or
        /// names what to fix: nothing panics.
        #[test]
        fn every_setting_keeps_or_refuses_any_value_by_name(
            which in 0..SPECS.len(),
            raw in any_json(),
        ) {
            static DB: std::sync::LazyLock<(tempfile::TempDir, Database)> =
                std::sync::LazyLock::new(|| {
                    let dir = tempfile::tempdir().unwrap();
                    let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
                    (dir, db)
                });
            let db = &DB.1;
            let key = SPECS[which].key;
            match set(db, &admin(), key, &raw) {
                Ok(setting) => {
                    let stored = db.read(|c| value(c, key)).unwrap();
                    proptest::prop_assert_eq!(&stored, &setting.value);
                    proptest::prop_assert!(coerce(&SPECS[which], &stored).is_ok());
                }
                Err(e) => proptest::prop_assert_eq!(e.fields[0].field.as_str(), key),
            }
            if let Err(e) = db.read(|c| crate::mail::smtp::Mailer::from_settings(c, || Ok(None))) {
                proptest::prop_assert!(!e.fields.is_empty(), "{:?}", e);
            }
        }
    }
}
