//! `GET /events/presence?ids=…`: a server-sent events stream of presence changes (beyond
//! Graph, for local use: `presencectl watch` follows it). Same authorization as reading those
//! presences. Each event is `event: presence` with the presence JSON a GET would return;
//! the first events give every user's current presence. A stream lasts as long as the token
//! it was opened with: when that expires (with the same leeway as requests), a last
//! `event: end` with `{"reason":"tokenExpired"}` is sent and the stream closes; when the
//! server stops, the last event is `{"reason":"shutdown"}`. Streams are counted against the
//! application's share and the server's cap ([`crate::streams`]).

use std::convert::Infallible;
use std::time::Duration;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use presence_model::Presence;
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

use super::presence::{distinct_ids, presence_body};
use crate::auth::{Access, Caller};
use crate::engine::Audience;
use crate::error::{ErrorResponses, GraphError};
use crate::state::AppState;

/// How often the stream re-reads its users anyway: changes time alone makes (fades, expiries)
/// reach the stream within this delay.
const RECHECK: Duration = Duration::from_secs(1);
/// A comment line every so often (in rechecks) keeps proxies from closing an idle stream,
/// and finds a client that went away (a write to its closed connection fails), so that its
/// place among the open streams (`crate::streams`) is given back within seconds.
const KEEP_ALIVE_EVERY: u32 = 5;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Comma-separated user ids (at most 650).
    pub ids: String,
}

/// Stream the presence of users as it changes (text/event-stream).
#[utoipa::path(
    get,
    path = "/events/presence",
    operation_id = "presence_events",
    tag = "presence",
    params(EventsQuery),
    responses(
        (status = 200, description = "Server-sent events: `event: presence`, data = the presence JSON.", body = String, content_type = "text/event-stream"),
        ErrorResponses,
    )
)]
pub async fn presence_events(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, GraphError> {
    let asked: Vec<String> = query.ids.split(',').map(str::to_owned).collect();
    let ids = distinct_ids(&asked)?;
    let mut users: Vec<Followed> = ids
        .iter()
        .map(|id| {
            Ok(Followed {
                id: id.clone(),
                audience: caller.authorize(Access::Read, id)?,
                last: None,
            })
        })
        .collect::<Result<_, GraphError>>()?;
    users.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    users.shrink_to_fit();
    let slot = state
        .streams
        .open(&caller.tenant, caller.app_id.as_deref(), caller.expires_at)?;
    let (events, stream) = mpsc::channel::<Bytes>(64);
    let changes = state.store.changes();
    actix_web::rt::spawn(follow(state, caller.tenant, users, changes, events, slot));
    let body = ReceiverStream::new(stream).map(Ok::<_, Infallible>);
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .streaming(body))
}

/// One user a stream follows. What was last sent is kept as a hash of what it showed, not
/// the presence itself: a stream of 650 users idles in a few tens of KiB (it took about
/// 950 KiB with each presence kept whole).
struct Followed {
    id: String,
    audience: Audience,
    /// [`shown`] of the presence last sent; `None` before the first.
    last: Option<u64>,
}

/// Feeds one stream until its client goes away, or until its `slot` ends (its token
/// expires, the server stops: then a final `event: end` says why, and the stream closes).
/// `users` are sorted by id.
async fn follow(
    state: web::Data<AppState>,
    tenant: String,
    mut users: Vec<Followed>,
    mut changes: broadcast::Receiver<crate::store::Change>,
    events: mpsc::Sender<Bytes>,
    mut slot: crate::streams::Slot,
) {
    // Counted open for as long as this task feeds the stream.
    let _open = crate::metrics::OpenStream::new();
    let all = |users: &[Followed]| users.iter().map(|user| user.id.clone()).collect();
    let mut ticks = tokio::time::interval(RECHECK);
    let mut idle_ticks = 0u32;
    loop {
        let due: Vec<String> = tokio::select! {
            _ = ticks.tick() => {
                idle_ticks += 1;
                all(&users)
            }
            change = changes.recv() => match change {
                Ok(change) if change.user.tenant == tenant && position(&users, &change.user.user).is_some() => vec![change.user.user],
                Ok(_) => continue,
                Err(broadcast::error::RecvError::Lagged(_)) => all(&users),
                Err(broadcast::error::RecvError::Closed) => return,
            },
            () = events.closed() => return,
            end = slot.ended() => {
                let _ = events.send(Bytes::from_static(end.event())).await;
                return;
            }
        };
        let now = state.clock.now();
        let Ok(mut states) = state.store.load_users(&tenant, &due).await else {
            continue;
        };
        for id in due {
            let Some(user) = position(&users, &id).and_then(|at| users.get_mut(at)) else {
                continue;
            };
            let view = states
                .remove(&id)
                .unwrap_or_default()
                .view(now, user.audience);
            let presence = presence_body(id, view);
            let hash = shown(&presence);
            if user.last == Some(hash) {
                continue;
            }
            let Ok(json) = serde_json::to_string(&presence) else {
                continue;
            };
            user.last = Some(hash);
            idle_ticks = 0;
            if events
                .send(Bytes::from(format!("event: presence\ndata: {json}\n\n")))
                .await
                .is_err()
            {
                return;
            }
        }
        if idle_ticks >= KEEP_ALIVE_EVERY {
            idle_ticks = 0;
            if events
                .send(Bytes::from_static(b": keep-alive\n\n"))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// Where `id` is among `users` (sorted by id).
fn position(users: &[Followed], id: &str) -> Option<usize> {
    users.binary_search_by(|user| user.id.as_str().cmp(id)).ok()
}

/// A hash of what a presence shows (its version stamp aside): equal for two presences that
/// show the same thing, so an unchanged user is not sent again.
fn shown(presence: &Presence) -> u64 {
    use std::hash::Hasher;
    /// Feeds what serde writes straight into the hasher, without a buffer.
    struct Feed<'a>(&'a mut std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let _ = serde_json::to_writer(
        Feed(&mut hasher),
        &(
            presence.availability,
            presence.activity,
            &presence.status_message,
            &presence.work_location,
            &presence.out_of_office_settings,
        ),
    );
    hasher.finish()
}
