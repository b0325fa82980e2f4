"""A real headless Chromium for the console's tests: Debian's `chromium` driven through its
`chromedriver` (package chromium-driver) by selenium — nothing is downloaded (the driver and
the browser are named, so Selenium Manager is never asked, and SE_OFFLINE forbids it anyway),
and every host name but 127.0.0.1 is unresolvable, so an asset from elsewhere would fail.

Screenshots go to artifacts/screenshots/ (git-ignored; CI keeps the folder as its artefact).
Missing packages fail the test naming the install command: it never skips. `fixed_clock` sets
the pages' clock (what the console thinks today is) for a test.
"""
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
INSTALL = ("scripts/test.sh (as root) installs them, or: sudo apt-get install -y "
           "--no-install-recommends chromium chromium-driver")


def executable(*names):
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{names[0]} is not installed; the console's browser tests need it: {INSTALL}",
                pytrace=False)


def start_chromium(profile_dir, language="en-US"):
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = executable("chromium", "chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-dev-shm-usage", "--window-size=1280,900",
                     f"--user-data-dir={profile_dir}", f"--lang={language}",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=executable("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), path
    return path


def console_errors(driver):
    """The browser console's errors (a CSP violation, a script error, a module not found) since
    the last call — but not the API's own 4xx answers the page handled (a wrong password)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and not ("/api/v1/" in entry["message"] and "Failed to load resource" in entry["message"])]


# Installed in every new document before the page's own scripts (CSP does not apply to it):
# a Date whose clock starts at the instant and runs on from there, so `new Date()`, `Date.now()`
# and what is built on them (today's date) are that instant's, and timers still run.
CLOCK = """(() => {
  const Real = Date, start = Real.parse(%s), began = Real.now();
  const now = () => start + (Real.now() - began);
  class FixedDate extends Real {
    constructor(...args) { if (args.length) super(...args); else super(now()); }
    static now() { return now(); }
  }
  globalThis.Date = FixedDate;
})();"""


@contextmanager
def fixed_clock(driver, instant):
    """The pages loaded inside the block (an ISO instant, "2027-03-01T09:00:00Z") see that
    instant as now; the browser's real clock again after it."""
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                   {"source": CLOCK % json.dumps(instant)})
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                               {"identifier": added["identifier"]})
