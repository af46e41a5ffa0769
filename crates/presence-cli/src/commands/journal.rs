//! `admin requests` and `admin deliveries`: the journals, once or followed.

use std::time::Duration;

use presence_client::types::{DeliveryAttempt, RequestRecord};

use crate::cli::{JournalArgs, JournalView, OutputFormat};
use crate::connection::Connection;
use crate::failure::Failure;
use crate::output;

/// How often a followed journal is polled.
const POLL: Duration = Duration::from_millis(500);

pub async fn requests(
    connection: &Connection,
    args: JournalArgs,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    if args.view.clear {
        admin.admin_clear_requests().send().await?;
        return Ok(());
    }
    let page = |after: Option<i64>, top: Option<u32>| {
        let mut request = admin.admin_list_requests();
        if let Some(operation) = &args.operation {
            request = request.operation(operation.clone());
        }
        if let Some(status) = args.status {
            request = request.status(i32::from(status));
        }
        if let Some(tenant) = &args.tenant {
            request = request.tenant(tenant.clone());
        }
        if let Some(application) = &args.application {
            request = request.application(application.clone());
        }
        if let Some(after) = after {
            request = request.after(after);
        }
        if let Some(top) = top {
            request = request.top(u64::from(top));
        }
        async move { Ok::<_, Failure>(request.send().await?.into_inner().value) }
    };
    follow_or_show(
        &args.view,
        format,
        page,
        (REQUEST_HEADER, |r: &RequestRecord| r.sequence, request_row),
    )
    .await
}

pub async fn deliveries(
    connection: &Connection,
    subscription: Option<String>,
    view: JournalView,
    format: OutputFormat,
) -> Result<(), Failure> {
    let admin = &connection.admin;
    if view.clear {
        admin.admin_clear_deliveries().send().await?;
        return Ok(());
    }
    let page = |after: Option<i64>, top: Option<u32>| {
        let mut request = admin.admin_list_deliveries();
        if let Some(subscription) = &subscription {
            request = request.subscription(subscription.clone());
        }
        if let Some(after) = after {
            request = request.after(after);
        }
        if let Some(top) = top {
            request = request.top(u64::from(top));
        }
        async move { Ok::<_, Failure>(request.send().await?.into_inner().value) }
    };
    follow_or_show(
        &view,
        format,
        page,
        (
            DELIVERY_HEADER,
            |d: &DeliveryAttempt| d.sequence,
            delivery_row,
        ),
    )
    .await
}

/// How a journal's entries are shown: the header, an entry's sequence, an entry's row.
type Columns<T> = ([&'static str; 6], fn(&T) -> i64, fn(&T) -> [String; 6]);

/// Shows one page (newest first), or with `--follow` prints every new entry oldest first
/// until interrupted or `--count` entries were printed.
async fn follow_or_show<T, P, F>(
    view: &JournalView,
    format: OutputFormat,
    page: P,
    (header, sequence, row): Columns<T>,
) -> Result<(), Failure>
where
    T: serde::Serialize,
    P: Fn(Option<i64>, Option<u32>) -> F,
    F: std::future::Future<Output = Result<Vec<T>, Failure>>,
{
    if !view.follow {
        let entries = page(None, view.top).await?;
        match format {
            OutputFormat::Json => output::record(format, &serde_json::json!({ "value": entries })),
            OutputFormat::Table => output::rows(header, entries.iter().map(row).collect()),
        }
        return Ok(());
    }
    // Start after what is there now: following shows what happens from now on.
    let mut last = page(None, Some(1)).await?.first().map_or(0, sequence);
    // On standard error, so that the output stays the entries alone: from here on, nothing
    // is missed (a script or a test may wait for this line before it acts).
    eprintln!("following from entry {last}; Ctrl-C to stop");
    let mut printed = 0;
    if format == OutputFormat::Table {
        output::rows(header, Vec::new());
    }
    loop {
        let mut entries = page(Some(last), None).await?;
        entries.reverse();
        for entry in entries {
            last = last.max(sequence(&entry));
            match format {
                OutputFormat::Json => {
                    println!("{}", serde_json::to_string(&entry).unwrap_or_default());
                }
                OutputFormat::Table => println!("{}", row(&entry).join("  ")),
            }
            printed += 1;
            if view.count.is_some_and(|count| printed >= count) {
                return Ok(());
            }
        }
        tokio::time::sleep(POLL).await;
    }
}

const REQUEST_HEADER: [&str; 6] = ["TIME", "METHOD", "STATUS", "MS", "OPERATION", "PATH"];
const DELIVERY_HEADER: [&str; 6] = [
    "TIME",
    "SUBSCRIPTION",
    "ATTEMPT",
    "OUTCOME",
    "STATUS",
    "USER",
];

fn request_row(r: &RequestRecord) -> [String; 6] {
    [
        r.time.clone(),
        r.method.clone(),
        r.status.to_string(),
        format!("{:.1}", r.duration_ms),
        r.operation.clone().unwrap_or_default(),
        r.path.clone(),
    ]
}

fn delivery_row(d: &DeliveryAttempt) -> [String; 6] {
    [
        d.time.clone(),
        d.subscription_id.clone(),
        d.attempt.to_string(),
        d.outcome.clone(),
        d.status
            .map_or_else(|| d.error.clone().unwrap_or_default(), |s| s.to_string()),
        d.user.clone(),
    ]
}
