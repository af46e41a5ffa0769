//! presencectl's library half: the command line, its commands, and the pieces tests reuse
//! (token minting, duration parsing). Every call to the server goes through the generated
//! client (`presence-client`); nothing here speaks HTTP by hand.

pub mod cli;
pub mod commands;
pub mod connection;
pub mod duration;
pub mod failure;
pub mod output;
pub mod token;
