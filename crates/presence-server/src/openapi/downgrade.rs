//! OpenAPI 3.1 → 3.0, for the constructs utoipa emits.
//!
//! utoipa only writes 3.1 and progenitor only reads 3.0 (its parser rejects 3.1 even when the
//! version string is changed), so the pipeline converts in between. The conversion is
//! schema-aware, not textual: nullability in 3.1 is part of the type (`type: [T, "null"]`,
//! `oneOf: [X, {type: null}]`), in 3.0 it is a `nullable` flag, and a nullable `$ref` must be
//! wrapped in `allOf` because 3.0 ignores siblings of `$ref`. Constructs with no 3.0 form are
//! refused rather than silently dropped.

use anyhow::{Context, bail};
use serde_json::{Map, Value, json};

/// The version written into the converted document.
pub const OPENAPI_3_0: &str = "3.0.3";

/// Rewrites `document` (an OpenAPI 3.1 document as utoipa emits it) into OpenAPI 3.0 in place.
pub fn to_openapi_3_0(document: &mut Value) -> anyhow::Result<()> {
    let root = document
        .as_object_mut()
        .context("an OpenAPI document is a JSON object")?;
    root.insert("openapi".into(), json!(OPENAPI_3_0));
    if let Some(license) = root
        .get_mut("info")
        .and_then(|info| info.get_mut("license"))
        .and_then(Value::as_object_mut)
    {
        // 3.1 added the SPDX `identifier`; 3.0 has only `name` and `url`.
        license.shift_remove("identifier");
    }
    root.shift_remove("jsonSchemaDialect");
    root.shift_remove("webhooks");
    rewrite_schemas(document, "#")
}

/// Walks the whole document and converts every JSON Schema object found at a schema position.
fn rewrite_schemas(value: &mut Value, at: &str) -> anyhow::Result<()> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let path = format!("{at}/{key}");
                if key == "schema" {
                    convert_schema(child, &path)?;
                } else if key == "schemas" && at.ends_with("/components") {
                    if let Some(schemas) = child.as_object_mut() {
                        for (name, schema) in schemas.iter_mut() {
                            convert_schema(schema, &format!("{path}/{name}"))?;
                        }
                    }
                } else {
                    rewrite_schemas(child, &path)?;
                }
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .try_for_each(|(i, item)| rewrite_schemas(item, &format!("{at}/{i}"))),
        _ => Ok(()),
    }
}

/// Converts one schema and, recursively, every schema inside it.
fn convert_schema(schema: &mut Value, at: &str) -> anyhow::Result<()> {
    let Some(map) = schema.as_object_mut() else {
        return Ok(()); // `true`/`false` schemas have no 3.0 form but never come from utoipa.
    };
    for unsupported in [
        "prefixItems",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "$defs",
    ] {
        if map.contains_key(unsupported) {
            bail!("{at}: `{unsupported}` has no OpenAPI 3.0 form; keep it out of API types");
        }
    }
    map.shift_remove("propertyNames");
    map.shift_remove("$schema");
    convert_type_array(map, at)?;
    convert_nullable_one_of(map);
    convert_const(map);
    convert_examples(map);
    convert_exclusive_bounds(map, "exclusiveMinimum", "minimum");
    convert_exclusive_bounds(map, "exclusiveMaximum", "maximum");
    wrap_ref_with_siblings(map);

    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            convert_schema(child, &format!("{at}/{key}"))?;
        }
    }
    for key in ["properties"] {
        if let Some(children) = map.get_mut(key).and_then(Value::as_object_mut) {
            for (name, child) in children.iter_mut() {
                convert_schema(child, &format!("{at}/{key}/{name}"))?;
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(children) = map.get_mut(key).and_then(Value::as_array_mut) {
            for (i, child) in children.iter_mut().enumerate() {
                convert_schema(child, &format!("{at}/{key}/{i}"))?;
            }
        }
    }
    Ok(())
}

/// `type: ["string", "null"]` → `type: string, nullable: true`.
fn convert_type_array(map: &mut Map<String, Value>, at: &str) -> anyhow::Result<()> {
    let Some(Value::Array(types)) = map.get("type") else {
        return Ok(());
    };
    let nullable = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    match rest.as_slice() {
        [single] => {
            map.insert("type".into(), single.clone());
        }
        [] => bail!("{at}: a schema whose only type is null has no OpenAPI 3.0 form"),
        _ => bail!("{at}: a schema with several types has no OpenAPI 3.0 form"),
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
    Ok(())
}

/// `oneOf: [{type: null}, X]` (utoipa's `Option<Struct>`) → `allOf: [X], nullable: true`.
fn convert_nullable_one_of(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(variants)) = map.get(key) else {
            continue;
        };
        let is_null = |v: &Value| v.get("type").is_some_and(|t| t == "null");
        if !variants.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = variants.iter().filter(|v| !is_null(v)).cloned().collect();
        map.shift_remove(key);
        if let [single] = rest.as_slice() {
            map.insert("allOf".into(), json!([single]));
        } else {
            map.insert(key.into(), Value::Array(rest));
        }
        map.insert("nullable".into(), Value::Bool(true));
    }
}

/// `const: v` → `enum: [v]`.
fn convert_const(map: &mut Map<String, Value>) {
    if let Some(value) = map.shift_remove("const") {
        map.insert("enum".into(), json!([value]));
    }
}

/// `examples: [a, ...]` → `example: a` (3.0 schemas have a single example).
fn convert_examples(map: &mut Map<String, Value>) {
    if let Some(Value::Array(mut examples)) = map.shift_remove("examples")
        && !map.contains_key("example")
        && !examples.is_empty()
    {
        map.insert("example".into(), examples.swap_remove(0));
    }
}

/// Numeric `exclusiveMinimum: 5` → `minimum: 5, exclusiveMinimum: true` (likewise maximum).
fn convert_exclusive_bounds(map: &mut Map<String, Value>, exclusive: &str, inclusive: &str) {
    if let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
        map.insert(inclusive.into(), bound);
        map.insert(exclusive.into(), Value::Bool(true));
    }
}

/// 3.0 ignores every sibling of `$ref`, so `{$ref, nullable, description}` must become
/// `{allOf: [{$ref}], nullable, description}`, or tools silently drop the `Option`.
fn wrap_ref_with_siblings(map: &mut Map<String, Value>) {
    if map.len() > 1
        && let Some(reference) = map.shift_remove("$ref")
    {
        map.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(document: Value) -> Value {
        let mut document = document;
        to_openapi_3_0(&mut document).expect("convertible");
        document
    }

    fn component(schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"name": "MIT", "identifier": "MIT"}},
            "paths": {},
            "components": {"schemas": {"S": schema}}
        })
    }

    fn converted_component(schema: Value) -> Value {
        convert(component(schema))["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn version_and_license() {
        let document = convert(component(json!({"type": "string"})));
        assert_eq!(document["openapi"], OPENAPI_3_0);
        assert_eq!(document["info"]["license"], json!({"name": "MIT"}));
    }

    #[test]
    fn type_arrays_become_nullable() {
        let schema = converted_component(json!({
            "type": "object",
            "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "integer"}}
        }));
        assert_eq!(
            schema["properties"]["a"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(schema["properties"]["b"], json!({"type": "integer"}));
    }

    #[test]
    fn nullable_refs_are_wrapped_in_all_of() {
        let schema = converted_component(json!({
            "type": "object",
            "properties": {
                "a": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/X"}]},
                "b": {"$ref": "#/components/schemas/X", "description": "d"}
            }
        }));
        assert_eq!(
            schema["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
        );
        assert_eq!(
            schema["properties"]["b"],
            json!({"allOf": [{"$ref": "#/components/schemas/X"}], "description": "d"})
        );
    }

    #[test]
    fn const_examples_bounds_and_property_names() {
        let schema = converted_component(json!({
            "type": "object",
            "propertyNames": {"type": "string"},
            "additionalProperties": {"type": "integer", "exclusiveMinimum": 0, "examples": [3, 4]},
            "properties": {"k": {"const": "v"}}
        }));
        assert!(schema.get("propertyNames").is_none());
        assert_eq!(
            schema["additionalProperties"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "example": 3})
        );
        assert_eq!(schema["properties"]["k"], json!({"enum": ["v"]}));
    }

    #[test]
    fn schemas_inside_operations_are_converted() {
        let document = convert(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": ["integer", "null"]}}}}}}}}
        }));
        assert_eq!(
            document["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn constructs_without_a_3_0_form_are_refused() {
        let mut document = component(json!({"prefixItems": [{"type": "string"}]}));
        let error = to_openapi_3_0(&mut document).expect_err("tuples have no 3.0 form");
        assert!(error.to_string().contains("prefixItems"), "{error}");
    }
}
