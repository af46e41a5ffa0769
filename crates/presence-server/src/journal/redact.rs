//! What the request journal never keeps: credentials, wherever they appear in a request.
//!
//! Headers: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`.
//! Body fields (form-encoded, JSON at any depth, or a form inside a JSON string such as a
//! `$batch` item's body): `client_secret`, `password`, `client_assertion`, `refresh_token`,
//! `code`, `device_code`, `access_token`, `id_token`. Only request bodies are redacted: a
//! response's `code` is Graph's error code, which the journal is for.

use std::collections::BTreeMap;

use actix_web::http::header::HeaderMap;

/// What a redacted value reads as.
pub const REDACTED: &str = "[redacted]";

const SECRET_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

const SECRET_FIELDS: [&str; 8] = [
    "client_secret",
    "password",
    "client_assertion",
    "refresh_token",
    "code",
    "device_code",
    "access_token",
    "id_token",
];

/// The request's headers, credentials replaced.
pub fn headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

/// A request body with every credential field's value replaced.
pub fn body(text: &str) -> String {
    if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(text) {
        // Written anew only when something was redacted: the journal shows what was sent.
        return if redact_json(&mut json) {
            json.to_string()
        } else {
            text.to_owned()
        };
    }
    form(text).unwrap_or_else(|| text.to_owned())
}

/// Redacts `value` in place; whether anything was.
fn redact_json(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            let mut any = false;
            for (key, value) in map.iter_mut() {
                if SECRET_FIELDS.contains(&key.as_str()) {
                    *value = serde_json::Value::String(REDACTED.to_owned());
                    any = true;
                } else {
                    any |= redact_json(value);
                }
            }
            any
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .fold(false, |any, item| redact_json(item) | any),
        serde_json::Value::String(text) => match form(text) {
            Some(redacted) => {
                *text = redacted;
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// `text` as a form with its credential fields redacted, if it is a form holding one.
fn form(text: &str) -> Option<String> {
    if !text.contains('=') {
        return None;
    }
    let mut found = false;
    let fields: Vec<String> = text
        .split('&')
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            let decoded = form_urlencoded_name(name);
            if SECRET_FIELDS.contains(&decoded.as_str()) {
                found = true;
                format!("{name}={REDACTED}")
            } else {
                pair.to_owned()
            }
        })
        .collect();
    found.then(|| fields.join("&"))
}

/// A form field's name, decoded (`client%5Fsecret` is `client_secret` too).
fn form_urlencoded_name(name: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("{name}=x"))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map_or_else(|| name.to_owned(), |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_in_forms_json_and_forms_inside_json() {
        let form = body("grant_type=client_credentials&client%5Fsecret=s3cret&scope=x");
        assert!(
            !form.contains("s3cret") && form.contains("scope=x"),
            "{form}"
        );
        let json = body(
            r#"{"requests":[{"id":"1","body":"client_secret=s3cret&code=abc","headers":{"x":"y"}}],"password":"p"}"#,
        );
        assert!(
            !json.contains("s3cret") && !json.contains("abc") && !json.contains("\"p\""),
            "{json}"
        );
        assert!(json.contains("\"x\":\"y\""), "{json}");
        let sent = r#"{"availability":"Busy","activity":"InACall"}"#;
        assert_eq!(
            body(sent),
            sent,
            "kept as sent when there is nothing to redact"
        );
    }

    #[test]
    fn secret_headers_are_redacted() {
        let mut map = HeaderMap::new();
        for name in [
            "authorization",
            "cookie",
            "proxy-authorization",
            "x-api-key",
            "accept",
        ] {
            map.insert(
                name.parse().expect("a name"),
                "secret".parse().expect("a value"),
            );
        }
        let kept = headers(&map);
        assert_eq!(kept["accept"], "secret");
        for name in [
            "authorization",
            "cookie",
            "proxy-authorization",
            "x-api-key",
        ] {
            assert_eq!(kept[name], REDACTED);
        }
    }
}
