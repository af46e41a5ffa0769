"""A single-page app on another origin, in headless Chromium with CORS enforced: it signs a
test user in with @azure/msal-browser (authorization code with PKCE, by redirect, against
presence's authority) and sets and reads presence with the Graph JavaScript client's browser
build (index.html, app.js). Run by crates/presence-server/tests/api/browser_app.rs.

Environment:
  PRESENCE_ORIGIN      https://127.0.0.1:PORT (a --tls server: MSAL.js wants an https authority)
  PRESENCE_TENANT      the development tenant
  PRESENCE_CLIENT_ID   the development public client
  PRESENCE_USERNAME, PRESENCE_PASSWORD   a development test user
  PRESENCE_JS_MODULES  compat/js/node_modules (the official packages, from npm)

The page is served from http://localhost:PORT2, another origin. Chromium is told to accept
the server's certificate (--ignore-certificate-errors: its local CA is not in Chromium's
store); that changes nothing about CORS, which the page checks by failing to read /admin.
Exits non-zero at the first failure.
"""

import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui"))
import chromium  # noqa: E402  (compat/ui/chromium.py, shared with the dashboard's test)
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ORIGIN = os.environ["PRESENCE_ORIGIN"]
HERE = os.path.dirname(os.path.abspath(__file__))
MODULES = os.environ["PRESENCE_JS_MODULES"]
FILES = {
    "/": (os.path.join(HERE, "index.html"), "text/html"),
    "/app.js": (os.path.join(HERE, "app.js"), "text/javascript"),
    "/lib/msal-browser.min.js": (
        os.path.join(MODULES, "@azure/msal-browser/lib/msal-browser.min.js"),
        "text/javascript",
    ),
    "/lib/graph-js-sdk.js": (
        os.path.join(MODULES, "@microsoft/microsoft-graph-client/lib/graph-js-sdk.js"),
        "text/javascript",
    ),
}
CONFIG = "window.PRESENCE = " + json.dumps(
    {
        "origin": ORIGIN,
        "tenant": os.environ["PRESENCE_TENANT"],
        "clientId": os.environ["PRESENCE_CLIENT_ID"],
        "loginHint": os.environ["PRESENCE_USERNAME"],
    }
) + ";"


class Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/config.js":
            body, kind = CONFIG.encode(), "text/javascript"
        elif path in FILES:
            name, kind = FILES[path]
            with open(name, "rb") as f:
                body = f.read()
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def browser():
    return chromium.start(["--ignore-certificate-errors"])


def wait(driver, condition, what, timeout=30.0):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition(d))
    except TimeoutException:
        logs = "\n".join(str(entry) for entry in driver.get_log("browser"))
        raise AssertionError(f"not seen within {timeout} s: {what}\nat {driver.current_url}\n{driver.page_source[:2000]}\n{logs}")


def text(driver, element_id):
    """The element's text, or "" while it is not there (the page may be navigating away
    between finding the element and reading it: the redirect to the sign-in page)."""
    try:
        found = driver.find_elements(By.ID, element_id)
        return found[0].text if found else ""
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = f"http://localhost:{server.server_address[1]}/"
    driver = browser()
    try:
        print("-- the page sends the user to presence's sign-in page", flush=True)
        driver.get(page)
        wait(
            driver,
            lambda d: (d.current_url.startswith(ORIGIN) and d.find_elements(By.NAME, "password"))
            or text(d, "status") == "failed",
            "the sign-in form",
        )
        assert text(driver, "status") != "failed", f"the page failed before signing in: {text(driver, 'errors')}"
        assert "code_challenge=" in driver.current_url, "MSAL.js asks with PKCE"
        print("-- the user signs in with the published password", flush=True)
        driver.find_element(By.NAME, "password").send_keys(os.environ["PRESENCE_PASSWORD"])
        driver.find_element(By.CSS_SELECTOR, "form button").click()
        print("-- back on the page: token, then Graph calls, all across origins", flush=True)
        wait(driver, lambda d: d.current_url.startswith(page) and text(d, "status") in ("done", "failed"), "the page finishing")
        status, result, errors = text(driver, "status"), text(driver, "result"), text(driver, "errors")
        assert status == "done", f"the page failed: {errors}"
        print(f"   {result}", flush=True)
        assert " Busy InACall;" in result, result
        assert "refused: 4" in result, f"an error answer is readable: {result}"
        assert result.endswith("admin: blocked"), f"CORS is enforced for /admin: {result}"
    finally:
        driver.quit()
        server.shutdown()
    print("browser app: all steps passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
