//! Calendar entries: `POST`/`GET /admin/tenants/{tid}/users/{id}/calendar`, and
//! `GET`/`DELETE …/calendar/{entry_id}`. A running `busy`/`tentative` entry puts a signed-in
//! user in a meeting, an `oof` entry out of office (`engine::user_state`).

use actix_web::{HttpResponse, web};
use presence_model::{CalendarEvent, CalendarEventCollection};
use serde::Deserialize;

use super::AdminCaller;
use super::scope::{UserOfTenant, printable, time, user_key};
use crate::engine::calendar::{CalendarEntry, ShowAs};
use crate::error::{BodyErrorResponses, ErrorResponses, GraphError};
use crate::http::body::Body;
use crate::http::fallback::method_not_allowed;
use crate::state::AppState;
use crate::store::{Write, Written};

/// Longest subject kept.
const MAX_SUBJECT: usize = 255;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/admin/tenants/{tid}/users/{id}/calendar")
            .post(add_calendar_entry)
            .get(list_calendar_entries)
            .default_service(method_not_allowed("POST, GET")),
    )
    .service(
        web::resource("/admin/tenants/{tid}/users/{id}/calendar/{entry_id}")
            .get(get_calendar_entry)
            .delete(delete_calendar_entry)
            .default_service(method_not_allowed("GET, DELETE")),
    );
}

/// The path of one entry.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EntryPath {
    /// The tenant id.
    pub tid: String,
    /// The user id.
    pub id: String,
    /// The entry's id.
    pub entry_id: String,
}

/// The wire form of an entry.
pub fn to_wire(entry: &CalendarEntry) -> CalendarEvent {
    CalendarEvent {
        id: Some(entry.id.clone()),
        start: entry.start.to_string(),
        end: entry.end.to_string(),
        show_as: entry.show_as.as_str().to_owned(),
        subject: entry.subject.clone(),
    }
}

/// An entry from its wire form, with a fresh id; the reason it is refused otherwise.
pub fn from_wire(event: &CalendarEvent, id: String) -> Result<CalendarEntry, GraphError> {
    let start = time(&event.start, "start")?;
    let end = time(&event.end, "end")?;
    if end <= start {
        return Err(GraphError::invalid_argument("'end' must be after 'start'.").with_target("end"));
    }
    let show_as = ShowAs::parse(&event.show_as).ok_or_else(|| {
        GraphError::invalid_argument("'showAs' is busy, tentative, oof or free.")
            .with_target("showAs")
    })?;
    if let Some(subject) = &event.subject {
        printable(subject, MAX_SUBJECT, "subject")?;
    }
    Ok(CalendarEntry {
        id,
        start,
        end,
        show_as,
        subject: event.subject.clone(),
    })
}

/// Add a calendar entry; answers it with its id. While it runs, it changes the user's
/// presence (meetings, out of office) and subscribers are notified at its start and end.
#[utoipa::path(
    post,
    path = "/admin/tenants/{tid}/users/{id}/calendar",
    operation_id = "admin_add_calendar_entry",
    tag = "admin",
    params(UserOfTenant),
    request_body = CalendarEvent,
    responses((status = 201, description = "Added.", body = CalendarEvent), BodyErrorResponses)
)]
pub async fn add_calendar_entry(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
    body: Body<CalendarEvent>,
) -> Result<HttpResponse, GraphError> {
    let user = path.key()?;
    let entry = from_wire(&body, uuid::Uuid::new_v4().to_string())?;
    let answer = to_wire(&entry);
    let now = state.clock.now();
    state
        .store
        .write(Write::AddCalendarEntry { user, entry, now })
        .await?;
    Ok(HttpResponse::Created().json(answer))
}

/// A user's calendar entries, by start.
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/users/{id}/calendar",
    operation_id = "admin_list_calendar_entries",
    tag = "admin",
    params(UserOfTenant),
    responses((status = 200, description = "The entries.", body = CalendarEventCollection), ErrorResponses)
)]
pub async fn list_calendar_entries(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<UserOfTenant>,
) -> Result<web::Json<CalendarEventCollection>, GraphError> {
    let user = path.key()?;
    let mut calendar = state
        .store
        .load_user(&user.tenant, &user.user)
        .await?
        .calendar;
    calendar.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    Ok(web::Json(CalendarEventCollection {
        value: calendar.iter().map(to_wire).collect(),
    }))
}

/// One calendar entry.
#[utoipa::path(
    get,
    path = "/admin/tenants/{tid}/users/{id}/calendar/{entry_id}",
    operation_id = "admin_get_calendar_entry",
    tag = "admin",
    params(EntryPath),
    responses((status = 200, description = "The entry.", body = CalendarEvent), ErrorResponses)
)]
pub async fn get_calendar_entry(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<EntryPath>,
) -> Result<web::Json<CalendarEvent>, GraphError> {
    let user = user_key(&path.tid, &path.id)?;
    let calendar = state
        .store
        .load_user(&user.tenant, &user.user)
        .await?
        .calendar;
    calendar
        .iter()
        .find(|entry| entry.id == path.entry_id)
        .map(|entry| web::Json(to_wire(entry)))
        .ok_or_else(|| GraphError::not_found(format!("No calendar entry '{}'.", path.entry_id)))
}

/// Remove a calendar entry.
#[utoipa::path(
    delete,
    path = "/admin/tenants/{tid}/users/{id}/calendar/{entry_id}",
    operation_id = "admin_delete_calendar_entry",
    tag = "admin",
    params(EntryPath),
    responses((status = 204, description = "Removed."), ErrorResponses)
)]
pub async fn delete_calendar_entry(
    _admin: AdminCaller,
    state: web::Data<AppState>,
    path: web::Path<EntryPath>,
) -> Result<HttpResponse, GraphError> {
    let user = user_key(&path.tid, &path.id)?;
    let written = state
        .store
        .write(Write::RemoveCalendarEntry {
            user,
            entry_id: path.entry_id.clone(),
            now: state.clock.now(),
        })
        .await?;
    if written == Written::Found(true) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(GraphError::not_found(format!(
            "No calendar entry '{}'.",
            path.entry_id
        )))
    }
}
