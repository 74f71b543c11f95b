"""Firefox and WebKit, driven the same small way (tests/test_engines.py, bench/bench_engines.py).

Chromium is driven by Playwright (tests/conftest.py). The two others come from Debian:
- Firefox ESR (``firefox-esr``), through Marionette (PyPI's ``marionette_driver``), headless,
  with a fresh profile per browser, so every ``Firefox()`` is a cold visit;
- WebKit (``webkit2gtk-driver``): ``WebKitWebDriver`` starts its MiniBrowser itself, driven by
  selenium's ``webdriver.WebKitGTK``, on an Xvfb display this module starts on a free number.

Each browser offers ``open(url)``, ``run(script)`` (the script's body, ``return`` gives the value),
``wait(script, timeout)``, ``type(selector, text)`` (real key presses), ``url()`` and ``close()``. A missing program raises ``EngineMissing`` saying
what to install: the tests fail with it, they never skip.
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class EngineMissing(RuntimeError):
    pass


def _need(program, package):
    path = shutil.which(program)
    if not path:
        raise EngineMissing(f"{program} not found: run `make test` (it installs Debian's {package}) "
                            f"or `apt-get install {package}`")
    return path


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Browser:
    name = ""

    def wait(self, script, timeout=10.0, interval=0.05):
        """Run ``script`` until it returns something truthy; that value, or TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: still false after {timeout} s: {script}")
            time.sleep(interval)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# Prefs for a quiet, local-only Firefox: no update checks, telemetry or first-run pages,
# which would call hosts this machine cannot reach.
FIREFOX_PREFS = {
    "marionette.port": 0,  # any free port; Firefox writes it to MarionetteActivePort
    "app.update.disabledForTesting": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "browser.region.network.url": "",
    "browser.search.update": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "browser.newtabpage.enabled": False,
    "browser.aboutwelcome.enabled": False,
}


class Firefox(_Browser):
    """Debian's Firefox ESR, headless, fresh profile, driven through Marionette."""

    name = "firefox"

    def __init__(self, startup_timeout=60, prefs=None):
        """``prefs``: more prefs for this profile, e.g. ``{"javascript.enabled": False}``."""
        from marionette_driver.marionette import Marionette

        binary = _need("firefox-esr", "firefox-esr")
        self.profile = tempfile.mkdtemp(prefix="firefox-profile-")
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for key, value in (FIREFOX_PREFS | (prefs or {})).items():
                f.write(f"user_pref({json.dumps(key)}, {json.dumps(value)});\n")
        env = dict(os.environ, MOZ_HEADLESS="1")
        self.process = subprocess.Popen(
            [binary, "--headless", "--marionette", "-remote-allow-system-access", "--no-remote",
             "--profile", self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        port_file = Path(self.profile, "MarionetteActivePort")
        deadline = time.monotonic() + startup_timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError("firefox-esr did not start Marionette")
            time.sleep(0.05)
        self.client = Marionette(host="127.0.0.1", port=int(port_file.read_text()))
        self.client.start_session()
        self.client.timeout.page_load = 60
        self.client.timeout.script = 30

    def open(self, url):
        self.client.navigate(url)

    def run(self, script, *args):
        return self.client.execute_script(script, script_args=list(args), sandbox=None)

    def type(self, selector, text):
        self.client.find_element("css selector", selector).send_keys(text)

    def url(self):
        return self.client.get_url()

    def close(self):
        client = getattr(self, "client", None)
        if client is not None:
            try:
                client.delete_session()
            except Exception:
                pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Xvfb:
    """An X display of our own, on the first free number from 90 up."""

    def __init__(self):
        binary = _need("Xvfb", "xvfb")
        for number in range(90, 190):
            if os.path.exists(f"/tmp/.X11-unix/X{number}") or os.path.exists(f"/tmp/.X{number}-lock"):
                continue
            process = subprocess.Popen([binary, f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while process.poll() is None and time.monotonic() < deadline:
                if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                    self.process, self.display = process, f":{number}"
                    return
                time.sleep(0.05)
            if process.poll() is None:
                process.terminate()
                process.wait()
        raise RuntimeError("Xvfb could not start on any display from :90 to :189")

    def close(self):
        self.process.terminate()
        self.process.wait()


class WebKit(_Browser):
    """Debian's WebKitGTK MiniBrowser, started by WebKitWebDriver, driven by selenium.

    Each one is a new MiniBrowser process with an ephemeral (cold) data store.
    """

    name = "webkit"

    def __init__(self, display, arguments=()):
        """``arguments``: more MiniBrowser options, e.g. ``--enable-javascript-markup=false``
        (see ``MiniBrowser --help-websettings``)."""
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.service import Service

        driver = _need("WebKitWebDriver", "webkit2gtk-driver")
        options = webdriver.WebKitGTKOptions()
        options.add_argument("--automation")
        for argument in arguments:
            options.add_argument(argument)
        # Per-process environment: the display is ours, and no accessibility bus is sought.
        env = dict(os.environ, DISPLAY=display, NO_AT_BRIDGE="1")
        service = Service(executable_path=driver, port=_free_port(), env=env)
        self.client = webdriver.WebKitGTK(options=options, service=service)
        self.client.set_page_load_timeout(60)
        self.client.set_script_timeout(30)

    def open(self, url):
        self.client.get(url)

    def run(self, script, *args):
        return self.client.execute_script(script, *args)

    def type(self, selector, text):
        from selenium.webdriver.common.by import By

        self.client.find_element(By.CSS_SELECTOR, selector).send_keys(text)

    def url(self):
        return self.client.current_url

    def close(self):
        try:
            self.client.quit()
        except Exception:
            pass
