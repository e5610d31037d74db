//! The server's one error: a kind the CLI maps to an exit status and HTTP to a status code,
//! and a sentence for the admin. Secrets never go into one.

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The input is wrong: the field it names, and why.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The caller must sign in (again).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed this.
    #[error("{0}")]
    Forbidden(String),
    /// Too many attempts: wait.
    #[error("{0}")]
    TooMany(String),
    /// What the caller asks for is no longer kept (a cursor older than the tombstones).
    #[error("{0}")]
    Gone(String),
    /// The storage failed; the message says what was being done.
    #[error("{0}")]
    Storage(String),
}

impl ServerError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServerError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The CLI's exit status: 2 invalid input, 3 not found, 4 conflict, 1 storage.
    pub fn exit_code(&self) -> u8 {
        match self {
            ServerError::Invalid { .. } => 2,
            ServerError::NotFound(_) => 3,
            ServerError::Conflict(_) => 4,
            ServerError::Unauthorized(_) | ServerError::Forbidden(_) | ServerError::TooMany(_) => 5,
            ServerError::Gone(_) => 4,
            ServerError::Storage(_) => 1,
        }
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(e: rusqlite::Error) -> Self {
        ServerError::Storage(format!("The database refused the operation: {e}"))
    }
}

pub type Result<T, E = ServerError> = std::result::Result<T, E>;
