//! Printing results: exactly the server's JSON, or a table for people.

use std::io::IsTerminal;

use presence_model::Presence;

use crate::cli::OutputFormat;

/// The format in force: the one asked for, else a table on a terminal and JSON elsewhere.
pub fn format(asked: Option<OutputFormat>) -> OutputFormat {
    asked.unwrap_or_else(|| {
        if std::io::stdout().is_terminal() {
            OutputFormat::Table
        } else {
            OutputFormat::Json
        }
    })
}

/// Prints one presence (JSON: the object) or several (JSON: `{"value": [...]}`).
pub fn presences(format: OutputFormat, presences: &[Presence], single: bool) {
    match format {
        OutputFormat::Json => {
            let text = if single && presences.len() == 1 {
                serde_json::to_string_pretty(&presences[0])
            } else {
                serde_json::to_string_pretty(&serde_json::json!({ "value": presences }))
            };
            println!("{}", text.unwrap_or_default());
        }
        OutputFormat::Table => {
            let rows: Vec<[String; 5]> = presences.iter().map(row).collect();
            print_table(
                [
                    "USER",
                    "AVAILABILITY",
                    "ACTIVITY",
                    "STATUS MESSAGE",
                    "LOCATION",
                ],
                &rows,
            );
        }
    }
}

fn row(p: &Presence) -> [String; 5] {
    let message = p
        .status_message
        .as_ref()
        .and_then(|m| m.message.as_ref())
        .and_then(|m| m.content.clone())
        .unwrap_or_default();
    let location = format!(
        "{} ({})",
        p.work_location.work_location_type, p.work_location.source
    );
    [
        p.id.clone(),
        p.availability.to_string(),
        p.activity.to_string(),
        message,
        location,
    ]
}

fn print_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Prints one record: its JSON, or for people one `name  value` line per field (nested
/// objects flattened as `outer.inner`).
pub fn record<T: serde::Serialize>(format: OutputFormat, value: &T) {
    let json = serde_json::to_value(value).unwrap_or_default();
    match format {
        OutputFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        OutputFormat::Table => {
            let mut rows = Vec::new();
            flatten("", &json, &mut rows);
            print_table(["FIELD", "VALUE"], &rows);
        }
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, rows: &mut Vec<[String; 2]>) {
    match value {
        serde_json::Value::Object(fields) => {
            for (name, field) in fields {
                let name = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                flatten(&name, field, rows);
            }
        }
        serde_json::Value::String(text) => rows.push([prefix.to_owned(), text.clone()]),
        other => rows.push([prefix.to_owned(), other.to_string()]),
    }
}

/// Prints rows under a header, columns aligned.
pub fn rows<const N: usize>(header: [&str; N], rows: Vec<[String; N]>) {
    print_table(header, &rows);
}
