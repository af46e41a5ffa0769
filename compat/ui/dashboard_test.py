"""The dashboard (/ui) in a real headless Chromium, driven through WebDriver (chromedriver).

Run by crates/presence-server/tests/api/dashboard.rs against a server with the manual clock
and token checks on. Arguments come from the environment:

  PRESENCE_ORIGIN       http://127.0.0.1:PORT
  PRESENCE_ADMIN_TOKEN  an application token with Presence.Admin and Presence.ReadWrite.All
  PRESENCE_USER_TOKEN   a delegated token of PRESENCE_USER (to subscribe: Graph lets only
                        users subscribe to presence)
  PRESENCE_USER         that user's id
  PRESENCE_WEBHOOK      a receiver that answers Graph's validation handshake
  PRESENCE_SCREENSHOTS  where the screenshots go

Every step asserts what a person would see. Exits non-zero at the first failure.
"""

import json
from datetime import datetime, timedelta
import os
import sys
import time
import urllib.parse
import urllib.request

import chromium
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ORIGIN = os.environ["PRESENCE_ORIGIN"]
ADMIN = os.environ["PRESENCE_ADMIN_TOKEN"]
USER_TOKEN = os.environ["PRESENCE_USER_TOKEN"]
SUBSCRIBER = os.environ["PRESENCE_USER"]
WEBHOOK = os.environ["PRESENCE_WEBHOOK"]
SHOTS = os.environ["PRESENCE_SCREENSHOTS"]
APP = "22553876-f5ab-4529-bffb-cfe50aa89f87"


def call(method, path, body=None, token=ADMIN):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(ORIGIN + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def set_presence(user, availability, activity, minutes=60):
    call(
        "POST",
        f"/v1.0/users/{user}/presence/setPresence",
        {
            "sessionId": APP,
            "availability": availability,
            "activity": activity,
            "expirationDuration": f"PT{minutes}M",
        },
    )


def browser():
    return chromium.start(["--window-size=1280,800"], logs=("browser", "performance"))


def wait(driver, condition, what, timeout=5.0):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))
    except TimeoutException:
        shot(driver, "failure")
        raise AssertionError(f"not seen within {timeout} s: {what}")


def click(driver, css):
    """Clicks the element; the live views redraw, so a stale element is looked up again."""
    for _ in range(20):
        try:
            driver.find_element(By.CSS_SELECTOR, css).click()
            return
        except (StaleElementReferenceException, NoSuchElementException):
            time.sleep(0.05)
    raise AssertionError(f"cannot click {css}")


def text_of(driver, css):
    try:
        elements = driver.find_elements(By.CSS_SELECTOR, css)
        return elements[0].text if elements else None
    except StaleElementReferenceException:
        return None


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def step(name):
    print(f"-- {name}", flush=True)


def main():
    driver = browser()
    try:
        run(driver)
    finally:
        driver.quit()
    print("dashboard: all steps passed")


def run(driver):
    step("the page asks for the admin token once, then opens")
    driver.get(ORIGIN + "/ui")
    wait(driver, lambda d: d.find_element(By.ID, "token-dialog").get_attribute("open") is not None, "the token dialog")
    driver.find_element(By.ID, "token-input").send_keys(ADMIN)
    click(driver, "#token-form button")
    wait(driver, lambda d: d.find_elements(By.ID, "users-table"), "the users view")
    # Before the token, the page's one call was refused (401): Chromium logs that, and nothing
    # else may be logged, then or later.
    before = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert all("/admin/info" in e["message"] and "401" in e["message"] for e in before), before
    wait(driver, lambda d: text_of(d, "#live") == "live", "the live stream connected")

    step("a presence set through the API shows in the users view within 1 s, without reload")
    driver.execute_script("window.__notReloaded = true")
    set_presence("alice", "Available", "Available")
    started = time.monotonic()
    wait(driver, lambda d: text_of(d, 'tr[data-user="alice"] .availability') == "Available", "alice Available", timeout=1.0)
    print(f"   seen after {time.monotonic() - started:.3f} s")
    set_presence("bob", "Busy", "InACall")
    wait(driver, lambda d: text_of(d, 'tr[data-user="bob"] .availability') == "Busy", "bob Busy", timeout=1.0)
    row_class = driver.find_element(By.CSS_SELECTOR, 'tr[data-user="bob"]').get_attribute("class")
    assert "busy" in row_class, f"bob's row is coloured busy (class {row_class!r})"
    assert driver.execute_script("return window.__notReloaded === true"), "the page did not reload"
    wait(driver, lambda d: "alice" in (text_of(d, ".changes") or ""), "alice in the recent changes")

    step("the clock view's advance makes alice AvailableIdle")
    click(driver, 'nav a[data-view="clock"]')
    wait(driver, lambda d: d.find_elements(By.ID, "advance-by"), "the manual clock's controls")
    shot(driver, "clock")
    driver.find_element(By.ID, "advance-by").send_keys("PT6M")
    click(driver, "#clock-controls form button")
    click(driver, 'nav a[data-view="users"]')
    wait(driver, lambda d: text_of(d, 'tr[data-user="alice"] .availability') == "AvailableIdle", "alice AvailableIdle")
    assert text_of(driver, 'tr[data-user="bob"] .availability') == "Busy", "bob does not fade"
    shot(driver, "users")

    step("a user with two sessions shows both, with countdowns, and the rule that decided")
    call("PUT", "/admin/tenants/default/users/bob/clients/teams-desktop", {"availability": "DoNotDisturb", "activity": "Presenting"})
    click(driver, 'tr[data-user="bob"] a')
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sessions-table tr.session")) == 2, "two sessions")
    wait(driver, lambda d: (text_of(d, "#user-pair") or "").startswith("DoNotDisturb"), "bob DoNotDisturb")
    expiries = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#sessions-table td.expiry")]
    assert any(e.startswith("in ") and "m" in e for e in expiries), f"an expiry countdown: {expiries}"
    decided = text_of(driver, "#decided-by")
    assert "DoNotDisturb from client teams-desktop outranks Busy from session 22553876" in decided, decided
    wait(driver, lambda d: "teamsClient" in (text_of(d, "#changes-table") or ""), "the change's cause")
    shot(driver, "user")

    step("alice's session fades: a countdown to the next fade")
    driver.get(ORIGIN + "/ui/#/users/alice")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#sessions-table td.fade span"), "a fade countdown")
    first = text_of(driver, "#sessions-table td.fade span")
    assert first.startswith("in 4m") or first.startswith("in 3m"), f"away in about 4 minutes: {first}"
    wait(driver, lambda d: "fade" in (text_of(d, "#changes-table") or ""), "the fade in alice's changes")
    shot(driver, "user-fade")

    step("an action button changes the API's state")
    form = [f for f in driver.find_elements(By.CSS_SELECTOR, "form.action") if "Set preferred presence" in f.text][0]
    Select(form.find_element(By.NAME, "pair")).select_by_value("DoNotDisturb/DoNotDisturb")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, lambda d: (text_of(d, "#user-pair") or "").startswith("DoNotDisturb"), "alice DoNotDisturb")
    detail = call("GET", "/admin/tenants/default/users/alice")
    assert detail["preferred"]["availability"] == "DoNotDisturb", detail
    assert call("GET", "/v1.0/users/alice/presence")["availability"] == "DoNotDisturb"

    step("a subscription appears, and a delivery appears under it")
    now = datetime.fromisoformat(call("GET", "/admin/clock")["now"].replace("Z", "+00:00"))
    expiry = (now + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    subscription = call(
        "POST",
        "/v1.0/subscriptions",
        {
            "changeType": "updated",
            "notificationUrl": WEBHOOK,
            "resource": f"/communications/presences/{SUBSCRIBER}",
            "expirationDateTime": expiry,
            "clientState": "dashboard",
        },
        token=USER_TOKEN,
    )
    click(driver, 'nav a[data-view="subscriptions"]')
    selector = f'section[data-subscription="{subscription["id"]}"]'
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector), "the subscription")
    set_presence(SUBSCRIBER, "Busy", "InACall")
    wait(driver, lambda d: "delivered" in (text_of(d, f"{selector} .deliveries tbody") or ""), "a delivered notification", timeout=10)
    shot(driver, "subscriptions")

    step("the request journal lists the calls, and a fault rule can be added and removed")
    click(driver, 'nav a[data-view="requests"]')
    wait(driver, lambda d: "set_presence" in (text_of(d, "#requests-table") or ""), "set_presence in the journal")
    driver.find_element(By.ID, "fault-operation").send_keys("get_presence")
    click(driver, "#fault-form button")
    wait(driver, lambda d: "get_presence" in (text_of(d, "#faults-table") or ""), "the fault rule")
    assert any(rule["match"].get("operation") == "get_presence" for rule in call("GET", "/admin/faults")["value"])
    shot(driver, "requests")
    click(driver, "#faults-table button")
    wait(driver, lambda d: "No rule." in (text_of(d, "#faults-table") or ""), "the rule removed")
    assert call("GET", "/admin/faults")["value"] == []

    step("a reset asks first, then empties the tenant")
    click(driver, 'nav a[data-view="users"]')
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-user="alice"]'), "alice listed")
    [b for b in driver.find_elements(By.CSS_SELECTOR, "button.danger") if b.text == "Reset this tenant"][0].click()
    driver.switch_to.alert.dismiss()
    time.sleep(0.3)
    assert call("GET", "/admin/tenants/default/users/alice")["sessions"], "dismissed: nothing reset"
    [b for b in driver.find_elements(By.CSS_SELECTOR, "button.danger") if b.text == "Reset this tenant"][0].click()
    driver.switch_to.alert.accept()
    wait(driver, lambda d: text_of(d, 'tr[data-user="alice"] .availability') == "Offline", "alice Offline")
    wait(driver, lambda d: "reset" in (text_of(d, ".changes") or ""), "the reset in the recent changes")
    for user in call("GET", "/admin/tenants/default/users")["value"]:
        assert user["sessions"] == [] and "preferred" not in user, user

    step("a narrow window still shows the users view")
    set_presence("alice", "Available", "Available")
    driver.set_window_size(480, 800)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-user="alice"]'), "alice listed")
    shot(driver, "users-narrow")
    driver.set_window_size(1280, 800)

    step("nothing was requested from another origin, and the console stayed clean")
    origin = urllib.parse.urlsplit(ORIGIN)
    requested = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        params = message["params"]
        url = params["request"]["url"]
        # The page's own requests (its document is ours), and any web request at all: the
        # browser's internal pages (chrome://) are not the page's.
        if params.get("documentURL", "").startswith(ORIGIN) or url.split(":")[0] in ("http", "https", "ws", "wss"):
            requested.add(url)
    assert any(url.endswith("/admin/events?tenant=default") for url in requested), requested
    foreign = [
        url for url in requested
        if not url.startswith("data:") and urllib.parse.urlsplit(url)[:2] != origin[:2]
    ]
    assert not foreign, f"requests to another origin: {foreign}"
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, f"console errors: {errors}"
    print(f"   {len(requested)} distinct URLs, all same-origin; no console error")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"FAILED: {error}", file=sys.stderr)
        sys.exit(1)
