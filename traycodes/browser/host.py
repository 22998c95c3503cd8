"""``traycodes browser-host``: the native messaging host the browser extension talks to.

The browser starts it with the caller's identity in its arguments (Chromium-family: the
``chrome-extension://ID/`` origin; Firefox: the manifest's path and the extension's id)
and speaks on stdin/stdout: each message a 4-byte native-order length, then UTF-8 JSON.
stdout carries nothing else (logs go to stderr).

Every request carries ``token``: the random per-install token that ``traycodes browser
path`` writes into the copy of the extension it makes (browser/install.py). Without it the
host answers nothing but that error: another add-on that claims our id (Firefox ids are
not reserved; an unpacked Chromium extension can reuse our public key) has no copy of it.

The extension keeps one connection open (``connectNative``), so one host answers many
requests, each reply carrying its request's ``rid``.

Requests: ``{"type": "codes", "url": PAGE}`` -> the accounts of the page's site, labels
first (a code only where one account matches; ``"every": "1"``, the extension's own popup:
every code; ``"auto": true``, the page's code field appeared: only on a site the user
allows, see browser/autofill.py); ``{"type": "code", "url": PAGE, "id": ID}`` -> a fresh
code of one of them (HOTP: its counter saved first) and ``clear_after``, the app's
clipboard time (the popup's Copy); ``{"type": "hello", "shortcut": KEYS}`` -> noted
(browser/seen.py), so that the global hotkey hands this browser's windows to the
extension; ``{"type": "sites"}``, ``{"type": "allow", "site": SITE, "submit": BOOL}``,
``{"type": "revoke", "site": SITE}``: the sites filled on their own. The page's address
comes from the browser (the tab's URL as the extension sees it), never from the page.
With the tray app running the host asks it over IPC; otherwise it opens the vault through
the keyring slot, and if only a password would open it, answers "traycodes is locked"
(and a running app, if any, shows its unlock window).
"""

from __future__ import annotations

import json
import re
import struct
import sys
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from ..errors import Locked, TrayCodesError
from . import EXTENSION_ID, GECKO_ID
from .pagecodes import MAX_URL, codes_for_page, page_reply

MAX_MESSAGE = 64 * 1024  # a request is a URL and an id: far below this
ALLOWED_CALLERS = (f"chrome-extension://{EXTENSION_ID}/", GECKO_ID)
RECORD_ID = re.compile(r"[0-9a-f]{32}")


class BadMessage(TrayCodesError):
    """A message that is not one of ours; answered with an error, never acted on."""


def caller_allowed(argv: list[str]) -> bool:
    """Whether the browser says our extension started us (the browsers enforce their
    manifests' allowed origins; this refuses a start by anything else)."""
    return any(arg in ALLOWED_CALLERS for arg in argv)


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    """The next message; None at the end of the input (the browser closed the port)."""
    header = stream.read(4)
    if not header:
        return None
    if len(header) < 4:
        raise BadMessage("a truncated message header")
    (size,) = struct.unpack("=I", header)
    if size > MAX_MESSAGE:
        raise BadMessage(f"a message of {size} bytes, more than any request of ours")
    body = stream.read(size)
    if len(body) != size:
        raise BadMessage("a truncated message")
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadMessage("a message that is not JSON") from None
    if not isinstance(message, dict):
        raise BadMessage("a message that is not an object")
    return message


def write_message(stream: BinaryIO, message: dict[str, Any]) -> None:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    stream.write(struct.pack("=I", len(body)) + body)
    stream.flush()


def url_problem(url: str) -> str | None:
    """Why a page address is refused (None: it is not). The browser gives its URLs
    normalised (printable ASCII, the host in punycode); a backslash, a space, a control or
    non-ASCII character, or a user name in the address are parsed differently by browsers
    and by Python's urlsplit, so such an address never names a site here."""
    if "\\" in url:
        return "a page address with a backslash"
    if any(not (0x21 <= ord(c) <= 0x7E) for c in url):
        return "a page address with a space, a control or a non-ASCII character"
    authority = url.partition("://")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in authority:
        return "a page address with a user name in it"
    return None


def checked(message: dict[str, Any]) -> dict[str, str]:
    """The request's fields, checked: a type we know, an http(s) URL, a record id."""
    kind = message.get("type")
    url = message.get("url")
    if kind == "hello":
        shortcut = message.get("shortcut")
        if not isinstance(shortcut, str) or len(shortcut) > 40:
            raise BadMessage("the hello names no shortcut")
        return {"type": "hello", "shortcut": shortcut}
    if kind == "sites":
        return {"type": "sites"}
    if kind in ("allow", "revoke"):
        from .autofill import SITE

        site = message.get("site")
        if not isinstance(site, str) or not SITE.fullmatch(site):
            raise BadMessage("the request names no site (scheme://host)")
        fields = {"type": str(kind), "site": site}
        if kind == "allow":
            fields["submit"] = "1" if message.get("submit") is True else ""
        return fields
    if kind not in ("codes", "code"):
        raise BadMessage(f"unknown request type {kind!r}")
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise BadMessage("the request has no page address")
    problem = url_problem(url)
    if problem:
        raise BadMessage(problem)
    fields = {"type": str(kind), "url": url}
    if kind == "codes" and message.get("every") is True:
        fields["every"] = "1"
    elif kind == "codes" and message.get("auto") is True:
        fields["auto"] = "1"  # the page's code field appeared: filled only on a site allowed
    if kind == "code":
        record_id = message.get("id")
        if not isinstance(record_id, str) or not RECORD_ID.fullmatch(record_id):
            raise BadMessage("the request names no account")
        fields["id"] = record_id
    return fields


def answer(request: dict[str, str], ask_app: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """The answer to a checked request: from the running app, else from the vault."""
    from .. import ipc

    if request["type"] == "hello":
        from . import seen

        seen.note(seen.browser_process(), request["shortcut"])
        return {"ok": True}
    if request["type"] in ("sites", "allow", "revoke") or request.get("auto"):
        return autofill_answer(request, ask_app)
    command = "browser-codes" if request["type"] == "codes" else "browser-code"
    try:
        reply = ask_app(command, **{k: v for k, v in request.items() if k != "type"})
    except (ipc.NotRunning, OSError):
        reply = from_vault(request)
    if request["type"] == "code" and reply.get("ok"):
        from ..settings import load_settings

        # the popup's Copy clears the clipboard after the app's time (0: never)
        reply = {**reply, "clear_after": load_settings().clipboard_seconds}
    return reply


def autofill_answer(
    request: dict[str, str], ask_app: Callable[..., dict[str, Any]]
) -> dict[str, Any]:
    """The sites filled on their own: listed, allowed, revoked; and the codes for a page
    whose code field appeared, only where its site is allowed (``off``: it is not, and the
    extension gives the browser's permission for it back), with whether to submit."""
    from . import autofill

    if request["type"] == "sites":
        found = autofill.sites()
        return {"ok": True, "sites": [{"site": s, **e} for s, e in sorted(found.items())]}
    if request["type"] == "allow":
        autofill.allow(request["site"], submit=request["submit"] == "1")
        return {"ok": True}
    if request["type"] == "revoke":
        autofill.revoke(request["site"])
        return {"ok": True}
    entry = autofill.entry_for(request["url"])
    if entry is None:
        site = autofill.site_of_url(request["url"]) or "this page"
        return {"ok": False, "off": True, "error": f"traycodes does not fill {site} on its own"}
    reply = answer({k: v for k, v in request.items() if k != "auto"}, ask_app)
    return {**reply, "submit": entry["submit"]}


def from_vault(request: dict[str, str]) -> dict[str, Any]:
    """Open the vault through the keyring slot (never a password prompt: there is no
    terminal) and answer."""
    from ..keystore import system_store
    from ..settings import default_vault_path, load_settings
    from ..vault import Vault

    settings = load_settings()
    store, _why = system_store()

    def no_password() -> str | None:
        raise Locked("traycodes is locked")

    try:
        vault = Vault.open(default_vault_path(), keystore=store, password=no_password)
    except Locked:
        return {"ok": False, "error": "traycodes is locked", "locked": True}

    def now() -> float:
        return time.time() + settings.clock_offset

    def look() -> dict[str, Any]:
        used = lambda record_id: vault.advance_hotp(record_id, now(), used=True)  # noqa: E731
        return page_reply(vault.records, request, now(), used)

    return codes_for_page(request, look, settings.min_seconds_left, time.sleep)


FOREIGN_COPY = (
    "this copy of the traycodes extension was not made by this traycodes: load the "
    "folder that 'traycodes browser path' prints"
)


def token_ok(message: dict[str, Any], expected: str | None) -> bool:
    """Whether the request carries this install's token (compared in constant time)."""
    import hmac

    token = message.get("token")
    if expected is None or not isinstance(token, str):
        return False
    return hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))


def serve(argv: list[str], stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Answer requests until the browser closes the port."""
    from .. import ipc
    from .install import saved_token

    if not caller_allowed(argv):
        sys.stderr.write(
            "traycodes: browser-host answers only the traycodes extension "
            "(started by a browser with its id); not started that way\n"
        )
        return 1
    expected = saved_token()
    while True:
        try:
            message = read_message(stdin)
        except BadMessage as exc:
            write_message(stdout, {"ok": False, "error": str(exc)})
            return 2  # the stream cannot be trusted to be in step any more
        if message is None:
            return 0
        try:
            if not token_ok(message, expected):
                raise BadMessage(FOREIGN_COPY)
            reply = answer(checked(message), ipc.request)
        except BadMessage as exc:
            reply = {"ok": False, "error": str(exc)}
        except TrayCodesError as exc:
            reply = {"ok": False, "error": str(exc)}
        rid = message.get("rid")
        if isinstance(rid, int) and not isinstance(rid, bool):
            reply = {**reply, "rid": rid}  # the extension's id for the request, echoed
        write_message(stdout, reply)
