"""The browser extension's side in Python: which records belong to a page (by its
registrable domain, never its title), the native messaging host's protocol and checks,
the running app's answer, and the host's install in each browser."""

from __future__ import annotations

import io
import json
import struct
import uuid
from pathlib import Path
from typing import Any

import pytest

from traycodes.app.commands import Commands
from traycodes.browser import EXTENSION_ID, GECKO_ID, install
from traycodes.browser.host import BadMessage, caller_allowed, checked, read_message, serve
from traycodes.browser.pagecodes import belongs, page_accounts, wait_before
from traycodes.model import OtpParams, OtpType, Record
from traycodes.otp import code
from traycodes.sitematch import page_host, records_for_page, shared_host, site_of

OURS = f"chrome-extension://{EXTENSION_ID}/"


def record(issuer: str, *websites: str, account: str = "me", hotp: bool = False) -> Record:
    otp = OtpParams(uuid.uuid4().bytes + b"1234", OtpType.HOTP if hotp else OtpType.TOTP)
    return Record(id=uuid.uuid4().hex, issuer=issuer, account=account, otp=otp, websites=websites)


@pytest.mark.parametrize(
    ("host", "site"),
    [
        ("github.com", "github.com"),
        ("gist.github.com", "github.com"),
        ("www.GitHub.com", "github.com"),
        ("accounts.google.co.uk", "google.co.uk"),
        ("me.github.io", "me.github.io"),  # github.io is a public suffix: each user a site
        ("github.com.evil.example", "evil.example"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("localhost", "localhost"),
    ],
)
def test_a_hosts_site_is_its_registrable_domain(host: str, site: str) -> None:
    assert site_of(host) == site


def test_only_web_pages_have_a_host() -> None:
    assert page_host("https://GitHub.com:443/login?next=/") == "github.com"
    for url in ("chrome://settings", "file:///etc/passwd", "about:blank", "data:text/html,x",
                "javascript:alert(1)", "https://", "not a url"):  # fmt: skip
        assert page_host(url) is None, url


def test_records_belong_to_a_page_by_site_never_by_title_or_name() -> None:
    github = record("GitHub", "https://github.com/login")
    enterprise = record("GitHub", "https://github.example.org")
    mail = record("Google", "accounts.google.com")
    named = record("GitHub")  # no website: the 2FA directory's domains for "GitHub"
    records = [github, enterprise, mail, named]
    site, found = records_for_page(records, "https://gist.github.com/x")
    assert site == "gist.github.com" and found == [github, named]  # the exact host
    assert records_for_page(records, "https://github.com.evil.example/")[1] == []
    assert records_for_page(records, "https://evil.example/?title=GitHub")[1] == []
    assert records_for_page(records, "https://mail.google.com/")[1] == [mail]
    assert records_for_page(records, "file:///home/me/github.com.html") == ("", [])


def test_page_answers_and_a_fresh_code_only_for_the_pages_own_site() -> None:
    github = record("GitHub", "github.com", account="b")
    second = record("GitHub", "github.com", account="a")
    counter = record("Bank", "bank.example", hotp=True)
    records = [github, second, counter]
    answer = page_accounts(records, "https://github.com/", 1_700_000_000.0)
    assert answer["site"] == "github.com"
    assert [a["label"] for a in answer["accounts"]] == ["GitHub (a)", "GitHub (b)"]
    # two accounts: labels first, no code until the user has chosen one
    assert [(a["code"], a["remaining"]) for a in answer["accounts"]] == [(None, None)] * 2
    popup = page_accounts(records, "https://github.com/", 1_700_000_000.0, every_code=True)
    assert popup["accounts"][1]["code"] == code(github.otp, 1_700_000_000.0)  # type: ignore[arg-type]
    one = page_accounts([github], "https://github.com/", 1_700_000_000.0)["accounts"][0]
    assert one["code"] == code(github.otp, 1_700_000_000.0)  # type: ignore[arg-type]
    hotp = page_accounts(records, "https://bank.example/", 1_700_000_000.0)["accounts"][0]
    assert hotp["code"] is None and hotp["remaining"] is None  # shown only when asked
    assert belongs(records, "https://github.com/", counter.id) is None
    assert belongs(records, "https://bank.example/", counter.id) == counter
    assert page_accounts(records, "ftp://github.com/", 0.0)["ok"] is False


def test_tenants_and_user_content_never_get_the_parent_domains_codes() -> None:
    okta = record("Okta", "https://mycorp.okta.com")
    google = record("Google", "google.com")
    tumblr = record("Tumblr")  # no website: the 2FA directory's tumblr.com
    atlassian = record("Atlassian", "https://atlassian.com")
    records = [okta, google, tumblr, atlassian]

    def found(url: str) -> list[Record]:
        return records_for_page(records, url)[1]

    assert found("https://mycorp.okta.com/signin") == [okta]
    assert found("https://attacker.okta.com/signin") == []
    assert found("https://accounts.google.com/signin") == [google]  # one company's hop
    assert found("https://myaccount.google.com/") == [google]
    assert found("https://sites.google.com/view/evil") == []
    assert found("https://docs.google.com/forms/d/e/x/viewform") == []
    assert found("https://www.tumblr.com/login") == [tumblr]
    assert found("https://evil.tumblr.com/") == []
    assert found("https://id.atlassian.com/login") == [atlassian]
    assert found("https://evil.atlassian.net/") == []
    assert found("https://evil.zendesk.com/") == found("https://me.my.salesforce.com/") == []
    # the public suffix list's private section: each user's host is a site of its own
    pages = record("Me", "https://me.github.io")
    assert records_for_page([pages], "https://you.github.io/")[1] == []
    assert records_for_page(records, "https://evil.tumblr.com/")[0] == "evil.tumblr.com"


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        # anyone gets an admin developer instance (UI pages: any HTML and script)
        ("https://mycorp.service-now.com", "https://dev12345.service-now.com/evil.do"),
        # a tenant's sign-in pages run the tenant's own script
        ("https://mycorp.b2clogin.com", "https://evil.b2clogin.com/evil.onmicrosoft.com/x"),
    ],
)
def test_a_tenant_of_another_platform_gets_no_sibling_tenants_code(ours: str, theirs: str) -> None:
    mine = record("Work", ours)
    assert records_for_page([mine], theirs)[1] == []
    assert records_for_page([mine], ours + "/login")[1] == [mine]


def test_the_shared_hosts_list_is_data_with_its_sources() -> None:
    from traycodes.resources import data_bytes

    data = json.loads(data_bytes("shared-hosts.json"))
    assert len(data["sources"]) >= 5 and all("https://" in s for s in data["sources"])
    for host in ("sites.google.com", "docs.google.com"):
        assert host in data["hosts"]
    for domain in ("tumblr.com", "wordpress.com", "okta.com", "atlassian.net", "zendesk.com",
                   "my.salesforce.com"):  # fmt: skip
        assert domain in data["domains"]
    assert shared_host("x.my.salesforce.com") and not shared_host("okta.com")
    assert not shared_host("www.okta.com") and not shared_host("accounts.google.com")


def test_only_https_pages_get_codes_but_local_hosts_and_an_explicit_opt_in() -> None:
    github = record("GitHub", "https://github.com/login")
    lan = record("Router", "http://router.lan")
    local = record("Dev", "127.0.0.1", account="ip")
    dev = record("Dev", "localhost", account="local")
    records = [github, lan, local, dev]
    assert records_for_page(records, "http://github.com/login")[1] == []
    answer = page_accounts(records, "http://github.com/login", 0.0)
    assert answer["ok"] is False and "https" in answer["error"] and "github.com" in answer["error"]
    assert records_for_page(records, "https://github.com/login")[1] == [github]
    assert records_for_page(records, "http://router.lan/")[1] == [lan]  # written http://
    assert records_for_page(records, "http://other.router.lan/")[1] == []  # that host only
    assert records_for_page(records, "http://127.0.0.1:8080/")[1] == [local]
    assert records_for_page(records, "http://localhost:3000/")[1] == [dev]


def test_a_public_ip_address_over_http_is_any_http_host() -> None:
    """A network attacker serving http://1.2.3.4 gets no code of a record for that
    address unless it is written http:// (a LAN address, 192.168.x.x, is filled)."""
    public = record("Server", "1.2.3.4")
    opted_in = record("Box", "http://5.6.7.8")
    router = record("Router", "192.168.1.1")
    v6 = record("Six", "[2001:4860::1]")
    records = [public, opted_in, router, v6]
    assert records_for_page(records, "http://1.2.3.4/")[1] == []
    assert records_for_page(records, "https://1.2.3.4/")[1] == [public]
    assert records_for_page(records, "http://5.6.7.8/")[1] == [opted_in]
    assert records_for_page(records, "http://192.168.1.1/")[1] == [router]
    assert records_for_page(records, "http://[2001:4860::1]/")[1] == []
    assert records_for_page(records, "https://[2001:4860::1]/")[1] == [v6]


def test_a_code_about_to_expire_is_waited_for() -> None:
    answer = {"accounts": [{"remaining": 1.5}, {"remaining": 20.0}, {"remaining": None}]}
    assert wait_before(answer, 3) == pytest.approx(1.55)
    assert wait_before(answer, 1) == 0.0


@pytest.fixture(autouse=True)
def own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This install's data folder (the host's token, the extension's copies) for each test."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setattr(install, "_data_dir", lambda: folder)


def frame(message: object, *, token: bool = True) -> bytes:
    """A request as the extension sends it: with this install's token."""
    if token and isinstance(message, dict):
        message = {"token": install.host_token(), **message}
    body = json.dumps(message).encode()
    return struct.pack("=I", len(body)) + body


def replies(data: bytes) -> list[dict[str, Any]]:
    found = []
    while data:
        (size,) = struct.unpack("=I", data[:4])
        found.append(json.loads(data[4 : 4 + size]))
        data = data[4 + size :]
    return found


def test_the_host_starts_only_for_our_extension() -> None:
    assert caller_allowed([OURS]) and caller_allowed(["/path/manifest.json", GECKO_ID])
    assert caller_allowed([OURS, "--parent-window=0"])
    assert not caller_allowed(["chrome-extension://abcdefghijklmnopabcdefghijklmnop/"])
    assert not caller_allowed([OURS.rstrip("/")]) and not caller_allowed([])
    out = io.BytesIO()
    assert serve(["chrome-extension://other/"], io.BytesIO(frame({"type": "codes"})), out) == 1
    assert out.getvalue() == b""  # nothing read, nothing said


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ({"type": "export-everything", "url": "https://github.com/"}, "unknown request type"),
        ({"type": "codes"}, "no page address"),
        ({"type": "codes", "url": "x" * 5000}, "no page address"),
        ({"type": "code", "url": "https://github.com/", "id": "../../etc"}, "names no account"),
        ({"type": "code", "url": "https://github.com/", "id": 7}, "names no account"),
        # addresses that browsers and Python's urlsplit read as different hosts
        ({"type": "codes", "url": "https://evil.example\\@github.com/"}, "backslash"),
        ({"type": "codes", "url": "https://evil.example\\.github.com/"}, "backslash"),
        ({"type": "codes", "url": "https://github.com\t.evil.example/"}, "control"),
        ({"type": "codes", "url": "https://github.com /x"}, "a space"),
        ({"type": "codes", "url": "https://gıthub.com/"}, "non-ASCII"),
        ({"type": "codes", "url": "https://github.com@evil.example/"}, "user name"),
        ({"type": "codes", "url": "https://a:b@github.com/"}, "user name"),
    ],
)
def test_requests_are_checked(message: dict[str, Any], error: str) -> None:
    with pytest.raises(BadMessage, match=error):
        checked(message)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (struct.pack("=I", 10**8), "more than any request"),
        (b"\x05\x00", "truncated message header"),
        (struct.pack("=I", 10) + b"{}", "truncated message"),
        (struct.pack("=I", 4) + b"\xff\xfe{}", "not JSON"),
        (frame([1, 2]), "not an object"),
    ],
)
def test_broken_messages_get_one_error_and_the_host_stops(data: bytes, error: str) -> None:
    with pytest.raises(BadMessage, match=error):
        read_message(io.BytesIO(data))
    out = io.BytesIO()
    assert serve([OURS], io.BytesIO(data), out) == 2
    (reply,) = replies(out.getvalue())
    assert reply["ok"] is False and error in reply["error"]


def test_without_the_install_token_the_host_answers_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another add-on claiming our id (or the package's own folder loaded unpacked) sends
    no token, or a wrong one: only the error comes back, the app and vault never asked."""
    from traycodes.browser import host as host_module

    asked: list[object] = []
    monkeypatch.setattr(host_module, "answer", lambda *args: asked.append(args) or {"ok": True})
    request = {"type": "codes", "url": "https://github.com/"}
    stream = io.BytesIO(
        frame(request, token=False) + frame({**request, "token": "guess"}, token=False)
        + frame({**request, "token": 7}, token=False) + frame(request)
    )  # fmt: skip
    out = io.BytesIO()
    assert serve([OURS], stream, out) == 0
    got = replies(out.getvalue())
    assert [r["ok"] for r in got] == [False, False, False, True] and len(asked) == 1
    assert "browser path" in got[0]["error"]
    (install._data_dir() / "browser-token").unlink()  # no token saved: nothing is answered
    out = io.BytesIO()
    assert serve([OURS], io.BytesIO(frame(request, token=False)), out) == 0
    assert replies(out.getvalue())[0]["ok"] is False and len(asked) == 1


def test_browser_path_writes_the_token_into_the_copy_it_makes() -> None:
    from traycodes.browser.install import BINDING_FILE, SHIPPED, extension_folder

    for firefox in (False, True):
        folder = extension_folder(firefox=firefox)
        assert folder != SHIPPED and folder.is_relative_to(install._data_dir())
        written = json.loads((folder / BINDING_FILE).read_text())["token"]
        assert written == install.saved_token() and len(written) >= 40
    assert not (SHIPPED / BINDING_FILE).exists()  # the package's own folder has none
    assert (install._data_dir() / "browser-token").stat().st_mode & 0o077 == 0


def test_a_bad_request_gets_an_answer_and_the_host_goes_on() -> None:
    stream = io.BytesIO(frame({"type": "nope", "url": "https://a.example/"}) + frame({"x": 1}))
    out = io.BytesIO()
    assert serve([OURS], stream, out) == 0
    assert [r["ok"] for r in replies(out.getvalue())] == [False, False]


class BrowserApp:
    """The app as the IPC commands see it, for the browser's requests."""

    def __init__(self, records: list[Record], *, locked: bool = False) -> None:
        self._records = records
        self.locked = locked
        self.asked_password = 0
        self.advanced: list[str] = []
        self.settings = type("S", (), {"min_seconds_left": 0})()

    def call(self, action: Any, timeout: float = 10.0) -> Any:
        return action()

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> BrowserApp:
        return self

    @property
    def session(self) -> BrowserApp:
        return self

    @property
    def actions(self) -> BrowserApp:
        return self

    def app_state(self) -> dict[str, Any]:
        return {"locked": self.locked, "menu": []}

    def records(self) -> list[Record]:
        return self._records

    @property
    def clock(self) -> BrowserApp:
        return self

    def now(self) -> float:
        return 1_700_000_000.0

    def advance_hotp(self, record_id: str) -> str:
        self.advanced.append(record_id)
        return "123456"

    def show_password(self) -> None:
        self.asked_password += 1

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def test_the_running_app_answers_the_host() -> None:
    github, bank = record("GitHub", "github.com"), record("Bank", "bank.example", hotp=True)
    app = BrowserApp([github, bank])
    commands = Commands(app)  # type: ignore[arg-type]
    answer = commands.handle({"command": "browser-codes", "url": "https://github.com/login"})
    assert answer["accounts"][0]["id"] == github.id
    twice = BrowserApp([github, record("GitHub", "github.com", account="two")])
    labels = Commands(twice).handle(  # type: ignore[arg-type]
        {"command": "browser-codes", "url": "https://github.com/login"}
    )
    assert [a["code"] for a in labels["accounts"]] == [None, None]  # labels first
    popup = Commands(twice).handle(  # type: ignore[arg-type]
        {"command": "browser-codes", "url": "https://github.com/login", "every": "1"}
    )
    assert all(a["code"] for a in popup["accounts"])
    one = commands.handle(
        {"command": "browser-code", "url": "https://github.com/", "id": github.id}
    )
    assert one == {"ok": True, "code": code(github.otp, 1_700_000_000.0)}  # type: ignore[arg-type]
    other = commands.handle(
        {"command": "browser-code", "url": "https://evil.example/", "id": github.id}
    )
    assert other["ok"] is False and "code" not in other
    hotp = commands.handle(
        {"command": "browser-code", "url": "https://bank.example/", "id": bank.id}
    )
    assert hotp == {"ok": True, "code": "123456"} and app.advanced == [bank.id]


def test_a_locked_app_says_so_and_shows_its_unlock_window() -> None:
    app = BrowserApp([record("GitHub", "github.com")], locked=True)
    answer = Commands(app).handle({"command": "browser-codes", "url": "https://github.com/"})  # type: ignore[arg-type]
    assert answer == {"ok": False, "error": "traycodes is locked", "locked": True}
    assert app.asked_password == 1


def test_the_extensions_hello_is_noted_for_the_browser_that_started_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from traycodes.browser import seen

    monkeypatch.setattr(seen, "browser_process", lambda: "chromium")
    out = io.BytesIO()
    hello = frame({"type": "hello", "shortcut": "Alt+Shift+O"})
    assert serve([OURS], io.BytesIO(hello + frame({"type": "hello", "shortcut": 5})), out) == 0
    assert [r["ok"] for r in replies(out.getvalue())] == [True, False]
    assert seen.shortcut_for("chromium") == "Alt+Shift+O"


def test_replies_carry_the_requests_id_over_one_long_connection() -> None:
    """The extension keeps one host for many requests and matches replies by ``rid``."""
    requests = frame({"type": "nope", "url": "https://a.example/", "rid": 7}) + frame(
        {"type": "codes", "rid": 8}
    )
    out = io.BytesIO()
    assert serve([OURS], io.BytesIO(requests), out) == 0
    assert [r["rid"] for r in replies(out.getvalue())] == [7, 8]


def test_the_extension_is_copied_where_a_folder_chooser_sees_it_and_status_knows_a_stale_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from traycodes.cli import main

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["browser", "path", "--copy-to"]) == 0
    copy = home / "traycodes-browser-extension"
    assert capsys.readouterr().out.strip() == str(copy)
    shipped = install.extension_folder()
    assert sorted(p.name for p in shipped.iterdir() if p.is_file()) == sorted(
        p.name for p in copy.iterdir() if p.name != install.COPY_MARKER
    )
    main(["browser", "status"])
    assert f"extension copy: current ({copy})" in capsys.readouterr().out
    # an upgrade changes the shipped files: the copy is stale until copied again
    (copy / "background.js").write_text("// an older version\n")
    main(["browser", "status"])
    assert f"extension copy: stale ({copy})" in capsys.readouterr().out
    assert main(["browser", "path", "--copy-to", str(copy)]) == 0
    main(["browser", "status"])
    assert f"extension copy: current ({copy})" in capsys.readouterr().out
    # a folder that holds something else is never overwritten
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    assert main(["browser", "path", "--copy-to", str(other)]) == 2
    assert "holds other files" in capsys.readouterr().err
    assert (other / "notes.txt").read_text() == "keep me"
    # the Firefox build copies too
    assert main(["browser", "path", "--firefox", "--copy-to", str(tmp_path / "ff")]) == 0
    manifest = json.loads((tmp_path / "ff" / "manifest.json").read_text())
    assert manifest["browser_specific_settings"]["gecko"]["id"] == GECKO_ID
    capsys.readouterr()
    main(["browser", "status"])
    assert f"extension copy: current ({tmp_path / 'ff'})" in capsys.readouterr().out


def test_a_code_for_the_popups_copy_carries_the_apps_clipboard_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traycodes.browser.host import answer

    config = tmp_path / "settings.toml"
    config.write_text("clipboard_seconds = 7\n")
    monkeypatch.setenv("TRAYCODES_CONFIG", str(config))
    one = {"type": "code", "url": "https://github.com/", "id": "0" * 32}
    assert answer(one, lambda *_, **__: {"ok": True, "code": "1"})["clear_after"] == 7
    assert answer(one, lambda *_, **__: {"ok": False}) == {"ok": False}  # no code: no time
