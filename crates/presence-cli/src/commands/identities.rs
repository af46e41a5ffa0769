//! `presencectl apps …` and `presencectl users …`: who the server's authority knows.

use presence_client::types::{DeviceCodeApproval, NewApplication, NewUser};

use crate::cli::{AppsCommand, OutputFormat, UsersCommand};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::output;

pub async fn apps(
    connection: &Connection,
    command: AppsCommand,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        AppsCommand::Create {
            tenant,
            name,
            client_id,
            roles,
            scopes,
            certificates,
        } => {
            let certificates = certificates
                .iter()
                .map(|path| {
                    std::fs::read_to_string(path)
                        .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let created = admin
                .admin_register_application()
                .tid(tenant.as_str())
                .body(NewApplication {
                    client_id,
                    display_name: name,
                    secrets: Vec::new(),
                    certificates,
                    roles,
                    scopes,
                })
                .send()
                .await?
                .into_inner();
            output::record(format, &created);
        }
        AppsCommand::List { tenant } => {
            let listed = admin
                .admin_list_applications()
                .tid(tenant.as_str())
                .send()
                .await?
                .into_inner();
            match format {
                OutputFormat::Json => output::record(format, &listed),
                OutputFormat::Table => output::rows(
                    [
                        "CLIENT ID",
                        "NAME",
                        "ROLES",
                        "SCOPES",
                        "SECRETS",
                        "CERTIFICATES",
                    ],
                    listed
                        .value
                        .iter()
                        .map(|app| {
                            [
                                app.client_id.clone(),
                                app.display_name.clone(),
                                app.roles.join(" "),
                                app.scopes.join(" "),
                                app.secret_count.to_string(),
                                app.certificate_count.to_string(),
                            ]
                        })
                        .collect(),
                ),
            }
        }
        AppsCommand::Delete { client_id, tenant } => {
            admin
                .admin_delete_application()
                .tid(tenant.as_str())
                .client_id(client_id.as_str())
                .send()
                .await?;
        }
        AppsCommand::AddSecret { client_id, tenant } => {
            let added = admin
                .admin_add_application_secret()
                .tid(tenant.as_str())
                .client_id(client_id.as_str())
                .send()
                .await?
                .into_inner();
            output::record(format, &added);
        }
    }
    Ok(())
}

pub async fn users(
    connection: &Connection,
    command: UsersCommand,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        UsersCommand::Create {
            tenant,
            upn,
            password,
            name,
            id,
        } => {
            let created = admin
                .admin_add_user()
                .tid(tenant.as_str())
                .body(NewUser {
                    id,
                    user_principal_name: upn,
                    display_name: name,
                    password,
                })
                .send()
                .await?
                .into_inner();
            output::record(format, &created);
        }
        UsersCommand::List { tenant } => {
            let listed = admin
                .admin_list_users()
                .tid(tenant.as_str())
                .send()
                .await?
                .into_inner();
            match format {
                OutputFormat::Json => output::record(format, &listed),
                OutputFormat::Table => output::rows(
                    ["ID", "USER PRINCIPAL NAME", "NAME"],
                    listed
                        .value
                        .iter()
                        .map(|user| {
                            [
                                user.id.clone(),
                                user.user_principal_name.clone(),
                                user.display_name.clone(),
                            ]
                        })
                        .collect(),
                ),
            }
        }
        UsersCommand::Approve { user_code, upn } => {
            admin
                .admin_approve_device_code()
                .user_code(user_code.as_str())
                .body(DeviceCodeApproval {
                    user_principal_name: upn,
                })
                .send()
                .await?;
        }
        UsersCommand::Delete { id, tenant } => {
            admin
                .admin_delete_user()
                .tid(tenant.as_str())
                .id(id.as_str())
                .send()
                .await?;
        }
    }
    Ok(())
}
