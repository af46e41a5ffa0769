//! presencectl, run as a real binary against a real server.

mod commands;
mod token;
