//! presencectl, run as a real binary against a real server.

mod admin;
mod commands;
mod ctl;
mod identities;
mod token;
