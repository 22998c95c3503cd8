"""The browser extension in a real Chromium (Debian's), loaded unpacked from
``traycodes browser path``, with the host installed by ``traycodes browser on`` into the
test HOME (Chromium's default profile there, so the real per-user path is what is
tested). Pages come from a local HTTP server under made-up hosts (``*.test``, mapped to
127.0.0.1 by Chromium's resolver rules); each page reports what its fields hold."""

from __future__ import annotations

import http.server
import json
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.desktop.apphelper import GITHUB_KEY, TrayApp, expected_codes
from tests.desktop.session import DesktopSession, require, wait_for
from traycodes.browser import GECKO_ID

pytestmark = pytest.mark.desktop

OTHER_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
THIRD_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

REPORTING = """
<script>
  function report(kind) {
    const values = Array.from(document.querySelectorAll("input")).map((i) => i.value).join("");
    fetch("/report", {method: "POST", body: JSON.stringify({page: location.host + location.pathname,
      kind, value: values})});
  }
  document.addEventListener("change", () => report("change"), true);
  window.addEventListener("load", () => report("load"));
  new MutationObserver(() => {  // the extension's note or chooser (its content is closed)
    if (document.getElementById("traycodes-panel")) report("panel");
  }).observe(document.documentElement, {childList: true});
</script>
"""
PAGES = {
    "/login": "<title>Sign in to GitHub</title><form><label for=otp>Authentication code</label>"
    '<input id=otp name=app_otp autocomplete="one-time-code" inputmode=numeric maxlength=6'
    " autofocus>"
    "</form>",
    "/split": "<title>Verify</title><p>Enter the code</p><div>"
    + "".join(f'<input maxlength=1 inputmode=numeric name="d{n}">' for n in range(6))
    + "</div>",
    "/comment": "<title>Sign in to GitHub</title><form><label for=c>Comment</label>"
    "<input id=c name=comment autofocus></form>",
}
SAVED = Path(__file__).parents[1] / "js" / "pages"  # real sites' 2FA markup (its README)
for saved in SAVED.glob("*.html"):
    PAGES[f"/saved/{saved.name}"] = saved.read_text(encoding="utf-8")


class Pages:
    """A local web server; ``reports`` gets what each page says of its fields."""

    def __init__(self) -> None:
        self.reports: queue.Queue[dict[str, str]] = queue.Queue()
        reports = self.reports

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = PAGES.get(self.path, "<title>nothing</title>") + REPORTING
                data = f"<!doctype html><html><body>{body}</body></html>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                reports.put(json.loads(self.rfile.read(size)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def next_report(self, kind: str, timeout: float = 20) -> dict[str, str]:
        while True:
            report = self.reports.get(timeout=timeout)
            if report["kind"] == kind:
                return report

    def close(self) -> None:
        self.server.shutdown()


class Browser:
    """A browser on the test desktop with the extension loaded; the shortcut pressed in
    its window."""

    classname = ""

    def __init__(self, app: TrayApp) -> None:
        self.app = app
        self.process: subprocess.Popen[bytes] | None = None

    def window(self) -> str | None:
        found = self.app.search("--onlyvisible", "--class", self.classname)
        return found[-1] if found else None

    def fill(self, pages: Pages, kind: str) -> dict[str, str]:
        """Press the extension's shortcut until the page reports ``kind`` (a browser just
        started registers the extension's shortcut a moment after the page loads)."""
        for _ in range(5):
            self.press_shortcut()
            try:
                return pages.next_report(kind, timeout=4)
            except queue.Empty:
                continue
        raise AssertionError(f"the page reported no {kind} after the shortcut")

    def press_shortcut(self) -> None:
        window = self.window()
        assert window is not None
        env = self.app.env
        subprocess.run(["xdotool", "windowactivate", "--sync", window], env=env, check=False)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "alt+shift+o"], env=env, check=True)

    def close(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process = None


class Chromium(Browser):
    """Debian's Chromium, its default profile in the test HOME, with the extension loaded
    unpacked."""

    classname = "chromium"

    def __init__(self, app: TrayApp, extension: str) -> None:
        super().__init__(app)
        self.extension = extension

    def open(self, url: str) -> None:
        """A new tab with ``url`` (the first call starts the browser)."""
        if self.process is not None and self.process.poll() is None:
            subprocess.run(
                [shutil.which("chromium") or "chromium", *self.flags(), url],
                env=self.app.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
                check=True,
            )  # handed to the running browser, which opens it in a tab in front
            return
        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", *self.flags(), url],
            env=self.app.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def flags(self) -> list[str]:
        return [
            "--no-sandbox",  # the tests run as root
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            "--host-resolver-rules=MAP *.test 127.0.0.1",
            f"--load-extension={self.extension}",
            f"--disable-extensions-except={self.extension}",
            "--window-size=900,700",
        ]


class Firefox(Browser):
    """Debian's Firefox ESR with a profile of its own in which the Firefox build of the
    extension (``traycodes browser path --firefox``) is installed the way an administrator
    side-loads one: a file named by the extension's id holding its folder, unsigned
    add-ons allowed (ESR honours the preference)."""

    classname = "firefox"

    def __init__(self, app: TrayApp, extension: str, profile: Path, hosts: list[str]) -> None:
        super().__init__(app)
        (profile / "extensions").mkdir(parents=True)
        (profile / "extensions" / GECKO_ID).write_text(extension)
        prefs = {
            "xpinstall.signatures.required": False,
            "extensions.autoDisableScopes": 0,
            "extensions.enabledScopes": 15,
            "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "browser.aboutwelcome.enabled": False,
            "dom.security.https_first": False,
            "network.dns.localDomains": ",".join(hosts),  # these resolve to this machine
        }
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())
        )
        self.profile = profile

    def open(self, url: str) -> None:
        self.close()
        self.process = subprocess.Popen(
            ["firefox-esr", "--profile", str(self.profile), "--no-remote", url],
            env=self.app.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


class Setup(NamedTuple):
    app: TrayApp
    pages: Pages
    browser: Chromium


@pytest.fixture(scope="module")
def setup(desktop: DesktopSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    require("chromium")
    root = tmp_path_factory.mktemp("browser")
    app = TrayApp(desktop, root)
    app.init(
        f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub",
        f"otpauth://totp/Twice:first?secret={OTHER_KEY}&issuer=Twice",
        f"otpauth://totp/Twice:second?secret={THIRD_KEY}&issuer=Twice",
    )
    # the pages are served over http: these records opt in (a website written http://HOST)
    app.cli("edit", "GitHub", "--website", "http://github.test/")
    for name in ("first", "second"):
        app.cli("edit", name, "--website", "http://www.twice.test")
    installed = app.cli("browser", "on").stderr
    assert "chromium:" in installed
    extension = app.cli("browser", "path").stdout.strip()
    pages = Pages()
    browser = Chromium(app, extension)
    try:
        yield Setup(app, pages, browser)
    finally:
        browser.close()
        pages.close()


def test_the_host_is_installed_where_chromium_looks(setup: Setup) -> None:
    app, _, _ = setup
    home = Path(app.env["HOME"])
    manifest = json.loads(
        (home / ".config/chromium/NativeMessagingHosts/traycodes.json").read_text()
    )
    assert manifest["allowed_origins"] == ["chrome-extension://bpeopkbnikbbhmgffaeanlbjgfkhckci/"]
    assert app.cli("browser", "status").stdout.startswith("chromium: on")
    row = next(
        line
        for line in app.cli("doctor", check=False).stdout.splitlines()
        if "browser host" in line
    )
    assert "on for chromium" in row, row
    # only the browsers found here: no Chrome, Brave, Edge or Vivaldi on this desktop
    assert not any(name in row for name in ("chrome,", "brave", "edge", "vivaldi")), row
    assert not (home / ".config/google-chrome").exists()


def test_the_shortcut_fills_the_code_of_the_pages_own_site(setup: Setup) -> None:
    _app, pages, browser = setup
    browser.open(pages.url("github.test", "/login"))
    pages.next_report("load", timeout=60)
    wait_for(lambda: browser.window() is not None, "the Chromium window")
    filled = browser.fill(pages, "change")
    assert filled["page"].startswith("github.test")
    assert filled["value"] in expected_codes(GITHUB_KEY)


def test_a_page_titled_like_the_site_on_another_host_gets_nothing(setup: Setup) -> None:
    """The title says GitHub; the address is not github.test: a note, no code."""
    _app, pages, browser = setup
    browser.open(pages.url("github.test.evil.test", "/login"))
    pages.next_report("load", timeout=60)
    browser.fill(pages, "panel")
    with pytest.raises(queue.Empty):
        pages.next_report("change", timeout=3)


def test_split_digit_boxes_are_filled(setup: Setup) -> None:
    _app, pages, browser = setup
    browser.open(pages.url("github.test", "/split"))
    pages.next_report("load", timeout=60)
    filled = browser.fill(pages, "change")
    while len(filled["value"]) < 6:
        filled = pages.next_report("change")
    assert filled["value"] in expected_codes(GITHUB_KEY)


def test_an_http_page_gets_no_code_but_from_a_record_that_opts_in(setup: Setup) -> None:
    """login.github.test is GitHub's site, but over http: only the host the record names
    with http:// (github.test) is filled; here a note, no code."""
    _app, pages, browser = setup
    browser.open(pages.url("login.github.test", "/login"))
    pages.next_report("load", timeout=60)
    browser.fill(pages, "panel")
    with pytest.raises(queue.Empty):
        pages.next_report("change", timeout=3)


def test_the_shortcut_never_fills_a_field_that_is_not_a_code_field(setup: Setup) -> None:
    """The site's own host, a comment field with focus: a note, the field stays empty."""
    _app, pages, browser = setup
    browser.open(pages.url("github.test", "/comment"))
    pages.next_report("load", timeout=60)
    browser.fill(pages, "panel")
    with pytest.raises(queue.Empty):
        pages.next_report("change", timeout=3)


@pytest.mark.parametrize("page", ["microsoft.html", "numberboxes.html", "x.html"])
def test_real_sites_markup_is_filled_in_the_code_field(setup: Setup, page: str) -> None:
    """Microsoft's name="otc" with a Spanish label, six number boxes with no name, X's
    field inside its label: the code lands there (the page's other inputs stay as they
    were: the report joins every input's value)."""
    _app, pages, browser = setup
    browser.open(pages.url("github.test", f"/saved/{page}"))
    loaded = pages.next_report("load", timeout=60)
    filled = browser.fill(pages, "change")
    while len(filled["value"]) < len(loaded["value"]) + 6:
        filled = pages.next_report("change")
    assert len(filled["value"]) == len(loaded["value"]) + 6
    assert any(c in filled["value"] for c in expected_codes(GITHUB_KEY))


def test_two_accounts_on_one_site_show_the_chooser(setup: Setup) -> None:
    app, pages, browser = setup
    browser.open(pages.url("twice.test", "/login"))
    pages.next_report("load", timeout=60)
    browser.fill(pages, "panel")
    subprocess.run(["xdotool", "key", "Return"], env=app.env, check=True)  # the first one
    filled = pages.next_report("change")
    assert filled["value"] in expected_codes(OTHER_KEY)  # "first" sorts before "second"


def host(app: TrayApp, *messages: dict[str, str], caller: str) -> tuple[int, list[object]]:
    """Run the installed host as a browser would, with ``caller`` as its caller."""
    import struct

    launcher = Path(app.env["XDG_DATA_HOME"]) / "traycodes/browser-host"
    token = (Path(app.env["XDG_DATA_HOME"]) / "traycodes/browser-token").read_text().strip()
    messages = tuple({"token": token, **m} for m in messages)  # as our copy sends them
    data = b"".join(
        struct.pack("=I", len(body)) + body for body in (json.dumps(m).encode() for m in messages)
    )
    done = subprocess.run(
        [str(launcher), caller],
        input=data,
        capture_output=True,
        env=app.env,
        timeout=60,
        check=False,
    )
    replies, out = [], done.stdout
    while out:
        (size,) = struct.unpack("=I", out[:4])
        replies.append(json.loads(out[4 : 4 + size]))
        out = out[4 + size :]
    return done.returncode, replies


def test_the_host_answers_our_extension_only(setup: Setup) -> None:
    app, _, _ = setup
    ours = "chrome-extension://bpeopkbnikbbhmgffaeanlbjgfkhckci/"
    code, replies = host(app, {"type": "codes", "url": "https://github.test/x"}, caller=ours)
    assert code == 0 and replies[0]["accounts"][0]["label"] == "GitHub (octocat)"  # type: ignore[index]
    other = "chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
    code, replies = host(app, {"type": "codes", "url": "https://github.test/x"}, caller=other)
    assert code == 1 and replies == []
    # our id without this install's token (another add-on claiming it): nothing but an error
    code, replies = host(app, {"type": "codes", "url": "https://github.test/x", "token": "x"},
                         caller=ours)  # fmt: skip
    assert code == 0 and replies == [{"ok": False, "error": replies[0]["error"]}]  # type: ignore[index]
    assert "browser path" in replies[0]["error"]  # type: ignore[index]


def test_with_the_app_running_the_app_answers(setup: Setup) -> None:
    app, pages, browser = setup
    app.start()
    try:
        browser.open(pages.url("github.test", "/login"))
        pages.next_report("load", timeout=60)
        filled = browser.fill(pages, "change")
        assert filled["value"] in expected_codes(GITHUB_KEY)
        wait_for(lambda: "browser: 1 account(s) for github.test" in app.output(), "the app's log")
    finally:
        assert app.stop() == 0


def test_the_global_hotkey_hands_a_browser_window_to_the_extension(setup: Setup) -> None:
    """The app's type hotkey with Chromium in front: the extension said hello, so the app
    presses its shortcut there, and the extension goes by the page's address. A page
    titled like GitHub on another host gets a note, not the chooser and not a code; the
    site's own page gets its code."""
    app, pages, browser = setup
    app.start()
    try:
        browser.open(pages.url("github.test.evil.test", "/login"))
        pages.next_report("load", timeout=60)
        browser.fill(pages, "panel")  # the extension is ready (and has said hello)
        window = browser.window()
        assert window is not None
        for target, kind in (("github.test.evil.test", "panel"), ("github.test", "change")):
            browser.open(pages.url(target, "/login"))
            pages.next_report("load", timeout=60)
            subprocess.run(
                ["xdotool", "windowactivate", "--sync", window], env=app.env, check=False
            )
            app.run("xdotool", "key", "ctrl+alt+o")  # the app's type hotkey
            found = pages.next_report(kind, timeout=20)  # a loaded CI machine
            assert not app.state()["chooser"]
            if kind == "change":
                assert found["value"] in expected_codes(GITHUB_KEY)
            else:
                with pytest.raises(queue.Empty):
                    pages.next_report("change", timeout=3)
    finally:
        assert app.stop() == 0


def test_a_locked_vault_gets_the_message_and_nothing_is_filled(
    setup: Setup, desktop: DesktopSession, tmp_path: Path
) -> None:
    """A vault only a password opens (no keyring slot), no app running: the host says so;
    the page gets a note and no code."""
    app, pages, browser = setup
    locked = TrayApp(desktop, tmp_path, keyring=False)
    locked.init(f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub")
    locked.cli("edit", "GitHub", "--website", "https://github.test/", TRAYCODES_PASSWORD="pw")
    locked.cli("browser", "on")  # the host now opens this vault...
    browser.close()  # ...once the browser starts it anew (the extension keeps one host)
    try:
        ours = "chrome-extension://bpeopkbnikbbhmgffaeanlbjgfkhckci/"
        _, replies = host(locked, {"type": "codes", "url": "https://github.test/"}, caller=ours)
        assert replies == [{"ok": False, "error": "traycodes is locked", "locked": True}]
        browser.open(pages.url("github.test", "/login"))
        pages.next_report("load", timeout=60)
        browser.fill(pages, "panel")
        with pytest.raises(queue.Empty):
            pages.next_report("change", timeout=3)
    finally:
        app.cli("browser", "on")
        browser.close()  # the next test's browser starts the host with this launcher


@pytest.fixture
def firefox(setup: Setup, tmp_path: Path) -> Iterator[Firefox]:
    require("firefox-esr")
    extension = setup.app.cli("browser", "path", "--firefox").stdout.strip()
    hosts = ["github.test", "github.test.evil.test"]
    browser = Firefox(setup.app, extension, tmp_path / "profile", hosts)
    try:
        yield browser
    finally:
        browser.close()


def test_firefox_fills_the_code_of_the_pages_own_site(setup: Setup, firefox: Firefox) -> None:
    """The same extension in Firefox ESR, through the host's Firefox manifest
    (~/.mozilla/native-messaging-hosts, allowed_extensions: our gecko id)."""
    firefox.open(setup.pages.url("github.test", "/login"))
    setup.pages.next_report("load", timeout=60)
    wait_for(lambda: firefox.window() is not None, "the Firefox window")
    filled = firefox.fill(setup.pages, "change")
    assert filled["value"] in expected_codes(GITHUB_KEY)


def test_firefox_gives_a_lookalike_host_nothing(setup: Setup, firefox: Firefox) -> None:
    firefox.open(setup.pages.url("github.test.evil.test", "/login"))
    setup.pages.next_report("load", timeout=60)
    wait_for(lambda: firefox.window() is not None, "the Firefox window")
    firefox.fill(setup.pages, "panel")
    with pytest.raises(queue.Empty):
        setup.pages.next_report("change", timeout=3)
