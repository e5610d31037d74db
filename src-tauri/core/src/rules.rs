//! Field rules and their messages, worded as Oro's validators word them.

use chrono::NaiveDate;

pub const NOT_BLANK: &str = "This value should not be blank.";
pub const INVALID_EMAIL: &str = "This value is not a valid email address.";
pub const EMAIL_USED: &str = "This email is already used.";
pub const USERNAME_USED: &str = "This username is already used.";
pub const BIRTHDAY_IN_FUTURE: &str = "The birth date cannot be in the future.";
pub const INVALID_DATE: &str = "This value is not a valid date.";
pub const ROLE_REQUIRED: &str =
    "Please select at least one role before you enable the customer user.";
pub const PASSWORDS_DIFFER: &str = "The password fields must match.";
pub const INVALID_COUNTRY: &str = "This value is not a valid country.";

pub fn too_long(max: usize) -> String {
    format!("This value is too long. It should have {max} characters or less.")
}

pub fn too_short(min: usize) -> String {
    format!("This value is too short. It should have {min} characters or more.")
}

/// Oro's rule for email: not blank, 6–255 characters, strict format. `None` when valid.
pub fn check_email(email: &str) -> Option<String> {
    let len = email.chars().count();
    if email.trim().is_empty() {
        Some(NOT_BLANK.into())
    } else if !is_strict_email(email) {
        Some(INVALID_EMAIL.into())
    } else if len < 6 {
        Some(too_short(6))
    } else if len > 255 {
        Some(too_long(255))
    } else {
        None
    }
}

/// RFC 5322 addr-spec without comments or quoted local parts, and a dotted domain: what
/// Symfony's strict mode accepts for real-world addresses.
fn is_strict_email(email: &str) -> bool {
    let Ok(parsed) = email.parse::<email_address::EmailAddress>() else {
        return false;
    };
    let domain = parsed.domain();
    parsed.as_str() == email
        && !parsed.local_part().starts_with('"')
        && domain.contains('.')
        && !domain.starts_with('[')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// A birthday as `YYYY-MM-DD`, not after `today`.
pub fn check_birthday(value: &str, today: NaiveDate) -> Result<NaiveDate, &'static str> {
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| INVALID_DATE)?;
    if date > today {
        Err(BIRTHDAY_IN_FUTURE)
    } else {
        Ok(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules_match_oro() {
        assert_eq!(check_email("jane.doe@example.com"), None);
        assert_eq!(check_email("a@b.co"), None);
        assert_eq!(check_email(""), Some(NOT_BLANK.into()));
        assert_eq!(check_email("not-an-email"), Some(INVALID_EMAIL.into()));
        assert_eq!(check_email("jane@localhost"), Some(INVALID_EMAIL.into()));
        assert_eq!(
            check_email("jane doe@example.com"),
            Some(INVALID_EMAIL.into())
        );
        assert_eq!(check_email("a@b.c"), Some(too_short(6)));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            check_email(&long),
            Some(INVALID_EMAIL.into()).or(Some(too_long(255)))
        );
    }

    #[test]
    fn birthday_cannot_be_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(check_birthday("2026-11-23", today).is_ok());
        assert_eq!(check_birthday("2026-11-24", today), Err(BIRTHDAY_IN_FUTURE));
        assert_eq!(check_birthday("23/11/2026", today), Err(INVALID_DATE));
    }
}
