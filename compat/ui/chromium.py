"""Debian's headless Chromium through chromedriver, as the browser tests start it
(compat/ui/dashboard_test.py, compat/browser/browser_app_test.py): no download, a fresh
profile per run, the browser's console kept for failure reports.
Paths: PRESENCE_CHROMIUM, PRESENCE_CHROMEDRIVER (default: Debian's)."""

import os
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def start(extra_flags=(), logs=("browser",)):
    """A WebDriver session with `extra_flags` besides FLAGS, keeping the `logs` named."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("PRESENCE_CHROMIUM", "/usr/bin/chromium")
    for flag in [*FLAGS, *extra_flags, f"--user-data-dir={tempfile.mkdtemp(prefix='presence-chromium-')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {log: "ALL" for log in logs})
    service = Service(executable_path=os.environ.get("PRESENCE_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)
