//! Every field of a customer user, declared once: its API name, column, CSV headers, label,
//! kind and whether it is recorded and synced field by field. The reader, the writer, the
//! change log's diff, the CSV import and export, and the UI's bindings
//! (`ui/src/bindings/customerUserFields.ts`) all take their names from here.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Field {
    Id,
    NamePrefix,
    FirstName,
    MiddleName,
    LastName,
    NameSuffix,
    Email,
    Birthday,
    Enabled,
    Confirmed,
    IsGuest,
    Customer,
    Organization,
    Website,
    PreferredLocalization,
    Owner,
    UserRoles,
    SalesRepresentatives,
    Addresses,
    Extra,
    AuthStatus,
    HasPassword,
    LoginCount,
    LastLogin,
    PasswordChangedAt,
    PasswordRequestedAt,
    ResetLinkExpiresAt,
    ConfirmationLinkExpiresAt,
    LockedAt,
    LockedUntil,
    CreatedAt,
    UpdatedAt,
}

/// How a field's value is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FieldKind {
    Id,
    Text,
    OptionalText,
    Email,
    Date,
    Flag,
    /// Another record, as `{id, name}`.
    Reference,
    References,
    Roles,
    Addresses,
    /// The organization's own fields, `{name: value}`.
    Extra,
    Status,
    Count,
    Time,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldDef {
    pub field: Field,
    /// The name in the API, the change log and the UI.
    pub api: &'static str,
    /// The `customer_user` column that holds it; `None` when a relation table does.
    pub column: Option<&'static str>,
    /// Oro's CSV headers that carry it (a reference by id and by name); `Roles N Role` for
    /// the roles.
    pub csv: &'static [&'static str],
    /// The label the grid, the form and the view page show.
    pub label: &'static str,
    pub kind: FieldKind,
    /// An update from the form or the CLI may set it.
    pub writable: bool,
    /// Kept in the change log and merged field by field (with its own clock) by sync.
    pub syncs: bool,
}

// One table row per field: the arguments are the table's columns.
#[allow(clippy::too_many_arguments)]
const fn def(
    field: Field,
    api: &'static str,
    column: Option<&'static str>,
    csv: &'static [&'static str],
    label: &'static str,
    kind: FieldKind,
    writable: bool,
    syncs: bool,
) -> FieldDef {
    FieldDef {
        field,
        api,
        column,
        csv,
        label,
        kind,
        writable,
        syncs,
    }
}

use Field as F;
use FieldKind as K;

/// In [`Field`]'s order: `FIELDS[f as usize]` is `f`'s declaration.
#[rustfmt::skip]
pub const FIELDS: &[FieldDef] = &[
    def(F::Id, "id", Some("id"), &["ID"], "ID", K::Id, false, false),
    def(F::NamePrefix, "namePrefix", Some("name_prefix"), &["Name Prefix"], "Name Prefix", K::OptionalText, true, true),
    def(F::FirstName, "firstName", Some("first_name"), &["First Name"], "First Name", K::Text, true, true),
    def(F::MiddleName, "middleName", Some("middle_name"), &["Middle Name"], "Middle Name", K::OptionalText, true, true),
    def(F::LastName, "lastName", Some("last_name"), &["Last Name"], "Last Name", K::Text, true, true),
    def(F::NameSuffix, "nameSuffix", Some("name_suffix"), &["Name Suffix"], "Name Suffix", K::OptionalText, true, true),
    def(F::Email, "email", Some("email"), &["Email Address"], "Email Address", K::Email, true, true),
    def(F::Birthday, "birthday", Some("birthday"), &["Birthday"], "Birthday", K::Date, true, true),
    def(F::Enabled, "enabled", Some("enabled"), &["Enabled"], "Enabled", K::Flag, true, true),
    def(F::Confirmed, "confirmed", Some("confirmed"), &["Confirmed"], "Confirmed", K::Flag, true, true),
    def(F::IsGuest, "isGuest", Some("is_guest"), &["Guest"], "Guest", K::Flag, true, true),
    def(F::Customer, "customer", Some("customer_id"), &["Customer Id", "Customer Name"], "Customer", K::Reference, true, true),
    def(F::Organization, "organization", Some("organization_id"), &[], "Organization", K::Reference, false, false),
    def(F::Website, "website", Some("website_id"), &["Website Id"], "Website", K::Reference, true, true),
    def(F::PreferredLocalization, "preferredLocalization", None, &[], "Preferred Localization", K::Reference, true, true),
    def(F::Owner, "owner", Some("owner_id"), &["Owner Id", "Owner Username"], "Owner", K::Reference, true, true),
    def(F::UserRoles, "userRoles", None, &["Roles N Role"], "Roles", K::Roles, true, true),
    def(F::SalesRepresentatives, "salesRepresentatives", None, &[], "Sales Representatives", K::References, true, true),
    def(F::Addresses, "addresses", None, &[], "Addresses", K::Addresses, true, true),
    def(F::Extra, "extra", Some("extra"), &[], "Additional Information", K::Extra, true, true),
    def(F::AuthStatus, "authStatus", Some("auth_status"), &[], "Password", K::Status, false, true),
    def(F::HasPassword, "hasPassword", Some("password_hash"), &[], "Has Password", K::Flag, false, true),
    def(F::LoginCount, "loginCount", Some("login_count"), &[], "Login Count", K::Count, false, true),
    def(F::LastLogin, "lastLogin", Some("last_login"), &[], "Last Login", K::Time, false, true),
    def(F::PasswordChangedAt, "passwordChangedAt", Some("password_changed_at"), &[], "Password Changed At", K::Time, false, true),
    def(F::PasswordRequestedAt, "passwordRequestedAt", Some("password_requested_at"), &[], "Reset Link Sent At", K::Time, false, true),
    def(F::ResetLinkExpiresAt, "resetLinkExpiresAt", Some("reset_expires_at"), &[], "Reset Link Expires At", K::Time, false, true),
    def(F::ConfirmationLinkExpiresAt, "confirmationLinkExpiresAt", Some("confirmation_expires_at"), &[], "Confirmation Link Expires At", K::Time, false, true),
    def(F::LockedAt, "lockedAt", Some("locked_at"), &[], "Locked At", K::Time, false, true),
    def(F::LockedUntil, "lockedUntil", Some("locked_until"), &[], "Locked Until", K::Time, false, true),
    def(F::CreatedAt, "createdAt", Some("created_at"), &[], "Created At", K::Time, false, false),
    def(F::UpdatedAt, "updatedAt", Some("updated_at"), &[], "Updated At", K::Time, false, false),
];

/// Input keys a form or the CLI may send that are not fields: the password as typed, and a
/// customer to create with the user.
pub const INPUT_ONLY: &[&str] = &[
    "newCustomer",
    "password",
    "passwordConfirm",
    "generatePassword",
];

impl Field {
    pub const fn def(self) -> &'static FieldDef {
        &FIELDS[self as usize]
    }

    pub const fn api(self) -> &'static str {
        self.def().api
    }

    pub fn by_api(name: &str) -> Option<Field> {
        FIELDS.iter().find(|d| d.api == name).map(|d| d.field)
    }

    /// The field's `n`th CSV header.
    pub const fn csv(self, n: usize) -> &'static str {
        self.def().csv[n]
    }

    /// The fields the change log records and sync merges.
    pub fn synced() -> impl Iterator<Item = Field> {
        FIELDS.iter().filter(|d| d.syncs).map(|d| d.field)
    }
}

/// The UI's copy of [`FIELDS`], written as ts-rs writes the types (`cargo test`).
pub fn typescript() -> String {
    let json = serde_json::to_string_pretty(FIELDS).unwrap_or_default();
    format!(
        "// Generated from src-tauri/core/src/customer_user/field.rs by `cargo test`; do not edit.\n\
         import type {{ FieldDef }} from './FieldDef';\n\n\
         export const CUSTOMER_USER_FIELDS: FieldDef[] = {json};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_sits_at_its_own_place() {
        for (i, d) in FIELDS.iter().enumerate() {
            assert_eq!(d.field as usize, i, "{} is out of place", d.api);
            assert_eq!(serde_json::to_value(d.field).unwrap(), d.api);
        }
    }

    #[test]
    fn the_uis_field_list_is_written_with_the_bindings() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
        std::fs::write(dir.join("customerUserFields.ts"), typescript()).unwrap();
        assert!(typescript().contains("\"api\": \"nameSuffix\""));
    }
}
