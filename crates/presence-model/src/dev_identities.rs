//! The well-known development identities, as Azurite has `devstoreaccount1`: one tenant, one
//! confidential application, one public client and two test users, whose values are fixed and
//! published (README, `presencectl dev-identities`), so an app, a CI file or a container set-up
//! is configured once, without running a command. Every server has them unless started with
//! `--no-default-identities`. They are for development only: anyone who reads the README
//! knows the secret and the passwords.

use crate::token::{
    PRESENCE_READ, PRESENCE_READ_ALL, PRESENCE_READ_WRITE, PRESENCE_READ_WRITE_ALL,
};
use crate::{ApplicationRegistration, Identities, TenantIdentities, TestUser};

/// The development tenant.
pub const TENANT_ID: &str = "7e57da7a-0000-4000-8000-000000000001";
/// The confidential application: granted `Presence.ReadWrite.All`, allowed every delegated
/// presence scope.
pub const CLIENT_ID: &str = "7e57da7a-0000-4000-8000-000000000002";
/// The confidential application's secret.
pub const CLIENT_SECRET: &str = "presence-dev-secret";
/// The public client (no secret): browser apps (authorization code with PKCE), device code,
/// username and password.
pub const PUBLIC_CLIENT_ID: &str = "7e57da7a-0000-4000-8000-000000000003";

/// A development test user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DevUser {
    pub id: &'static str,
    pub user_principal_name: &'static str,
    pub display_name: &'static str,
    pub password: &'static str,
}

/// The two development test users.
pub const USERS: [DevUser; 2] = [
    DevUser {
        id: "7e57da7a-0000-4000-8000-0000000000a1",
        user_principal_name: "adele@presence.test",
        display_name: "Adele Vance",
        password: "adele-dev-password",
    },
    DevUser {
        id: "7e57da7a-0000-4000-8000-0000000000a2",
        user_principal_name: "alex@presence.test",
        display_name: "Alex Wilber",
        password: "alex-dev-password",
    },
];

/// The delegated presence scopes both applications may ask for.
pub const DELEGATED_SCOPES: [&str; 3] = [PRESENCE_READ, PRESENCE_READ_ALL, PRESENCE_READ_WRITE];

/// The development identities as an `--identities` document would state them.
pub fn document() -> Identities {
    let scopes: Vec<String> = DELEGATED_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    Identities {
        tenants: vec![TenantIdentities {
            id: TENANT_ID.to_owned(),
            applications: vec![
                ApplicationRegistration {
                    client_id: CLIENT_ID.to_owned(),
                    display_name: "presence development app".to_owned(),
                    secrets: vec![CLIENT_SECRET.to_owned()],
                    certificates: Vec::new(),
                    roles: vec![PRESENCE_READ_WRITE_ALL.to_owned()],
                    scopes: scopes.clone(),
                },
                ApplicationRegistration {
                    client_id: PUBLIC_CLIENT_ID.to_owned(),
                    display_name: "presence development public client".to_owned(),
                    secrets: Vec::new(),
                    certificates: Vec::new(),
                    roles: Vec::new(),
                    scopes,
                },
            ],
            users: USERS
                .iter()
                .map(|user| TestUser {
                    id: user.id.to_owned(),
                    user_principal_name: user.user_principal_name.to_owned(),
                    display_name: user.display_name.to_owned(),
                    password: user.password.to_owned(),
                })
                .collect(),
        }],
    }
}
