"""What an app's tests look like with the fixtures of conftest.py."""

import requests

ALICE = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"
BOB = "66825e03-7ef5-42da-9069-724602c31f6b"


def presence_of(base, user):
    return requests.get(f"{base}/v1.0/users/{user}/presence", timeout=10).json()


def test_the_seed_is_loaded(presence):
    alice = presence_of(presence, ALICE)
    assert (alice["availability"], alice["activity"]) == ("Busy", "InAMeeting")
    assert alice["statusMessage"]["message"]["content"] == "Planning all day"
    bob = presence_of(presence, BOB)
    # Six minutes unrefreshed, and out of office: Teams' "Available, out of office" gone idle.
    assert (bob["availability"], bob["activity"]) == ("AvailableIdle", "OutOfOffice")
    assert bob["outOfOfficeSettings"] == {"message": "Back on Monday", "isOutOfOffice": True}


def test_a_test_may_change_anything(presence):
    requests.post(
        f"{presence}/v1.0/users/{ALICE}/presence/clearPresence",
        json={"sessionId": "teams-desktop"}, timeout=10,
    )
    requests.post(
        f"{presence}/admin/clock/advance", json={"by": "PT10M"}, timeout=10,
    ).raise_for_status()
    assert presence_of(presence, BOB)["availability"] == "Away"


def test_the_next_test_starts_from_the_seed_again(presence):
    assert presence_of(presence, BOB)["availability"] == "AvailableIdle"
    assert presence_of(presence, ALICE)["activity"] == "InAMeeting"
