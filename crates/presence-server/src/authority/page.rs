//! The authority's two small HTML pages (sign in for an authorization request, approve a
//! device code): no script, no outside resource, a strict Content-Security-Policy; every
//! value written into them is escaped.

use actix_web::HttpResponse;

/// Text safe inside HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A form posting `hidden` values and labelled text `fields` (name, label, value) to
/// `action`.
pub fn form(
    action: &str,
    hidden: &[(&str, &str)],
    fields: &[(&str, &str, &str)],
    submit: &str,
) -> String {
    let mut html = format!(r#"<form method="post" action="{}">"#, escape(action));
    for (name, value) in hidden {
        html.push_str(&format!(
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        ));
    }
    for (name, label, value) in fields {
        // A password is never written back into a page.
        if *name == "password" {
            html.push_str(&format!(
                r#"<p><label>{} <input type="password" name="password" autocomplete="current-password" required></label></p>"#,
                escape(label),
            ));
            continue;
        }
        html.push_str(&format!(
            r#"<p><label>{} <input name="{}" value="{}" required></label></p>"#,
            escape(label),
            escape(name),
            escape(value)
        ));
    }
    html.push_str(&format!(
        r#"<p><button type="submit">{}</button></p></form>"#,
        escape(submit)
    ));
    html
}

/// A 400 page: a request the page cannot serve.
pub fn refuse(title: &str, error: &str) -> HttpResponse {
    let mut response = respond(title, error, "");
    *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    response
}

/// A page titled `title`, with an `error` line when not empty, around `body` (trusted HTML).
pub fn respond(title: &str, error: &str, body: &str) -> HttpResponse {
    let error = if error.is_empty() {
        String::new()
    } else {
        format!(r#"<p role="alert"><strong>{}</strong></p>"#, escape(error))
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title} · presence</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}}\
         input{{font:inherit;padding:.3rem;width:100%}}button{{font:inherit;padding:.4rem 1rem}}</style></head>\
         <body><h1>{title}</h1><p>presence's local authority (test users only).</p>{error}{body}</body></html>",
        title = escape(title)
    );
    HttpResponse::Ok()
        .insert_header(("content-type", "text/html; charset=utf-8"))
        .insert_header((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .insert_header(("x-frame-options", "DENY"))
        .body(html)
}
