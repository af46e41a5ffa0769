//! Who may use the control plane: with authentication on, an application token whose `roles`
//! include `Presence.Admin` (401 without a valid token, 403 without the role); with
//! `--auth none`, anyone.
//!
//! The role is ours, not Graph's: admin calls act across tenants (the clock moves time for
//! all of them), so no Graph permission, which is always scoped to one tenant, can grant them.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use presence_model::token::PRESENCE_ADMIN;

use crate::auth::{Caller, CallerKind};
use crate::error::GraphError;

/// A caller allowed to use `/admin`.
#[derive(Debug, Clone)]
pub struct AdminCaller(pub Caller);

impl AdminCaller {
    fn check(caller: Caller) -> Result<Self, GraphError> {
        match &caller.kind {
            CallerKind::Anonymous => Ok(Self(caller)),
            CallerKind::Application { roles } if roles.iter().any(|r| r == PRESENCE_ADMIN) => {
                Ok(Self(caller))
            }
            CallerKind::Application { .. } => Err(GraphError::forbidden(format!(
                "The admin API needs an application token whose roles include {PRESENCE_ADMIN} \
                 (`presencectl token --admin` prints one)."
            ))),
            CallerKind::Delegated { .. } => Err(GraphError::forbidden(format!(
                "The admin API needs an application token with the {PRESENCE_ADMIN} role, not a \
                 delegated one."
            ))),
        }
    }
}

impl FromRequest for AdminCaller {
    type Error = GraphError;
    type Future = Ready<Result<Self, GraphError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = match Caller::from_request(req, payload).into_inner() {
            Ok(caller) => caller,
            Err(error) => return ready(Err(error)),
        };
        ready(Self::check(caller))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::StatusCode;

    fn app(roles: &[&str]) -> Caller {
        Caller {
            expires_at: None,
            tenant: "t".into(),
            app_id: Some("a".into()),
            kind: CallerKind::Application {
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            },
        }
    }

    #[test]
    fn only_the_admin_role_or_no_auth_opens_the_control_plane() {
        assert!(AdminCaller::check(Caller::anonymous()).is_ok());
        assert!(AdminCaller::check(app(&["Presence.Admin"])).is_ok());
        let refused = [
            app(&["Presence.ReadWrite.All"]),
            app(&[]),
            Caller {
                expires_at: None,
                tenant: "t".into(),
                app_id: Some("a".into()),
                kind: CallerKind::Delegated {
                    user: "u".into(),
                    scopes: vec!["Presence.Admin".into()],
                },
            },
        ];
        for caller in refused {
            let error = AdminCaller::check(caller).expect_err("refused");
            assert_eq!(error.status, StatusCode::FORBIDDEN);
        }
    }
}
