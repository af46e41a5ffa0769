"""Drive a presence server with the official Microsoft Graph Python SDK, unchanged.

Usage: python graph_sdk_compat.py BASE_URL [APP_TOKEN [USER_TOKEN]]
  BASE_URL    e.g. http://127.0.0.1:8465/v1.0
  APP_TOKEN   application token with Presence.ReadWrite.All (any text with --auth none)
  USER_TOKEN  delegated token of the user fa8bf3dc-… with Presence.ReadWrite

Exits 0 when every step behaved as it would against Microsoft Graph; otherwise prints the
failing step and exits 1. Run by the Rust test `sdk_compat` (see crates/presence-server/tests).
"""

import asyncio
import datetime
import sys

from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.presence import Presence
from msgraph.generated.users.item.presence.presence_request_builder import PresenceRequestBuilder
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem
from msgraph.generated.communications.get_presences_by_user_id.get_presences_by_user_id_post_request_body import (
    GetPresencesByUserIdPostRequestBody,
)
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.presence_status_message import PresenceStatusMessage
from msgraph.generated.models.work_location_source import WorkLocationSource
from msgraph.generated.models.work_location_type import WorkLocationType
from msgraph.generated.users.item.presence.clear_presence.clear_presence_post_request_body import (
    ClearPresencePostRequestBody,
)
from msgraph.generated.users.item.presence.set_manual_location.set_manual_location_post_request_body import (
    SetManualLocationPostRequestBody,
)
from msgraph.generated.users.item.presence.set_presence.set_presence_post_request_body import (
    SetPresencePostRequestBody,
)
from msgraph.generated.users.item.presence.set_status_message.set_status_message_post_request_body import (
    SetStatusMessagePostRequestBody,
)
from msgraph.generated.users.item.presence.set_user_preferred_presence.set_user_preferred_presence_post_request_body import (
    SetUserPreferredPresencePostRequestBody,
)

USER = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"
OTHER_USER = "66825e03-7ef5-42da-9069-724602c31f6b"
APP = "22553876-f5ab-4529-bffb-cfe50aa89f87"


class StaticToken(AccessTokenProvider):
    """Hands the SDK a fixed bearer token (the server may run with or without auth)."""

    def __init__(self, token: str) -> None:
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


def client_for(base_url: str, token: str) -> GraphServiceClient:
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token)))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"ok: {what}")


async def main(base_url: str, token: str, user_token: str) -> None:
    graph = client_for(base_url, token)
    signed_in = client_for(base_url, user_token)
    presence = graph.users.by_user_id(USER).presence

    await presence.set_presence.post(
        SetPresencePostRequestBody(
            session_id=APP,
            availability="Available",
            activity="Available",
            expiration_duration=datetime.timedelta(hours=1),  # sent as "1:00:00"
        )
    )
    got = await presence.get()
    check((got.availability, got.activity) == ("Available", "Available"), "setPresence then get")
    check(got.id == USER, "presence id is the user id")
    check(got.out_of_office_settings is not None and got.out_of_office_settings.is_out_of_office is False,
          "outOfOfficeSettings is present")

    await presence.set_user_preferred_presence.post(
        SetUserPreferredPresencePostRequestBody(
            availability="DoNotDisturb",
            activity="DoNotDisturb",
            expiration_duration=datetime.timedelta(hours=8),
        )
    )
    got = await presence.get()
    check((got.availability, got.activity) == ("DoNotDisturb", "DoNotDisturb"),
          "setUserPreferredPresence overrides the session")
    await presence.clear_user_preferred_presence.post()
    got = await presence.get()
    check(got.availability == "Available", "clearUserPreferredPresence reveals the session")

    expiry = (datetime.datetime.utcnow() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")
    await presence.set_status_message.post(
        SetStatusMessagePostRequestBody(
            status_message=PresenceStatusMessage(
                message=ItemBody(content="Hey I'm currently in a meeting.", content_type=BodyType.Text),
                expiry_date_time=DateTimeTimeZone(date_time=expiry, time_zone="Pacific Standard Time"),
            )
        )
    )
    got = await presence.get()
    check(got.status_message is not None and got.status_message.message.content == "Hey I'm currently in a meeting.",
          "setStatusMessage then get")
    check(got.status_message.published_date_time is not None, "publishedDateTime parses as a datetime")

    # Location actions take delegated tokens only: the signed-in user, through /me.
    await signed_in.me.presence.set_manual_location.post(
        SetManualLocationPostRequestBody(work_location_type=WorkLocationType.Office, place_id="building-1")
    )
    got = await signed_in.me.presence.get()
    check(got.id == USER and got.work_location.work_location_type == WorkLocationType.Office
          and got.work_location.source == WorkLocationSource.Manual, "setManualLocation then GET /me/presence")
    await signed_in.me.presence.clear_location.post()

    batch = await graph.communications.get_presences_by_user_id.post(
        GetPresencesByUserIdPostRequestBody(ids=[OTHER_USER, USER])
    )
    check([p.id for p in batch.value] == [OTHER_USER, USER], "getPresencesByUserId keeps the order")
    check(batch.value[0].availability == "Offline", "an unknown user is Offline")

    alias = await graph.communications.presences.by_presence_id(USER).get()
    check(alias.availability == "Available", "GET /communications/presences/{id}")

    await presence.clear_presence.post(ClearPresencePostRequestBody(session_id=APP))
    got = await presence.get()
    check((got.availability, got.activity) == ("Offline", "Offline"), "clearPresence gives Offline/Offline")
    try:
        await presence.clear_presence.post(ClearPresencePostRequestBody(session_id=APP))
        check(False, "a second clearPresence fails")
    except APIError as error:
        check(error.response_status_code == 404, "a second clearPresence is 404")
        code = getattr(getattr(error, "error", None), "code", None)
        check(code == "NotFound", "the SDK reads the Graph error envelope (code NotFound)")

    # JSON batching through the SDK's batch API. msgraph-core 1.5.2 writes `depends_on`
    # (Graph reads `dependsOn`) and reads inner bodies as base64 (Graph, like us, sends JSON
    # objects), so this checks statuses and reads the result back with a plain GET.
    other = graph.users.by_user_id(OTHER_USER).presence
    write = BatchRequestItem(
        request_information=other.set_presence.to_post_request_information(
            SetPresencePostRequestBody(session_id=APP, availability="Busy", activity="InACall",
                                       expiration_duration=datetime.timedelta(hours=1))
        ),
        id="write",
    )
    content = BatchRequestContent()
    content.add_request("write", write)
    content.add_request("read", BatchRequestItem(request_information=presence.to_get_request_information(),
                                                 id="read"))
    content.add_request("refused", BatchRequestItem(
        request_information=other.clear_presence.to_post_request_information(
            ClearPresencePostRequestBody(session_id="8c5e2ed4-3ab1-4e1e-9a0a-3f4a1a5b6c7d")),
        id="refused"))
    answers = await graph.batch.post(batch_request_content=content)
    check(answers.get_response_status_codes() == {"write": 200, "read": 200, "refused": 403},
          "a $batch through the SDK: each request answered on its own")
    got = await other.get()
    check(got.activity == "InACall", "the batched write took effect")

    # OData $select through the request builder's query parameters.
    selected = await other.get(request_configuration=RequestConfiguration(
        query_parameters=PresenceRequestBuilder.PresenceRequestBuilderGetQueryParameters(
            select=["availability"])))
    check((selected.id, selected.availability, selected.activity, selected.sequence_number)
          == (OTHER_USER, "Busy", None, None),
          "$select returns the selected property and the id only")

    beta = client_for(base_url.rsplit("/", 1)[0] + "/beta", token)
    await beta.users.by_user_id(USER).presence.set_presence.post(
        SetPresencePostRequestBody(session_id=APP, availability="Busy", activity="InACall")
    )
    got = await beta.users.by_user_id(USER).presence.get()
    check(got.activity == "InACall", "the same SDK against /beta")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: graph_sdk_compat.py BASE_URL [APP_TOKEN [USER_TOKEN]]")
    app_token = sys.argv[2] if len(sys.argv) > 2 else "development"
    user_token = sys.argv[3] if len(sys.argv) > 3 else app_token
    try:
        asyncio.run(main(sys.argv[1], app_token, user_token))
    except Exception as error:  # noqa: BLE001 - report any failure as a failed step
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
