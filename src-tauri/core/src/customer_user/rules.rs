//! The customer user's rules, as pure functions of values already looked up: the form, the
//! CLI and the CSV import all ask these, and only name the field their own way (the API name,
//! or the CSV header).

use super::field::Field;
use crate::reference::RoleRef;
use crate::rules::{self, NOT_BLANK};

pub const WEBSITE_OF_OTHER_ORGANIZATION: &str =
    "The website belongs to another organization than the customer.";

/// The name parts' problems: first and last name given, no part over 255 characters or
/// holding control or direction characters.
/// Values are as the caller will store them (trimmed, `None` for a part left out).
pub fn name_problems(parts: [(Field, Option<&str>); 5], mut problem: impl FnMut(Field, String)) {
    for (field, value) in parts {
        let required = matches!(field, Field::FirstName | Field::LastName);
        match value {
            Some("") | None if required => problem(field, NOT_BLANK.into()),
            Some(v) => {
                if let Some(message) = rules::check_text(v, 255) {
                    problem(field, message);
                }
            }
            None => {}
        }
    }
}

/// The name parts in the order [`name_problems`] takes them.
pub fn name_parts<'a>(
    prefix: Option<&'a str>,
    first: &'a str,
    middle: Option<&'a str>,
    last: &'a str,
    suffix: Option<&'a str>,
) -> [(Field, Option<&'a str>); 5] {
    [
        (Field::NamePrefix, prefix),
        (Field::FirstName, Some(first)),
        (Field::MiddleName, middle),
        (Field::LastName, Some(last)),
        (Field::NameSuffix, suffix),
    ]
}

/// An address that mixes scripts is refused when the settings say so (`refuse`) and the
/// address is new to the user (`stored`: the address they have now), so a user already
/// holding one can still be edited; otherwise the user's page shows the warning.
pub fn lookalike_refusal(email: &str, stored: Option<&str>, refuse: bool) -> Option<String> {
    if !refuse || stored.is_some_and(|s| s.eq_ignore_ascii_case(email)) {
        return None;
    }
    rules::lookalike_problem(email)
}

/// Whether the settings refuse addresses that mix scripts (else they are kept, with a warning).
pub fn refuses_lookalikes(conn: &rusqlite::Connection) -> crate::Result<bool> {
    Ok(crate::settings::text(conn, "lookalikeEmails")? == "refuse")
}

/// A website must belong to the customer's organization.
pub fn website_problem(website_organization: &str, organization: &str) -> Option<&'static str> {
    (website_organization != organization).then_some(WEBSITE_OF_OTHER_ORGANIZATION)
}

/// A role of one customer is offered only to that customer's users (`customer`: the user's
/// customer, `None` while it is being created).
pub fn role_problem(role: &RoleRef, customer: Option<&str>) -> Option<String> {
    role.customer_id
        .as_deref()
        .is_some_and(|own| Some(own) != customer)
        .then(|| {
            format!(
                "Role \"{}\" is not available for the selected customer.",
                role.label
            )
        })
}

/// An enabled user needs a role. `holder`: the name of a user who has roles now, for
/// Oro's "You cannot remove last role from …" when the change takes them all away.
pub fn roles_problem(enabled: bool, has_roles: bool, holder: Option<&str>) -> Option<String> {
    (enabled && !has_roles).then(|| match holder {
        Some(name) => rules::last_role(name),
        None => rules::ROLE_REQUIRED.to_string(),
    })
}

/// Who else holds a registered user's e-mail in their organization.
pub enum EmailHolder {
    Nobody,
    /// A user in the store.
    Stored,
    /// A user an earlier row of the same import file added or changed.
    EarlierRow,
}

/// The e-mail rule's answer, and whether it names the field: Oro's form and its import name
/// "Email Address" for a stored holder, and its import does not for an earlier row's.
pub fn email_taken(holder: EmailHolder) -> Option<(&'static str, bool)> {
    match holder {
        EmailHolder::Nobody => None,
        EmailHolder::Stored => Some((rules::EMAIL_USED, true)),
        EmailHolder::EarlierRow => Some((rules::EMAIL_USED, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(parts: [(Field, Option<&str>); 5]) -> Vec<(Field, String)> {
        let mut out = Vec::new();
        name_problems(parts, |f, m| out.push((f, m)));
        out
    }

    #[test]
    fn names_need_a_first_and_last_part_of_at_most_255_characters() {
        assert!(problems(name_parts(None, "Ann", None, "Lee", None)).is_empty());
        assert_eq!(
            problems(name_parts(None, "", None, "Lee", None)),
            [(Field::FirstName, NOT_BLANK.to_string())]
        );
        let long = "x".repeat(256);
        assert_eq!(
            problems(name_parts(Some(&long), "Ann", None, "Lee", None)),
            [(Field::NamePrefix, rules::too_long(255))]
        );
    }

    #[test]
    fn a_customers_own_role_is_offered_to_its_users_only() {
        let role = RoleRef {
            id: "r".into(),
            role: "ROLE_FRONTEND_X".into(),
            label: "X".into(),
            customer_id: Some("c1".into()),
        };
        assert_eq!(role_problem(&role, Some("c1")), None);
        assert!(role_problem(&role, Some("c2")).is_some());
        assert!(role_problem(&role, None).is_some());
        let shared = RoleRef {
            customer_id: None,
            ..role
        };
        assert_eq!(role_problem(&shared, None), None);
    }
}
