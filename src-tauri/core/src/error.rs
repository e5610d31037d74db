//! The one error type that crosses to the UI and the CLI: `{code, message, fields}`.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// Stable machine-readable codes; the UI and scripts branch on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    InvalidInput,
    Storage,
    Internal,
    /// The team server cannot be reached now; the work is kept and tried again.
    Unavailable,
    /// The team server wants the admin to sign in (again).
    Unauthorized,
    /// The acting admin's back-office role does not allow it.
    Forbidden,
}

/// A message about one input, addressed by its dotted path (`addresses.0.city`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, TS)]
#[error("{message}")]
#[ts(export, rename = "ApiError")]
pub struct CoreError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl CoreError {
    /// "field: message; field: message": the field errors in one line.
    pub fn field_reasons(&self) -> String {
        self.fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn not_found(what: &str, key: &str) -> Self {
        Self::new(
            ErrorCode::NotFound,
            format!("{what} \"{key}\" was not found."),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    /// A validation error for one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut v = Violations::default();
        v.add(field, message);
        v.into_error()
    }
}

/// Collects every field error of an input so the form can show them all at once.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        // One message per field is enough for a form; the first rule that fails wins.
        if !self.0.iter().any(|f| f.field == field) {
            self.0.push(FieldError {
                field,
                message: message.into(),
            });
        }
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|f| f.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn into_error(self) -> CoreError {
        let message = match self.0.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields are invalid.", many.len()),
        };
        CoreError {
            code: ErrorCode::Validation,
            message,
            fields: self.0,
        }
    }

    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

impl From<rusqlite::Error> for CoreError {
    fn from(err: rusqlite::Error) -> Self {
        tracing::error!(error = %err, "storage error");
        CoreError::new(
            ErrorCode::Storage,
            format!("The database refused the operation: {err}"),
        )
    }
}

impl From<refinery::Error> for CoreError {
    fn from(err: refinery::Error) -> Self {
        CoreError::new(
            ErrorCode::Storage,
            format!("The database could not be migrated: {err}"),
        )
    }
}

impl From<serde_json::Error> for CoreError {
    fn from(err: serde_json::Error) -> Self {
        CoreError::invalid_input(format!("Invalid JSON: {err}"))
    }
}

/// Parses JSON into `T`, naming the field when a value has the wrong type or is unknown.
pub fn parse_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> crate::Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        let message = inner
            .split(" at line ")
            .next()
            .unwrap_or(&inner)
            .to_string();
        let mut err = CoreError::invalid_input(if field == "." {
            message.clone()
        } else {
            format!("{field}: {message}")
        });
        if field != "." {
            err.fields.push(FieldError { field, message });
        }
        err
    })
}
