//! An update of a customer user as a typed patch: only the keys to change, `null` to clear.
//! A key that is not a writable field is refused by name before anything is read.

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use ts_rs::TS;

use super::address::AddressInput;
use super::field::{FIELDS, INPUT_ONLY};
use super::input::CustomerUserInput;
use crate::error::parse_json;
use crate::reference::CustomerInput;
use crate::{CoreError, FieldError, Result};

/// `Some(None)` for an explicit `null`, `None` for a key left out.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct CustomerUserPatch {
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub name_prefix: Option<Option<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub middle_name: Option<Option<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub name_suffix: Option<Option<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub birthday: Option<Option<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub confirmed: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub is_guest: Option<bool>,
    /// Another existing customer (id, or in the CLI its exact name).
    #[serde(default)]
    #[ts(optional)]
    pub customer: Option<String>,
    /// A customer to create and move the user to, in the same transaction.
    #[serde(default)]
    #[ts(optional)]
    pub new_customer: Option<CustomerInput>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub sales_representatives: Option<Option<Vec<String>>>,
    #[serde(default)]
    #[ts(optional)]
    pub password: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub password_confirm: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub generate_password: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub preferred_localization: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[ts(optional = nullable)]
    pub owner: Option<Option<String>>,
    #[serde(default)]
    #[ts(optional)]
    pub user_roles: Option<Vec<String>>,
    /// The full list; addresses left out are removed.
    #[serde(default)]
    #[ts(optional)]
    pub addresses: Option<Vec<AddressInput>>,
    /// Only the organization's fields to change, by name; `null` clears one.
    #[serde(default)]
    #[ts(optional)]
    pub extra: Option<serde_json::Map<String, Value>>,
}

impl CustomerUserPatch {
    /// Parses a JSON object of the fields to change, refusing the first key that is not a
    /// writable field (by name) and naming a value of the wrong type.
    pub fn from_json(value: &Value) -> Result<Self> {
        let Value::Object(keys) = value else {
            return Err(CoreError::invalid_input(
                "An update must be a JSON object of the fields to change.",
            ));
        };
        let writable = |key: &str| {
            INPUT_ONLY.contains(&key) || FIELDS.iter().any(|d| d.writable && d.api == key)
        };
        if let Some(key) = keys.keys().find(|k| !writable(k)) {
            return Err(CoreError {
                fields: vec![FieldError {
                    field: key.clone(),
                    message: "This field cannot be written.".into(),
                }],
                ..CoreError::invalid_input(format!("{key}: this field cannot be written."))
            });
        }
        parse_json(value.clone())
    }

    /// `input` with this patch's changes.
    pub fn apply(self, mut input: CustomerUserInput) -> CustomerUserInput {
        fn set<T>(to: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *to = v;
            }
        }
        set(&mut input.name_prefix, self.name_prefix);
        set(&mut input.first_name, self.first_name);
        set(&mut input.middle_name, self.middle_name);
        set(&mut input.last_name, self.last_name);
        set(&mut input.name_suffix, self.name_suffix);
        set(&mut input.email, self.email);
        set(&mut input.birthday, self.birthday);
        set(&mut input.enabled, self.enabled.map(Some));
        set(&mut input.confirmed, self.confirmed.map(Some));
        set(&mut input.is_guest, self.is_guest.map(Some));
        set(&mut input.customer, self.customer.map(Some));
        if self.new_customer.is_some() {
            input.customer = None;
            input.new_customer = self.new_customer;
        }
        set(&mut input.sales_representatives, self.sales_representatives);
        input.password = self.password;
        input.password_confirm = self.password_confirm;
        input.generate_password = self.generate_password;
        set(&mut input.website, self.website);
        set(
            &mut input.preferred_localization,
            self.preferred_localization,
        );
        set(&mut input.owner, self.owner);
        set(&mut input.user_roles, self.user_roles.map(Some));
        set(&mut input.addresses, self.addresses.map(Some));
        if let Some(changes) = self.extra {
            let values = input.extra.get_or_insert_with(Default::default);
            for (name, value) in changes {
                values.insert(name, value);
            }
        }
        input
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_null_clears_and_a_missing_key_keeps() {
        let base = CustomerUserInput {
            name_prefix: Some("Dr.".into()),
            middle_name: Some("Q".into()),
            first_name: "Ann".into(),
            ..CustomerUserInput::default()
        };
        let patch = CustomerUserPatch::from_json(&json!({ "namePrefix": null, "lastName": "Lee" }))
            .unwrap();
        let after = patch.apply(base);
        assert_eq!(after.name_prefix, None);
        assert_eq!(after.middle_name.as_deref(), Some("Q"));
        assert_eq!(
            (after.first_name.as_str(), after.last_name.as_str()),
            ("Ann", "Lee")
        );
    }

    #[test]
    fn a_field_that_cannot_be_written_is_refused_by_name() {
        for key in ["loginCount", "id", "sendWelcomeEmail", "nickname"] {
            let err = CustomerUserPatch::from_json(&json!({ key: 1 })).unwrap_err();
            assert_eq!(err.fields[0].field, key);
            assert_eq!(err.message, format!("{key}: this field cannot be written."));
        }
        let err = CustomerUserPatch::from_json(&json!({ "enabled": "yes" })).unwrap_err();
        assert_eq!(err.fields[0].field, "enabled");
    }
}
