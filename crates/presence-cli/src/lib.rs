//! presencectl's library half: what the binary does, callable from tests.

pub mod duration;
pub mod token;
