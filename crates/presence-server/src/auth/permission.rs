//! Graph's permission table for the presence operations (reference §0), and the
//! delegated-caller rules (COMPATIBILITY.md #3; README, "Identity and permissions").

use presence_model::token::{
    PRESENCE_READ, PRESENCE_READ_ALL, PRESENCE_READ_WRITE, PRESENCE_READ_WRITE_ALL,
};

use super::caller::{Caller, CallerKind};
use crate::engine::Audience;
use crate::error::GraphError;

/// What an operation does to a user's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// GET presence (one user).
    Read,
    /// getPresencesByUserId.
    ReadMany,
    /// setPresence, clearPresence, the preferred presence actions, setStatusMessage.
    Write,
    /// The work location actions: delegated only.
    WriteLocation,
    /// Subscribing to presence changes: delegated only (Graph reference §11.1).
    Subscribe,
}

impl Caller {
    /// Whether this caller may perform `access` on `user`'s presence; for reads, how much of
    /// it they see. Missing permissions and delegated writes on another user are 403.
    pub fn authorize(&self, access: Access, user: &str) -> Result<Audience, GraphError> {
        match &self.kind {
            CallerKind::Anonymous => Ok(Audience::Owner),
            CallerKind::Application { roles } => {
                let has = |wanted: &[&str]| roles.iter().any(|r| wanted.contains(&r.as_str()));
                match access {
                    Access::Read | Access::ReadMany
                        if has(&[PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL]) =>
                    {
                        Ok(Audience::Owner)
                    }
                    Access::Write if has(&[PRESENCE_READ_WRITE_ALL]) => Ok(Audience::Owner),
                    Access::WriteLocation | Access::Subscribe => Err(GraphError::forbidden(
                        "This operation does not support application permissions; call it with a \
                         delegated token.",
                    )),
                    _ => Err(missing_permission(access, "application permission (roles)")),
                }
            }
            CallerKind::Delegated { user: me, scopes } => {
                let has = |wanted: &[&str]| scopes.iter().any(|s| wanted.contains(&s.as_str()));
                let myself = me == user;
                match access {
                    Access::Read if myself => {
                        if has(&[
                            PRESENCE_READ,
                            PRESENCE_READ_ALL,
                            PRESENCE_READ_WRITE,
                            PRESENCE_READ_WRITE_ALL,
                        ]) {
                            Ok(Audience::Owner)
                        } else {
                            Err(missing_permission(access, "delegated scope (scp)"))
                        }
                    }
                    Access::Read | Access::ReadMany | Access::Subscribe => {
                        if has(&[PRESENCE_READ_ALL, PRESENCE_READ_WRITE_ALL]) {
                            Ok(if myself {
                                Audience::Owner
                            } else {
                                Audience::Other
                            })
                        } else {
                            Err(missing_permission(access, "delegated scope (scp)"))
                        }
                    }
                    Access::Write | Access::WriteLocation => {
                        if !has(&[PRESENCE_READ_WRITE, PRESENCE_READ_WRITE_ALL]) {
                            Err(missing_permission(access, "delegated scope (scp)"))
                        } else if !myself {
                            Err(GraphError::forbidden(
                                "Cannot set the presence of another user.",
                            ))
                        } else {
                            Ok(Audience::Owner)
                        }
                    }
                }
            }
        }
    }
}

/// The permissions that grant `access`, for the 403 message.
fn missing_permission(access: Access, kind: &str) -> GraphError {
    let needed = match access {
        Access::Read => "Presence.Read (own presence) or Presence.Read.All",
        Access::ReadMany => "Presence.Read.All",
        Access::Write => "Presence.ReadWrite (delegated) or Presence.ReadWrite.All (application)",
        Access::WriteLocation => "Presence.ReadWrite (delegated)",
        Access::Subscribe => "Presence.Read.All (delegated)",
    };
    GraphError::forbidden(format!(
        "Insufficient privileges: the token's {kind} do not include {needed}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "me";
    const YOU: &str = "you";

    fn app(roles: &[&str]) -> Caller {
        Caller {
            expires_at: None,
            tenant: "t".into(),
            app_id: Some("app".into()),
            kind: CallerKind::Application {
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            },
        }
    }

    fn delegated(scopes: &[&str]) -> Caller {
        Caller {
            expires_at: None,
            tenant: "t".into(),
            app_id: Some("app".into()),
            kind: CallerKind::Delegated {
                user: ME.into(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            },
        }
    }

    #[test]
    fn the_permission_table() {
        use Access::*;
        use Audience::*;
        let table: Vec<(Caller, Access, &str, Option<Audience>)> = vec![
            (app(&[PRESENCE_READ_ALL]), Read, YOU, Some(Owner)),
            (app(&[PRESENCE_READ_ALL]), ReadMany, YOU, Some(Owner)),
            (app(&[PRESENCE_READ_ALL]), Write, YOU, None),
            (app(&[PRESENCE_READ_WRITE_ALL]), Read, YOU, Some(Owner)),
            (app(&[PRESENCE_READ_WRITE_ALL]), Write, YOU, Some(Owner)),
            (app(&[PRESENCE_READ_WRITE_ALL]), WriteLocation, YOU, None),
            (app(&[]), Read, YOU, None),
            (app(&["User.Read.All"]), Read, YOU, None),
            (delegated(&[PRESENCE_READ]), Read, ME, Some(Owner)),
            (delegated(&[PRESENCE_READ]), Read, YOU, None),
            (delegated(&[PRESENCE_READ]), ReadMany, ME, None),
            (delegated(&[PRESENCE_READ_ALL]), Read, YOU, Some(Other)),
            (delegated(&[PRESENCE_READ_ALL]), ReadMany, YOU, Some(Other)),
            (delegated(&[PRESENCE_READ_ALL]), ReadMany, ME, Some(Owner)),
            (delegated(&[PRESENCE_READ_ALL]), Write, ME, None),
            (delegated(&[PRESENCE_READ_WRITE]), Read, ME, Some(Owner)),
            (delegated(&[PRESENCE_READ_WRITE]), Write, ME, Some(Owner)),
            (
                delegated(&[PRESENCE_READ_WRITE]),
                WriteLocation,
                ME,
                Some(Owner),
            ),
            (delegated(&[PRESENCE_READ_WRITE]), Write, YOU, None),
            (delegated(&[PRESENCE_READ_WRITE]), WriteLocation, YOU, None),
            (
                delegated(&["User.Read", PRESENCE_READ_WRITE]),
                Write,
                ME,
                Some(Owner),
            ),
            (Caller::anonymous(), WriteLocation, YOU, Some(Owner)),
        ];
        for (caller, access, user, expected) in table {
            let got = caller.authorize(access, user);
            assert_eq!(
                got.as_ref().ok().copied(),
                expected,
                "{caller:?} {access:?} {user}"
            );
            if let Err(error) = got {
                assert_eq!(error.status.as_u16(), 403);
                assert_eq!(error.code, "Forbidden");
            }
        }
    }

    #[test]
    fn delegated_write_on_another_user_says_so() {
        let error = delegated(&[PRESENCE_READ_WRITE])
            .authorize(Access::Write, YOU)
            .expect_err("not my presence");
        assert_eq!(error.message, "Cannot set the presence of another user.");
    }
}
