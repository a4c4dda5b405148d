#!/usr/bin/env python3
"""Serves Tests/Tools/browser-page/ from an origin of its own and opens it in headless Chromium (Debian's
chromium and chromium-driver, driven by selenium), against a TermPlayer service on another origin:
`browser-page.py --api http://127.0.0.1:PORT --token TOKEN`. Prints one JSON object of what the page
showed and did, and what the browser saw on the network; BrowserPageTests judges it."""

import argparse
import functools
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time

# Selenium Manager would try to download a driver and a browser; there is no internet, and Debian's are
# the ones to test with.
os.environ.setdefault("SE_OFFLINE", "true")
os.environ.setdefault("SE_AVOID_STATS", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def serve(folder):
    """The static site on a port of its own, loaded as localhost (the service is 127.0.0.1): another origin."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browser(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--autoplay-policy=no-user-gesture-required", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--user-data-dir=" + profile]:
        options.add_argument(argument)
    # The DevTools network events: the status and headers of every response, the media's included.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def wait(driver, script, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(script):
            return True
        time.sleep(0.1)
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--timeout", type=float, default=20)
    arguments = parser.parse_args()

    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "browser-page")
    site = serve(folder)
    profile = tempfile.mkdtemp(prefix="termplayer-chromium-")
    driver = browser(profile)
    driver.set_page_load_timeout(arguments.timeout)
    try:
        page_url = "http://localhost:%d/index.html?api=%s&token=%s" % (site.server_address[1], arguments.api, arguments.token)
        driver.get(page_url)
        done = "return window.page && (page.errors.length > 0 || (page.seeked !== null && page.like && page.missing && page.contentRange))"
        finished = wait(driver, done, arguments.timeout)
        # Playing after the seek: the time moves on from where it landed.
        times = []
        for _ in range(3):
            times.append(driver.execute_script("return document.getElementById('player').currentTime"))
            time.sleep(0.4)
        state = driver.execute_script("""
            const player = document.getElementById('player');
            return {titles: [...document.querySelectorAll('#songs .song')].map((item) => item.textContent),
                    status: document.getElementById('status').textContent,
                    readyState: player.readyState, paused: player.paused, src: player.currentSrc,
                    seeked: page.seeked, like: page.like, missing: page.missing, contentRange: page.contentRange,
                    errors: page.errors};
            """)
        # Every answer from the service as the browser got it: the audio element's ranges ("Media"), the
        # page's fetches ("Fetch") and the browser's own preflights ("Preflight").
        responses = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") != "Network.responseReceived":
                continue
            response = message["params"]["response"]
            if response["url"].startswith(arguments.api + "/"):
                headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
                responses.append({"url": response["url"], "status": response["status"], "type": message["params"].get("type", ""),
                                  "contentRange": headers.get("content-range"), "allowOrigin": headers.get("access-control-allow-origin")})
        console = [entry.get("message", "") for entry in driver.get_log("browser")]
        state.update(finished=finished, times=times, responses=responses, console=console, page=page_url)
        json.dump(state, sys.stdout)
        print()
    finally:
        driver.quit()
        site.shutdown()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
