// Generated from src-tauri/core/src/customer_user/field.rs by `cargo test`; do not edit.
import type { FieldDef } from './FieldDef';

export const CUSTOMER_USER_FIELDS: FieldDef[] = [
  {
    "field": "id",
    "api": "id",
    "column": "id",
    "csv": [
      "ID"
    ],
    "label": "ID",
    "kind": "id",
    "writable": false,
    "syncs": false
  },
  {
    "field": "namePrefix",
    "api": "namePrefix",
    "column": "name_prefix",
    "csv": [
      "Name Prefix"
    ],
    "label": "Name Prefix",
    "kind": "optionalText",
    "writable": true,
    "syncs": true
  },
  {
    "field": "firstName",
    "api": "firstName",
    "column": "first_name",
    "csv": [
      "First Name"
    ],
    "label": "First Name",
    "kind": "text",
    "writable": true,
    "syncs": true
  },
  {
    "field": "middleName",
    "api": "middleName",
    "column": "middle_name",
    "csv": [
      "Middle Name"
    ],
    "label": "Middle Name",
    "kind": "optionalText",
    "writable": true,
    "syncs": true
  },
  {
    "field": "lastName",
    "api": "lastName",
    "column": "last_name",
    "csv": [
      "Last Name"
    ],
    "label": "Last Name",
    "kind": "text",
    "writable": true,
    "syncs": true
  },
  {
    "field": "nameSuffix",
    "api": "nameSuffix",
    "column": "name_suffix",
    "csv": [
      "Name Suffix"
    ],
    "label": "Name Suffix",
    "kind": "optionalText",
    "writable": true,
    "syncs": true
  },
  {
    "field": "email",
    "api": "email",
    "column": "email",
    "csv": [
      "Email Address"
    ],
    "label": "Email Address",
    "kind": "email",
    "writable": true,
    "syncs": true
  },
  {
    "field": "birthday",
    "api": "birthday",
    "column": "birthday",
    "csv": [
      "Birthday"
    ],
    "label": "Birthday",
    "kind": "date",
    "writable": true,
    "syncs": true
  },
  {
    "field": "enabled",
    "api": "enabled",
    "column": "enabled",
    "csv": [
      "Enabled"
    ],
    "label": "Enabled",
    "kind": "flag",
    "writable": true,
    "syncs": true
  },
  {
    "field": "confirmed",
    "api": "confirmed",
    "column": "confirmed",
    "csv": [
      "Confirmed"
    ],
    "label": "Confirmed",
    "kind": "flag",
    "writable": true,
    "syncs": true
  },
  {
    "field": "isGuest",
    "api": "isGuest",
    "column": "is_guest",
    "csv": [
      "Guest"
    ],
    "label": "Guest",
    "kind": "flag",
    "writable": true,
    "syncs": true
  },
  {
    "field": "customer",
    "api": "customer",
    "column": "customer_id",
    "csv": [
      "Customer Id",
      "Customer Name"
    ],
    "label": "Customer",
    "kind": "reference",
    "writable": true,
    "syncs": true
  },
  {
    "field": "organization",
    "api": "organization",
    "column": "organization_id",
    "csv": [],
    "label": "Organization",
    "kind": "reference",
    "writable": false,
    "syncs": false
  },
  {
    "field": "website",
    "api": "website",
    "column": "website_id",
    "csv": [
      "Website Id"
    ],
    "label": "Website",
    "kind": "reference",
    "writable": true,
    "syncs": true
  },
  {
    "field": "preferredLocalization",
    "api": "preferredLocalization",
    "column": null,
    "csv": [],
    "label": "Preferred Localization",
    "kind": "reference",
    "writable": true,
    "syncs": true
  },
  {
    "field": "owner",
    "api": "owner",
    "column": "owner_id",
    "csv": [
      "Owner Id",
      "Owner Username"
    ],
    "label": "Owner",
    "kind": "reference",
    "writable": true,
    "syncs": true
  },
  {
    "field": "userRoles",
    "api": "userRoles",
    "column": null,
    "csv": [
      "Roles N Role"
    ],
    "label": "Roles",
    "kind": "roles",
    "writable": true,
    "syncs": true
  },
  {
    "field": "salesRepresentatives",
    "api": "salesRepresentatives",
    "column": null,
    "csv": [],
    "label": "Sales Representatives",
    "kind": "references",
    "writable": true,
    "syncs": true
  },
  {
    "field": "addresses",
    "api": "addresses",
    "column": null,
    "csv": [],
    "label": "Addresses",
    "kind": "addresses",
    "writable": true,
    "syncs": true
  },
  {
    "field": "extra",
    "api": "extra",
    "column": "extra",
    "csv": [],
    "label": "Additional Information",
    "kind": "extra",
    "writable": true,
    "syncs": true
  },
  {
    "field": "authStatus",
    "api": "authStatus",
    "column": "auth_status",
    "csv": [],
    "label": "Password",
    "kind": "status",
    "writable": false,
    "syncs": true
  },
  {
    "field": "hasPassword",
    "api": "hasPassword",
    "column": "password_hash",
    "csv": [],
    "label": "Has Password",
    "kind": "flag",
    "writable": false,
    "syncs": true
  },
  {
    "field": "loginCount",
    "api": "loginCount",
    "column": "login_count",
    "csv": [],
    "label": "Login Count",
    "kind": "count",
    "writable": false,
    "syncs": true
  },
  {
    "field": "lastLogin",
    "api": "lastLogin",
    "column": "last_login",
    "csv": [],
    "label": "Last Login",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "passwordChangedAt",
    "api": "passwordChangedAt",
    "column": "password_changed_at",
    "csv": [],
    "label": "Password Changed At",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "passwordRequestedAt",
    "api": "passwordRequestedAt",
    "column": "password_requested_at",
    "csv": [],
    "label": "Reset Link Sent At",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "resetLinkExpiresAt",
    "api": "resetLinkExpiresAt",
    "column": "reset_expires_at",
    "csv": [],
    "label": "Reset Link Expires At",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "confirmationLinkExpiresAt",
    "api": "confirmationLinkExpiresAt",
    "column": "confirmation_expires_at",
    "csv": [],
    "label": "Confirmation Link Expires At",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "lockedAt",
    "api": "lockedAt",
    "column": "locked_at",
    "csv": [],
    "label": "Locked At",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "lockedUntil",
    "api": "lockedUntil",
    "column": "locked_until",
    "csv": [],
    "label": "Locked Until",
    "kind": "time",
    "writable": false,
    "syncs": true
  },
  {
    "field": "createdAt",
    "api": "createdAt",
    "column": "created_at",
    "csv": [],
    "label": "Created At",
    "kind": "time",
    "writable": false,
    "syncs": false
  },
  {
    "field": "updatedAt",
    "api": "updatedAt",
    "column": "updated_at",
    "csv": [],
    "label": "Updated At",
    "kind": "time",
    "writable": false,
    "syncs": false
  }
];
