//! The JSON Schema of the snapshot format (`openapi/snapshot.schema.json`), cut out of the
//! API description: the `Snapshot` schema and every schema it refers to, as JSON Schema
//! 2020-12 (utoipa's native dialect, before the 3.0 downgrade), references under `$defs`.

use serde_json::{Map, Value, json};
use utoipa::OpenApi;

use super::ApiDoc;

/// Where components live in the description, and where they go in the schema.
const FROM: &str = "#/components/schemas/";
const TO: &str = "#/$defs/";

/// The schema document.
pub fn snapshot_schema() -> anyhow::Result<Value> {
    let doc = serde_json::to_value(ApiDoc::openapi())?;
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow::anyhow!("the description has no schemas"))?;
    let mut defs = Map::new();
    let mut pending = vec!["Snapshot".to_owned()];
    while let Some(name) = pending.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let mut schema = schemas
            .get(&name)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("no schema {name}"))?;
        relink(&mut schema, &mut pending);
        defs.insert(name, schema);
    }
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "presence snapshot",
        "$ref": format!("{TO}Snapshot"),
    });
    let sorted: Map<String, Value> = {
        let mut names: Vec<String> = defs.keys().cloned().collect();
        names.sort();
        names
            .into_iter()
            .filter_map(|n| defs.remove(&n).map(|s| (n, s)))
            .collect()
    };
    root["$defs"] = Value::Object(sorted);
    Ok(root)
}

/// The schema document as committed.
pub fn snapshot_schema_json() -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(&snapshot_schema()?)?;
    text.push('\n');
    Ok(text)
}

/// Points every `$ref` of `value` at `$defs`, noting the names it refers to.
fn relink(value: &mut Value, pending: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(name) = reference.strip_prefix(FROM).map(str::to_owned)
            {
                *reference = format!("{TO}{name}");
                pending.push(name);
            }
            map.values_mut().for_each(|v| relink(v, pending));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| relink(v, pending)),
        _ => {}
    }
}
