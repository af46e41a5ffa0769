//! How presencectl fails: a message on stderr and an exit code per class of failure.

use std::fmt;
use std::process::ExitCode;

use presence_client::types::ODataError;

/// Exit codes, one per class of failure (2 is clap's own for usage errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The server refused the request (400, 405, 413, 415, …).
    Rejected = 1,
    /// The command line was wrong.
    Usage = 2,
    /// No valid token (401) or not allowed (403).
    Auth = 3,
    /// The thing does not exist (404).
    NotFound = 4,
    /// The server failed or could not be reached (5xx, connection errors).
    Server = 5,
}

/// A failure to report.
#[derive(Debug)]
pub struct Failure {
    pub class: Class,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            class: Class::Usage,
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.class as u8)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<presence_client::Error<ODataError>> for Failure {
    fn from(error: presence_client::Error<ODataError>) -> Self {
        use presence_client::Error;
        let class_of = |status: u16| match status {
            401 | 403 => Class::Auth,
            404 => Class::NotFound,
            500..=599 => Class::Server,
            _ => Class::Rejected,
        };
        match error {
            Error::ErrorResponse(response) => Self {
                class: class_of(response.status().as_u16()),
                message: format!(
                    "{} {}: {}",
                    response.status().as_u16(),
                    response.error.code,
                    response.error.message
                ),
            },
            Error::UnexpectedResponse(response) => Self {
                class: class_of(response.status().as_u16()),
                message: format!("unexpected response: {}", response.status()),
            },
            Error::InvalidRequest(message) => Self::usage(message),
            other => Self {
                class: Class::Server,
                message: other.to_string(),
            },
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::usage(format!("{error:#}"))
    }
}
