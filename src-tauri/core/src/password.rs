//! Passwords: argon2id hashes, Oro's complexity policy, and generated passwords.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::{CoreError, Result};

/// The length of generated passwords, as Oro's "Generate Password".
pub const GENERATED_LENGTH: usize = 10;

/// Oro's default password policy (`oro_user.password_*`).
#[derive(Debug, Clone)]
pub struct Policy {
    pub min_length: usize,
    pub lower_case: bool,
    pub upper_case: bool,
    pub numbers: bool,
    pub special_chars: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            min_length: 8,
            lower_case: true,
            upper_case: true,
            numbers: true,
            special_chars: false,
        }
    }
}

/// The longest password taken (OWASP: allow at least 64 characters, and cap the length so
/// nobody makes the server hash megabytes). Generous for a passphrase.
pub const MAX_LENGTH: usize = 256;

impl Policy {
    /// `None` when `password` complies, else one message naming every rule it fails.
    pub fn check(&self, password: &str) -> Option<String> {
        if password.chars().count() > MAX_LENGTH {
            return Some(crate::rules::too_long(MAX_LENGTH));
        }
        let mut needs = Vec::new();
        if self.lower_case && !password.chars().any(char::is_lowercase) {
            needs.push("a lower case letter");
        }
        if self.upper_case && !password.chars().any(char::is_uppercase) {
            needs.push("an upper case letter");
        }
        if self.numbers && !password.chars().any(char::is_numeric) {
            needs.push("a number");
        }
        if self.special_chars && !password.chars().any(is_special) {
            needs.push("a special character");
        }
        let short = password.chars().count() < self.min_length;
        if !short && needs.is_empty() {
            return None;
        }
        let mut message = String::from("The password must");
        if short {
            message.push_str(&format!(" be at least {} characters long", self.min_length));
            if !needs.is_empty() {
                message.push_str(" and");
            }
        }
        if !needs.is_empty() {
            message.push_str(" include ");
            message.push_str(&join_and(&needs));
        }
        message.push('.');
        Some(message)
    }
}

/// Oro's special characters: whitespace and ASCII punctuation.
fn is_special(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation()
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| CoreError::internal("The password could not be hashed."))
}

/// A hash no password is known to match (of 32 random bytes, thrown away), with the
/// parameters [`hash`] uses: a sign-in for an unknown email, or for a user without a
/// password, verifies against it and so costs what any other refusal does. A constant, so
/// not even the first such sign-in of a process costs an extra hash.
pub const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AxXTRKGAecsgCEwWtHHBhw$3+toiQV8GlKn9nw6+8FsXZUYq541OA5fazIjFxVO3Jo";

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A random password that meets the default policy: letters of both cases and a digit.
pub fn generate() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::rng();
    let pick =
        |rng: &mut rand::rngs::ThreadRng, set: &[u8]| set[rng.random_range(0..set.len())] as char;
    let mut chars = vec![
        pick(&mut rng, LOWER),
        pick(&mut rng, UPPER),
        pick(&mut rng, DIGITS),
    ];
    let all: Vec<u8> = [LOWER, UPPER, DIGITS].concat();
    while chars.len() < GENERATED_LENGTH {
        chars.push(pick(&mut rng, &all));
    }
    chars.shuffle(&mut rng);
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_names_every_failed_rule_in_one_message() {
        let policy = Policy::default();
        assert_eq!(policy.check("Secret123"), None);
        assert_eq!(
            policy.check("abc"),
            Some("The password must be at least 8 characters long and include an upper case letter and a number.".into())
        );
        assert_eq!(
            policy.check("abcdefgh1"),
            Some("The password must include an upper case letter.".into())
        );
        assert_eq!(
            policy.check("ABCDEFGHI"),
            Some("The password must include a lower case letter and a number.".into())
        );
    }

    #[test]
    fn generated_passwords_meet_the_policy_and_differ() {
        let a = generate();
        let b = generate();
        assert_eq!(a.chars().count(), GENERATED_LENGTH);
        assert_eq!(Policy::default().check(&a), None, "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let phc = hash("Secret123").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("Secret123", &phc));
        assert!(!verify("Secret124", &phc));
    }
}
