"""Filled on its own (per site, opt-in): the host's list of the sites the user allowed in the
extension's popup, its answers (only an allowed site gets codes for an auto-fill request,
with whether to submit), and ``traycodes browser status`` listing and revoking them."""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path
from typing import Any

import pytest

from traycodes.browser import EXTENSION_ID, autofill, install
from traycodes.browser.host import BadMessage, answer, checked, serve
from traycodes.cli import main

OURS = f"chrome-extension://{EXTENSION_ID}/"


@pytest.fixture(autouse=True)
def own_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAYCODES_STATE", str(tmp_path / "state"))
    monkeypatch.setattr(install, "_data_dir", lambda: tmp_path / "data")


def app_answers(command: str, **fields: str) -> dict[str, Any]:
    """The running app, as the host asks it: one account for github.com."""
    assert command == "browser-codes" and "auto" not in fields, (command, fields)
    return {"ok": True, "site": "github.com", "accounts": [{"id": "1", "code": "123456"}]}


def ask(message: dict[str, Any]) -> dict[str, Any]:
    return answer(checked(message), app_answers)


def test_a_site_is_a_scheme_and_exact_host() -> None:
    assert autofill.site_of_url("https://GitHub.com:8443/login?x=1") == "https://github.com"
    assert autofill.site_of_url("http://[::1]:8080/") == "http://[::1]"
    for url in ("chrome://settings", "file:///etc/passwd", "https://", "javascript:x"):
        assert autofill.site_of_url(url) is None, url


def test_auto_fill_is_off_until_a_site_is_allowed_and_off_again_once_revoked() -> None:
    url = "https://github.com/sessions/two-factor"
    off = ask({"type": "codes", "url": url, "auto": True})
    assert off["ok"] is False and off["off"] is True and "accounts" not in off
    assert ask({"type": "allow", "site": "https://github.com", "submit": True}) == {"ok": True}
    filled = ask({"type": "codes", "url": url, "auto": True})
    assert filled["accounts"][0]["code"] == "123456" and filled["submit"] is True
    # the exact site only: not another host of the domain, not http
    for other in ("https://gist.github.com/", "http://github.com/login"):
        assert ask({"type": "codes", "url": other, "auto": True})["off"] is True, other
    assert ask({"type": "sites"}) == {
        "ok": True,
        "sites": [{"site": "https://github.com", "submit": True}],
    }
    assert ask({"type": "revoke", "site": "https://github.com"}) == {"ok": True}
    assert ask({"type": "codes", "url": url, "auto": True})["off"] is True
    assert ask({"type": "sites"})["sites"] == []
    # a press (no "auto") is answered whatever the list says
    assert ask({"type": "codes", "url": url})["accounts"][0]["code"] == "123456"


@pytest.mark.parametrize(
    "message",
    [
        {"type": "allow", "site": "https://github.com/login"},  # a site, not a page
        {"type": "allow", "site": "https://*.github.com"},
        {"type": "allow", "site": "ftp://github.com"},
        {"type": "allow", "site": 5},
        {"type": "revoke"},
    ],
)
def test_only_a_site_address_is_allowed_or_revoked(message: dict[str, Any]) -> None:
    with pytest.raises(BadMessage, match="no site"):
        checked(message)


def test_the_list_is_kept_private_and_a_broken_file_allows_nothing(tmp_path: Path) -> None:
    autofill.allow("https://github.com", submit=False)
    path = tmp_path / "state" / "browser-autofill.json"
    assert path.stat().st_mode & 0o077 == 0
    path.write_text('{"https://github.com": 1, "not a site": {"submit": true}}')
    assert autofill.sites() == {}
    path.write_text("[")
    assert autofill.entry_for("https://github.com/") is None


def test_the_host_answers_the_list_over_its_connection() -> None:
    def frame(message: dict[str, Any]) -> bytes:
        body = json.dumps({"token": install.host_token(), **message}).encode()
        return struct.pack("=I", len(body)) + body

    stream = io.BytesIO(
        frame({"type": "allow", "site": "https://a.example", "rid": 1})
        + frame({"type": "sites", "rid": 2})
    )
    out = io.BytesIO()
    assert serve([OURS], stream, out) == 0
    data = out.getvalue()
    found = []
    while data:
        (size,) = struct.unpack("=I", data[:4])
        found.append(json.loads(data[4 : 4 + size]))
        data = data[4 + size :]
    assert found == [
        {"ok": True, "rid": 1},
        {"ok": True, "sites": [{"site": "https://a.example", "submit": False}], "rid": 2},
    ]


def test_browser_status_lists_the_sites_and_revokes_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    autofill.allow("https://github.com", submit=True)
    autofill.allow("https://gitlab.com", submit=False)
    main(["browser", "status"])
    out = capsys.readouterr().out
    assert "filled on its own: https://github.com, then submits the form" in out
    assert "filled on its own: https://gitlab.com (--revoke gitlab.com)" in out
    main(["browser", "status", "--revoke", "github.com"])
    captured = capsys.readouterr()
    assert "https://github.com: no longer filled on its own" in captured.err
    assert "github.com," not in captured.out and "https://gitlab.com" in captured.out
    assert main(["browser", "status", "--revoke", "github.com"]) == 2
    err = capsys.readouterr().err
    assert "github.com is not filled on its own" in err and "Traceback" not in err
    assert main(["browser", "path", "--revoke", "gitlab.com"]) == 2
    assert autofill.sites() == {"https://gitlab.com": {"submit": False}}
