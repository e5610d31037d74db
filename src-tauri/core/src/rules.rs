//! Field rules and their messages, worded as Oro's validators word them.

use chrono::NaiveDate;

use crate::error::Violations;

pub const NOT_BLANK: &str = "This value should not be blank.";
pub const INVALID_EMAIL: &str = "This value is not a valid email address.";
pub const EMAIL_USED: &str = "This email is already used.";
/// Oro's message for a role label its organization (and customer) already have.
pub const ROLE_LABEL_USED: &str = "Role with this name already exists";
pub const USERNAME_USED: &str = "This username is already used.";
pub const BIRTHDAY_IN_FUTURE: &str = "The birth date cannot be in the future.";
pub const INVALID_DATE: &str = "This value is not a valid date.";
/// Oro's `oro.user.message.user_without_role`, with the user's name for `{{ userName }}`.
pub fn last_role(user_name: &str) -> String {
    format!("You cannot remove last role from {user_name}")
}
pub const ROLE_REQUIRED: &str =
    "Please select at least one role before you enable the customer user.";
pub const PASSWORDS_DIFFER: &str = "The password fields must match.";
pub const INVALID_COUNTRY: &str = "This value is not a valid country.";
pub const INVALID_REGION_TEXT: &str =
    "Custom region can be used only for countries without predefined regions.";

/// Oro's `RequiredRegion`, naming the country.
pub fn region_required(country: &str) -> String {
    format!("State is required for country {country}")
}

/// Oro's `ValidRegion`.
pub fn invalid_country_region(region: &str, country: &str) -> String {
    format!("Region {region} does not belong to country {country}")
}

pub const CONTROL_CHARACTERS: &str = "This value should not contain control characters.";
pub const DIRECTION_CONTROLS: &str =
    "This value should not contain characters that change the direction of text.";

/// Why `text` cannot be stored as one line of free text (a name, a label, a city): control
/// characters (NUL, line breaks, escapes) and the bidirectional embeddings, overrides and
/// isolates that make text read differently from what it holds ("Trojan Source").
/// `None` when it can.
pub fn text_problem(text: &str) -> Option<&'static str> {
    text_problem_with(text, |_| false)
}

/// [`text_problem`] for text of several lines (an e-mail body): line breaks and tabs pass.
pub fn multiline_text_problem(text: &str) -> Option<&'static str> {
    text_problem_with(text, |c| matches!(c, '\n' | '\r' | '\t'))
}

fn text_problem_with(text: &str, allowed: impl Fn(char) -> bool) -> Option<&'static str> {
    text.chars().find_map(|c| {
        if allowed(c) {
            None
        } else if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            Some(CONTROL_CHARACTERS)
        } else if is_direction_control(c) {
            Some(DIRECTION_CONTROLS)
        } else {
            None
        }
    })
}

/// The bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Why `text` cannot be one line of free text of at most `max` characters.
pub fn check_text(text: &str, max: usize) -> Option<String> {
    if text.chars().count() > max {
        Some(too_long(max))
    } else {
        text_problem(text).map(str::to_string)
    }
}

/// The trimmed text of a field that must be given; its problem, if any, added to `v`.
pub fn required_text(v: &mut Violations, field: &str, value: Option<&str>, max: usize) -> String {
    let text = value.unwrap_or("").trim();
    if text.is_empty() {
        v.add(field, NOT_BLANK);
    } else if let Some(problem) = check_text(text, max) {
        v.add(field, problem);
    }
    text.to_string()
}

/// The trimmed text of a field that may be left empty (`None` then); `lines` lets it hold
/// line breaks.
pub fn optional_text(
    v: &mut Violations,
    field: &str,
    value: Option<&str>,
    max: usize,
    lines: bool,
) -> Option<String> {
    let text = value.map(str::trim).filter(|t| !t.is_empty())?;
    let problem = if !lines {
        check_text(text, max)
    } else if text.chars().count() > max {
        Some(too_long(max))
    } else {
        multiline_text_problem(text).map(str::to_string)
    };
    if let Some(problem) = problem {
        v.add(field, problem);
    }
    Some(text.to_string())
}

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

/// Why `email` may pass for another address: its local part or one of its domain labels
/// mixes letters of several scripts (a Cyrillic "а" among Latin ones, as in
/// "аmanda@example.com"), which UTS #39 calls a mixed-script confusable. `None` when each
/// part is written in one script (Han with Hiragana and Katakana counts as one, as UTS #39
/// has it).
pub fn lookalike_problem(email: &str) -> Option<String> {
    use unicode_script::{Script, UnicodeScript};
    use unicode_security::MixedScript;
    let (local, domain) = email.rsplit_once('@')?;
    let part = std::iter::once(local)
        .chain(domain.split('.'))
        .find(|part| !part.is_single_script())?;
    let mut scripts: Vec<&str> = Vec::new();
    for c in part.chars() {
        let script = c.script();
        if !matches!(script, Script::Common | Script::Inherited | Script::Unknown)
            && !scripts.contains(&script.full_name())
        {
            scripts.push(script.full_name());
        }
    }
    Some(format!(
        "This email address mixes {} letters in \"{part}\", so it can pass for another address.",
        scripts.join(" and ")
    ))
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
    fn free_text_refuses_control_and_direction_characters() {
        assert_eq!(text_problem("Zoë O'Brien-Łukasz 李"), None);
        assert_eq!(text_problem("שלום \u{200F}عربي"), None, "marks are fine");
        for bad in [
            "a\0b",
            "a\nb",
            "a\rb",
            "a\tb",
            "\u{1b}[31m",
            "a\u{85}b",
            "a\u{2028}b",
        ] {
            assert_eq!(text_problem(bad), Some(CONTROL_CHARACTERS), "{bad:?}");
        }
        for bad in ["\u{202E}gnp.exe", "a\u{2066}b", "a\u{202A}b"] {
            assert_eq!(text_problem(bad), Some(DIRECTION_CONTROLS), "{bad:?}");
        }
        assert_eq!(multiline_text_problem("Hello,\r\n\tworld"), None);
        assert_eq!(multiline_text_problem("a\0b"), Some(CONTROL_CHARACTERS));
        assert_eq!(check_text(&"x".repeat(256), 255), Some(too_long(255)));
        assert_eq!(check_text("x\u{7}", 255), Some(CONTROL_CHARACTERS.into()));
    }

    #[test]
    fn addresses_that_mix_scripts_are_named_and_single_script_ones_pass() {
        assert_eq!(
            lookalike_problem("\u{430}manda@example.com").as_deref(),
            Some("This email address mixes Cyrillic and Latin letters in \"\u{430}manda\", so it can pass for another address.")
        );
        assert!(lookalike_problem("amanda@ex\u{430}mple.com").is_some());
        assert_eq!(lookalike_problem("amanda@example.com"), None);
        assert_eq!(
            lookalike_problem("\u{438}\u{432}\u{430}\u{43d}@example.com"),
            None
        );
        assert_eq!(
            lookalike_problem("\u{5c71}\u{7530}\u{305f}\u{308d}\u{3046}@example.jp"),
            None
        );
        assert_eq!(lookalike_problem("o'brien-1.x@example.com"), None);
    }

    #[test]
    fn birthday_cannot_be_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(check_birthday("2026-11-23", today).is_ok());
        assert_eq!(check_birthday("2026-11-24", today), Err(BIRTHDAY_IN_FUTURE));
        assert_eq!(check_birthday("23/11/2026", today), Err(INVALID_DATE));
    }
}
