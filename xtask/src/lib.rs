//! Library half of xtask, so that the test suite can run the same checks as the command.

pub mod bench;
pub mod client;
pub mod codegen;
pub mod dist;
pub mod postgres;
pub mod test;
