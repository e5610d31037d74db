//! The team's admin accounts: added, listed and disabled from the server's command line.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;

use crate::error::{Result, ServerError};
use crate::store::{Admin, Store};

/// The shortest and longest passwords taken (OWASP: at least 8, allow 64, cap the length).
const PASSWORD_LENGTH: std::ops::RangeInclusive<usize> = 8..=256;

/// Adds the admin `email` with `password`, which is stored only as its argon2id hash.
pub fn add(store: &dyn Store, email: &str, password: &str) -> Result<Admin> {
    let email = email.trim();
    let valid = email.parse::<email_address::EmailAddress>().is_ok()
        && !email.chars().any(|c| c.is_control() || c.is_whitespace());
    if !valid {
        return Err(ServerError::invalid(
            "email",
            "This value is not a valid email address.",
        ));
    }
    let length = password.chars().count();
    if !PASSWORD_LENGTH.contains(&length) {
        return Err(ServerError::invalid(
            "password",
            format!(
                "The password must be {} to {} characters long.",
                PASSWORD_LENGTH.start(),
                PASSWORD_LENGTH.end()
            ),
        ));
    }
    store.add_admin(email, &hash_password(password)?)
}

/// The argon2id hash of `password`, with a fresh salt.
pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|_| ServerError::Storage("The password could not be hashed.".into()))?
        .to_string())
}
