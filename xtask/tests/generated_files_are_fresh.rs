//! The omicron pattern: the committed spec and client must be exactly what `cargo xtask gen`
//! writes today, so the server, the document and the client can never drift apart.

#[test]
fn committed_spec_and_client_match_what_gen_writes() {
    let stale = xtask::codegen::stale().expect("the spec and the client can be generated");
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run `cargo xtask gen` and commit the result"
    );
}
