//! What a black-box security probe found (issue #12), each as a test that failed before the
//! fix: slow clients and fairness, receivers that misbehave, identity and ownership, and the
//! small protocol details (405 `Allow`, query errors in the envelope).

mod batch_and_journal;
mod file_modes;
mod identity;
mod raw;
mod receivers;
mod slow_clients;
mod streams;
mod subscriptions;
