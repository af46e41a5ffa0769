//! OData `$select` on presence reads, as Graph applies it: the answer holds the selected
//! properties, plus `id` and `@odata.context` (which names the selection); an unknown
//! property is a 400. The OpenAPI document describes the full presence only (a selection
//! would make every property optional in the generated client); the official SDKs, whose
//! request builders offer `select`, read partial objects.

use std::collections::HashMap;

use actix_web::HttpRequest;
use presence_model::Presence;
use serde_json::{Map, Value};

use crate::error::GraphError;

/// The properties of `microsoft.graph.presence`, as the wire spells them.
const PROPERTIES: [&str; 7] = [
    "id",
    "availability",
    "activity",
    "outOfOfficeSettings",
    "sequenceNumber",
    "statusMessage",
    "workLocation",
];

/// The properties a request's `$select` names (canonical spelling, in the order given, no
/// repeats); `None` without `$select` or with `*`.
pub fn selection(req: &HttpRequest) -> Result<Option<Vec<&'static str>>, GraphError> {
    let query = actix_web::web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map_err(|_| GraphError::bad_request("The query string is not valid."))?;
    let Some(select) = query.get("$select") else {
        return Ok(None);
    };
    let mut chosen: Vec<&'static str> = Vec::new();
    for name in select.split(',').map(str::trim) {
        if name == "*" {
            return Ok(None);
        }
        // Graph matches property names without regard to case.
        let property = PROPERTIES
            .iter()
            .find(|p| p.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Could not find a property named '{name}' on type 'microsoft.graph.presence'."
                ))
            })?;
        if !chosen.contains(property) {
            chosen.push(property);
        }
    }
    Ok(Some(chosen))
}

/// `presence` cut down to `selected` (and `id`), its `@odata.context` naming the selection:
/// `…#users('{id}')/presence(availability,activity)/$entity`.
pub fn apply(presence: &Presence, selected: &[&str]) -> Value {
    let full = serde_json::to_value(presence).unwrap_or(Value::Null);
    let mut answer = Map::new();
    if let Some(context) = &presence.odata_context {
        let context = context.replacen(
            "/presence/$entity",
            &format!("/presence({})/$entity", selected.join(",")),
            1,
        );
        answer.insert("@odata.context".into(), Value::String(context));
    }
    for property in std::iter::once(&"id").chain(selected) {
        if let Some(value) = full.get(*property) {
            answer.insert((*property).to_owned(), value.clone());
        }
    }
    Value::Object(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn select(query: &str) -> Result<Option<Vec<&'static str>>, GraphError> {
        selection(&TestRequest::with_uri(&format!("/v1.0/me/presence?{query}")).to_http_request())
    }

    #[test]
    fn names_are_matched_without_case_and_unknown_ones_refused() {
        assert_eq!(select("").ok(), Some(None));
        assert_eq!(select("%24select=*").ok(), Some(None));
        assert_eq!(
            select("$select=Availability,activity,availability").ok(),
            Some(Some(vec!["availability", "activity"]))
        );
        let refused = select("$select=availability,mood").expect_err("refused");
        assert_eq!(refused.status.as_u16(), 400);
        assert!(refused.message.contains("'mood'"));
    }
}
