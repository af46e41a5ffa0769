//! What black-box security probes found (issues #12 and #27), each as a test that failed
//! before the fix: slow clients and fairness, receivers that misbehave, identity and
//! ownership, the small protocol details (405 `Allow`, query errors in the envelope), `$batch`
//! and the journal, file modes, streams that outlive their token, page headers.

mod anonymous;
mod batch_and_journal;
mod file_modes;
mod identity;
mod pages;
mod public_urls;
mod raw;
mod receivers;
mod slow_clients;
mod streams;
mod subscriptions;
