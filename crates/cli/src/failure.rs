//! Exit codes: 1 for a problem with the user's input, 2 for one that is Verbatim's fault.

use std::process::ExitCode;

/// An error that is Verbatim's fault, not the input's: exit code 2.
#[derive(Debug)]
pub struct Internal(pub String);

impl std::fmt::Display for Internal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: {}", self.0)
    }
}

impl std::error::Error for Internal {}

/// The exit code for a command that failed with `error`.
pub fn exit_code(error: &anyhow::Error) -> ExitCode {
    let engine_fault = error
        .downcast_ref::<verbatim_project::Error>()
        .is_some_and(verbatim_project::Error::is_internal);
    if error.downcast_ref::<Internal>().is_some() || engine_fault {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}
