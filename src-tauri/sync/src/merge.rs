//! The field-level last-writer-wins merge, the same function on the desktop and the server.
//!
//! A record is a map of fields, each a value with the HLC of the write that set it; a delete
//! is the field `deleted` set to `true` (a restore sets it back), so it merges like any other.
//! Merging takes, field by field, the value with the greater HLC. Two writes never share an
//! HLC (the node id is in it); should two values come with one anyway (a corrupt replica), the
//! greater value wins, so the merge stays a function of its inputs and not of their order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The field that marks a record deleted.
pub const DELETED: &str = "deleted";

/// One field's value and the HLC of the write that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versioned {
    pub value: Value,
    pub hlc: String,
}

/// A record's fields by name.
pub type Fields = BTreeMap<String, Versioned>;

/// Whether `incoming` replaces `stored` (strictly later; ties settled by value).
pub fn wins(incoming: &Versioned, stored: &Versioned) -> bool {
    match incoming.hlc.cmp(&stored.hlc) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            // JSON text gives values an order of their own, the same on every replica.
            let (incoming, stored) = (incoming.value.to_string(), stored.value.to_string());
            incoming > stored
        }
    }
}

/// The two states merged: every field of either, each at its later write.
pub fn merge(a: &Fields, b: &Fields) -> Fields {
    let mut merged = a.clone();
    apply(&mut merged, b);
    merged
}

/// A field of an incoming change that lost to a later write already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    pub field: String,
    pub incoming: Versioned,
    /// What stays: the later write.
    pub kept: Versioned,
}

/// Merges `incoming` into `stored`; returns the incoming fields that lost (an equal write,
/// seen again, is not a loss).
pub fn apply(stored: &mut Fields, incoming: &Fields) -> Vec<Lost> {
    let mut lost = Vec::new();
    for (field, new) in incoming {
        match stored.get(field) {
            Some(old) if old == new => {}
            Some(old) if !wins(new, old) => lost.push(Lost {
                field: field.clone(),
                incoming: new.clone(),
                kept: old.clone(),
            }),
            _ => {
                stored.insert(field.clone(), new.clone());
            }
        }
    }
    lost
}

/// A record's state as a delete leaves it: only `deleted`, stamped `hlc`.
pub fn deleted(hlc: String) -> Fields {
    Fields::from([(
        DELETED.to_string(),
        Versioned {
            value: Value::Bool(true),
            hlc,
        },
    )])
}

/// Whether the merged state says the record is deleted.
pub fn is_deleted(fields: &Fields) -> bool {
    fields
        .get(DELETED)
        .is_some_and(|d| d.value == Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(value: Value, ms: i64, node: &str) -> Versioned {
        Versioned {
            value,
            hlc: format!("{ms:013}-00000-{node}"),
        }
    }

    #[test]
    fn edits_to_different_fields_both_survive_and_the_later_write_of_one_field_wins() {
        let mut a = Fields::new();
        a.insert("firstName".into(), at("Ann".into(), 10, "a"));
        a.insert("enabled".into(), at(true.into(), 10, "a"));
        let mut b = Fields::new();
        b.insert("enabled".into(), at(false.into(), 20, "b"));
        b.insert("lastName".into(), at("Lee".into(), 5, "b"));
        let mut c = Fields::new();
        c.insert("firstName".into(), at("Anne".into(), 30, "c"));
        let merged = merge(&merge(&a, &b), &c);
        assert_eq!(merged["firstName"].value, "Anne");
        assert_eq!(merged["enabled"].value, false);
        assert_eq!(merged["lastName"].value, "Lee");

        let mut stored = merged.clone();
        let late = Fields::from([("firstName".to_string(), at("Old".into(), 15, "a"))]);
        let lost = apply(&mut stored, &late);
        assert_eq!(lost.len(), 1);
        assert_eq!(lost[0].kept.value, "Anne");
        assert_eq!(stored, merged, "a losing write changes nothing");
        assert!(
            apply(&mut stored, &c).is_empty(),
            "a write seen again is not a loss"
        );
    }

    #[test]
    fn a_delete_and_a_restore_are_decided_by_their_clocks() {
        let deleted = Fields::from([(DELETED.to_string(), at(true.into(), 20, "a"))]);
        let restored = Fields::from([(DELETED.to_string(), at(false.into(), 30, "b"))]);
        assert!(is_deleted(&deleted));
        assert!(!is_deleted(&merge(&deleted, &restored)));
        assert!(!is_deleted(&merge(&restored, &deleted)));
        let stale_restore = Fields::from([(DELETED.to_string(), at(false.into(), 10, "b"))]);
        assert!(is_deleted(&merge(&stale_restore, &deleted)));
    }

    /// States over a few fields (the tombstone among them), values and clocks drawn from
    /// small sets so that fields collide, clocks tie and values differ at one clock.
    fn fields() -> impl Strategy<Value = Fields> {
        let name = prop_oneof![
            Just("firstName".to_string()),
            Just("email".to_string()),
            Just(DELETED.to_string()),
        ];
        let value = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (0i64..3).prop_map(Value::from),
            "[ab]{0,2}".prop_map(Value::from),
        ];
        let versioned = (value, 0i64..4, prop_oneof![Just("a"), Just("b")])
            .prop_map(|(value, ms, node)| at(value, ms, node));
        prop::collection::btree_map(name, versioned, 0..4)
    }

    proptest! {
        #[test]
        fn merge_is_commutative(a in fields(), b in fields()) {
            prop_assert_eq!(merge(&a, &b), merge(&b, &a));
        }

        #[test]
        fn merge_is_associative(a in fields(), b in fields(), c in fields()) {
            prop_assert_eq!(merge(&merge(&a, &b), &c), merge(&a, &merge(&b, &c)));
        }

        #[test]
        fn merge_is_idempotent(a in fields(), b in fields()) {
            prop_assert_eq!(merge(&a, &a), a.clone());
            let once = merge(&a, &b);
            prop_assert_eq!(merge(&once, &b), once);
        }

        /// Applying changes in any order, each any number of times, gives one state, and
        /// every field of it is the greatest write of that field seen.
        #[test]
        fn any_delivery_order_converges_on_the_latest_writes(
            changes in prop::collection::vec(fields(), 1..6),
            order in prop::collection::vec(any::<prop::sample::Index>(), 1..12),
        ) {
            let mut in_order = Fields::new();
            for c in &changes {
                apply(&mut in_order, c);
            }
            let mut shuffled = Fields::new();
            for i in &order {
                apply(&mut shuffled, i.get(&changes));
            }
            for c in &changes {
                apply(&mut shuffled, c);
            }
            prop_assert_eq!(&shuffled, &in_order);
            for c in &changes {
                for (field, v) in c {
                    prop_assert!(!wins(v, &in_order[field]) , "{} lost its latest write", field);
                }
            }
        }
    }
}
