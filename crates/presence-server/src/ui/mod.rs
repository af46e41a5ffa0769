//! The dashboard at `/ui`: a page of plain ES modules (no build step, no framework) compiled
//! into the binary with `include_str!`, so it works offline and loads nothing from another
//! origin. It is a client of the admin and Graph APIs like any script: it adds no endpoint of
//! its own beyond serving these files.
//!
//! Invariant: every asset is served with a strict Content-Security-Policy (scripts, styles
//! and connections from this origin only, no inline script, no framing), so the page can
//! reach nothing but this server.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// The page's policy: nothing from another origin, no inline script or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The embedded files: name, media type, content.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_str!("assets/index.html"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("assets/style.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/app.js"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/api.js"),
    ),
    (
        "format.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/format.js"),
    ),
    (
        "users.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/users.js"),
    ),
    (
        "user.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/user.js"),
    ),
    (
        "subscriptions.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/subscriptions.js"),
    ),
    (
        "requests.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/requests.js"),
    ),
    (
        "clock.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/clock.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("assets/favicon.svg"),
    ),
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/ui").get(|| async {
        HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, "/ui/"))
            .finish()
    }))
    .service(web::resource("/ui/").get(|| async { asset("index.html") }))
    .service(
        web::resource("/ui/{file}").get(|file: web::Path<String>| async move { asset(&file) }),
    );
}

/// One embedded file with the page's security headers, or 404.
fn asset(name: &str) -> HttpResponse {
    let Some((_, media_type, content)) = ASSETS.iter().find(|(file, _, _)| *file == name) else {
        return HttpResponse::NotFound()
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .content_type("text/plain; charset=utf-8")
            .body("Not found.");
    };
    HttpResponse::Ok()
        .content_type(*media_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(*content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_page_imports_is_embedded() {
        for (name, _, content) in ASSETS {
            for line in content.lines() {
                let Some(rest) = line.split(" from \"./").nth(1) else {
                    continue;
                };
                let imported = rest.split('"').next().unwrap_or_default();
                assert!(
                    ASSETS.iter().any(|(file, _, _)| *file == imported),
                    "{name} imports {imported}, which is not embedded"
                );
            }
            assert!(
                !content.contains("http://") && !content.contains("https://")
                    || *name == "favicon.svg",
                "{name} names another origin"
            );
        }
    }
}

#[cfg(test)]
mod vocabularies {
    use std::collections::BTreeSet;

    use crate::engine::pairs::SESSION_PAIRS;
    use crate::engine::preferred::PREFERRED_PAIRS;
    use presence_model::{Activity, Availability};

    /// The `[availability, activity]` pairs of the dashboard's `export const NAME = [...]`.
    fn pairs_in_format_js(name: &str) -> BTreeSet<(String, String)> {
        let script = include_str!("assets/format.js");
        let start = script
            .find(&format!("export const {name} = ["))
            .unwrap_or_else(|| panic!("format.js exports {name}"));
        let list = &script[start..];
        let list = &list[..list.find("];").expect("the list ends")];
        list.lines()
            .filter_map(|line| {
                let line = line.trim().trim_end_matches(',');
                let inner = line.strip_prefix('[')?.strip_suffix(']')?;
                let (availability, activity) = inner.split_once(',')?;
                let unquote = |s: &str| s.trim().trim_matches('"').to_owned();
                Some((unquote(availability), unquote(activity)))
            })
            .collect()
    }

    fn as_text(pairs: &[(Availability, Activity)]) -> BTreeSet<(String, String)> {
        pairs
            .iter()
            .map(|(availability, activity)| (availability.to_string(), activity.to_string()))
            .collect()
    }

    /// The dashboard offers exactly the pairs the engine accepts (its copies cannot drift).
    #[test]
    fn the_dashboards_pairs_are_the_engines() {
        assert_eq!(pairs_in_format_js("SESSION_PAIRS"), as_text(&SESSION_PAIRS));
        assert_eq!(
            pairs_in_format_js("PREFERRED_PAIRS"),
            as_text(&PREFERRED_PAIRS)
        );
    }
}
