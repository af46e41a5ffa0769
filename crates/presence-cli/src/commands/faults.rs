//! `admin fault add|list|remove`.

use presence_client::types::{FaultMatch, FaultResponse, FaultRule};

use crate::cli::{FaultArgs, FaultCommand, FaultTarget, OutputFormat};
use crate::connection::Connection;
use crate::duration::to_iso;
use crate::failure::Failure;
use crate::output;

pub async fn run(
    connection: &Connection,
    command: FaultCommand,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    match command {
        FaultCommand::Add(args) => {
            let rule = admin.admin_add_fault().body(rule(*args)).send().await?;
            output::record(format, &rule.into_inner());
        }
        FaultCommand::List => {
            let rules = admin.admin_list_faults().send().await?.into_inner();
            output::record(format, &rules);
        }
        FaultCommand::Remove { id: Some(id), .. } => {
            admin.admin_delete_fault().fault_id(id).send().await?;
        }
        FaultCommand::Remove { id: None, .. } => {
            admin.admin_clear_faults().send().await?;
        }
    }
    Ok(())
}

fn rule(args: FaultArgs) -> FaultRule {
    FaultRule {
        id: None,
        applies_to: match args.on {
            FaultTarget::Requests => "requests",
            FaultTarget::Deliveries => "deliveries",
        }
        .to_owned(),
        matches: FaultMatch {
            operation: args.operation,
            method: args.method,
            path: args.path,
            tenant: args.tenant,
            application: args.application,
            subscription: args.subscription,
        },
        respond: args.status.map(|status| FaultResponse {
            status,
            code: args.code,
            message: None,
            retry_after: args.retry_after,
        }),
        delay: args.delay.map(to_iso),
        drop: args.drop,
        duplicate: args.duplicate,
        probability: args.probability,
        times: args.times,
        fired: 0,
    }
}
