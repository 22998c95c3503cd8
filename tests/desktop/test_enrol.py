"""The enrolment dialog on a real desktop: links, setup keys, QR codes on screen, in files
and on the clipboard, Google exports, existing records, and clicked otpauth: links."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.apphelper import TrayApp, expected_codes, grouped
from tests.desktop.session import DesktopSession, require, wait_for
from traycodes.formats import writers
from traycodes.model import Entry, OtpParams
from traycodes.uri import format_migration

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]
KEY = "JBSWY3DPEHPK3PXP"
LINK = f"otpauth://totp/GitLab:dev@example.com?secret={KEY}&issuer=GitLab"
TITLE = "traycodes: add account"


@pytest.fixture
def app(desktop: DesktopSession, tmp_path: Path) -> Iterator[TrayApp]:
    made = TrayApp(desktop, tmp_path, backend="xorg")
    made.init()
    yield made
    made.kill()
    (Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock").unlink(missing_ok=True)


def dialog(app: TrayApp) -> dict[str, Any]:
    state = app.state()["enrol"]
    assert state is not None, "the enrolment dialog is not open"
    return state  # type: ignore[no-any-return]


def open_dialog(app: TrayApp, link: str = "") -> None:
    app.request("enrol", link=link)
    wait_for(lambda: app.window_named(TITLE) is not None, "the enrolment dialog")
    app.wait_focused(TITLE)


def click(app: TrayApp, name: str) -> None:
    app.click(*dialog(app)["widgets"][name])


def laid_out(app: TrayApp, name: str) -> bool:
    """The dialog's widget ``name`` is on screen with a size (a click before that misses)."""
    box = dialog(app)["widgets"].get(name)
    return box is not None and box[2] > 1 and box[3] > 1


def records(app: TrayApp) -> list[dict[str, Any]]:
    return json.loads(app.cli("list", "--json").stdout)  # type: ignore[no-any-return]


def code_shown(app: TrayApp, key: str = KEY) -> bool:
    preview = dialog(app)["preview"]
    return any(grouped(code) in preview for code in expected_codes(key))


def test_paste_a_link_see_the_code_save(app: TrayApp) -> None:
    app.start()
    open_dialog(app)
    app.type_text(LINK)
    wait_for(lambda: code_shown(app), "the live code")
    assert dialog(app)["targets"] == ["a new record"]
    assert dialog(app)["website"] == "https://gitlab.com"  # from the 2FA directory
    app.screenshot("enrol-link.png")
    assert records(app) == []  # nothing written before Save
    app.type_keys("Return")
    wait_for(lambda: app.state()["enrol"] is None, "the dialog to close")
    (saved,) = records(app)
    assert (saved["issuer"], saved["account"], saved["code"] in expected_codes(KEY)) == (
        "GitLab",
        "dev@example.com",
        True,
    )
    assert saved["websites"] == ["https://gitlab.com"]
    assert app.stop() == 0


def test_the_clipboard_link_is_offered(app: TrayApp) -> None:
    app.start()
    holder = subprocess.Popen(
        ["xclip", "-quiet", "-selection", "clipboard"], stdin=subprocess.PIPE, env=app.env
    )
    assert holder.stdin is not None
    holder.stdin.write(LINK.encode())
    holder.stdin.close()
    wait_for(lambda: app.clipboard() == LINK, "the link on the clipboard")
    open_dialog(app)
    wait_for(lambda: code_shown(app), "the clipboard's link in the dialog")
    holder.kill()  # -quiet: xclip stays in the foreground, so this ends its ownership
    holder.wait(5)
    assert app.stop() == 0


def test_setup_key_with_advanced_options(app: TrayApp) -> None:
    app.start()
    open_dialog(app)
    for field, text in (
        ("issuer", "ACME"),
        ("account", "me"),
        ("key", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
    ):
        click(app, field)
        app.type_text(text)
    click(app, "advanced")
    wait_for(lambda: laid_out(app, "digits"), "the advanced options laid out")
    click(app, "digits")
    app.type_keys("ctrl+slash", "BackSpace")  # Tk: select all, delete
    app.type_text("8")

    from traycodes.otp import totp

    wait_for(
        lambda: any(
            grouped(totp(b"12345678901234567890", time.time() + d, digits=8))
            in dialog(app)["preview"]
            for d in (-1.5, 0, 1.5)
        ),
        "an 8-digit preview",
    )
    app.screenshot("enrol-advanced.png")
    click(app, "save")
    wait_for(lambda: app.state()["enrol"] is None, "saved")
    (saved,) = records(app)
    assert (saved["issuer"], saved["digits"]) == ("ACME", 8)
    assert app.stop() == 0


def test_a_bad_key_is_shown_inline_and_nothing_saved(app: TrayApp) -> None:
    app.start()
    open_dialog(app)
    click(app, "issuer")
    app.type_text("Broken")
    click(app, "key")
    app.type_text("JBSW1Y3D")
    wait_for(lambda: "base32" in dialog(app)["message"], "the inline error")
    assert not dialog(app)["can_save"]
    app.type_keys("Return")  # refused: the Escape below still finds the dialog open,
    assert dialog(app)["can_save"] is False  # and nothing is saved (records, at the end)
    app.screenshot("enrol-bad-key.png")
    app.type_keys("Escape")
    wait_for(lambda: app.state()["enrol"] is None, "the dialog closed")
    assert records(app) == []
    assert app.stop() == 0


def clipboard_types(app: TrayApp) -> list[str]:
    """The types the clipboard's owner offers (empty while there is none)."""
    return app.run("xclip", "-o", "-selection", "clipboard", "-t", "TARGETS", check=False).split()


def show_qr(app: TrayApp, link: str) -> subprocess.Popen[bytes]:
    png = app.root / "qr.png"
    png.write_bytes(writers.qr_png(link))
    code = (
        "import sys, tkinter as t; r=t.Tk(className='qrshow'); r.title('QR on a page'); "
        "i=t.PhotoImage(file=sys.argv[1]); t.Label(r, image=i).pack(); "
        "r.geometry('+40+60'); r.after(60000, r.destroy); r.mainloop()"
    )
    shown = subprocess.Popen([sys.executable, "-c", code, str(png)], env=app.env)
    wait_for(lambda: app.window_named("QR on a page") is not None, "the QR code on screen")
    return shown


def window_place(app: TrayApp, title: str) -> str:
    window = app.window_named(title)
    assert window is not None
    done = app.run("xdotool", "getwindowgeometry", window)
    return next(line for line in done.splitlines() if "Position" in line)


def test_scan_a_qr_code_on_screen(app: TrayApp) -> None:
    """The code is found, the link's site and account fill their fields, and the dialog
    comes back where it was (it is hidden for the moment of capture)."""
    app.start()
    shown = show_qr(app, LINK)
    try:
        open_dialog(app)
        before = window_place(app, TITLE)
        click(app, "scan")
        wait_for(lambda: code_shown(app), "the scanned code's preview")
        wait_for(lambda: app.window_named(TITLE) is not None, "the dialog back")
        assert window_place(app, TITLE) == before
        assert (dialog(app)["issuer"], dialog(app)["account"]) == ("GitLab", "dev@example.com")
        app.screenshot("enrol-scanned.png")
    finally:
        shown.kill()
    assert app.stop() == 0


def test_open_an_image_file(app: TrayApp) -> None:
    image = app.root / "screenshot.png"
    image.write_bytes(writers.qr_png(LINK))
    app.start()
    open_dialog(app)
    click(app, "open")
    wait_for(lambda: app.window_named("traycodes: open image") is not None, "the chooser")
    app.wait_focused("traycodes: open image")
    app.type_text(str(image))
    app.type_keys("Return")
    wait_for(lambda: code_shown(app), "the image's code")
    assert app.stop() == 0


def test_paste_an_image_from_the_clipboard(app: TrayApp) -> None:
    image = app.root / "copied.png"
    image.write_bytes(writers.qr_png(LINK))
    app.start()
    open_dialog(app)
    holder = subprocess.Popen(
        ["xclip", "-quiet", "-selection", "clipboard", "-t", "image/png", "-i", str(image)],
        env=app.env,
    )
    try:
        wait_for(lambda: "image/png" in clipboard_types(app), "the image on the clipboard")
        click(app, "paste")
        wait_for(lambda: code_shown(app), "the clipboard image's code")
    finally:
        holder.kill()
    assert app.stop() == 0


def test_google_export_three_accounts_two_chosen(app: TrayApp) -> None:
    entries = [
        Entry(otp=OtpParams(bytes([n]) * 10), issuer=f"Site{n}", account="me") for n in (1, 2, 3)
    ]
    app.start()
    open_dialog(app)
    app.type_text(format_migration(entries))
    wait_for(
        lambda: dialog(app)["accounts"] == ["Site1 (me)", "Site2 (me)", "Site3 (me)"],
        "the export's accounts",
    )
    click(app, "account1")  # untick Site2
    app.state()  # answered on the windows' loop: after the click
    app.screenshot("enrol-google-export.png")
    click(app, "save")
    wait_for(lambda: app.state()["enrol"] is None, "saved")
    assert sorted(r["issuer"] for r in records(app)) == ["Site1", "Site3"]
    assert app.stop() == 0


def test_add_to_an_existing_record_that_waits(app: TrayApp) -> None:
    from traycodes.model import Record
    from traycodes.vault import Vault

    vault = Vault.open(app.vault, keystore=None, password=lambda: "pw")
    waiting = Record(id=uuid.uuid4().hex, issuer="GitLab", websites=("gitlab.com",))
    vault.update(lambda held: held.__setitem__(waiting.id, waiting))
    app.start()
    open_dialog(app, LINK)
    wait_for(lambda: code_shown(app), "the preview")
    assert dialog(app)["targets"] == ["a new record", "GitLab"]
    assert dialog(app)["target"] == waiting.id  # the waiting record is proposed first
    click(app, "save")
    wait_for(lambda: app.state()["enrol"] is None, "saved")
    (saved,) = records(app)
    assert (saved["id"], saved["type"], saved["account"]) == (waiting.id, "totp", "dev@example.com")
    assert app.stop() == 0


def test_clicked_otpauth_link_opens_the_dialog(app: TrayApp) -> None:
    require("xdg-open", "xdg-mime")
    done = app.cli("handler", "on")
    assert done.stdout.strip() == "on", done.stdout + done.stderr
    app.start()
    subprocess.run(["xdg-open", LINK], env=app.env, timeout=30, check=False)
    wait_for(
        lambda: app.state()["enrol"] is not None, "the dialog from the clicked link", timeout=20
    )
    wait_for(lambda: code_shown(app), "the link filled in")
    assert app.cli("handler", "off").stdout.strip() == "off"
    assert app.stop() == 0


def secret_in_a_command_line(secret: str, runtime_dir: str) -> list[str]:
    """Processes of this test's session (their ``XDG_RUNTIME_DIR``) whose command line,
    readable by every local user, holds ``secret``; other sessions on the machine (a test
    run beside this one) are not this test's."""
    found = []
    mine = f"XDG_RUNTIME_DIR={runtime_dir}".encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if secret.encode() not in cmdline.read_bytes():
                continue
            if mine in (cmdline.parent / "environ").read_bytes().split(b"\0"):
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


def test_enrol_starts_the_app_without_the_link_in_its_command_line(app: TrayApp) -> None:
    """What the otpauth: handler runs when traycodes is not running: the app comes up
    without the link in its argv, gets it over IPC, and the command exits."""
    started = time.monotonic()
    done = app.cli("enrol", LINK)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 20
    wait_for(app.answers_without_process, "the app the command started")
    wait_for(lambda: app.state()["enrol"] is not None, "the dialog with the link", timeout=20)
    wait_for(lambda: code_shown(app), "the link's live code")
    # the keyring unlocked the vault: no password window left over it (it was, 3 of 3)
    assert not app.state().get("password_window")
    assert app.window_named("traycodes: unlock") is None
    assert secret_in_a_command_line(KEY, app.env["XDG_RUNTIME_DIR"]) == []
    # and a second link while it runs goes over IPC too
    assert app.cli("enrol", "-", stdin=LINK + "\n").returncode == 0
    assert secret_in_a_command_line(KEY, app.env["XDG_RUNTIME_DIR"]) == []
    app.request("quit")
    wait_for(lambda: not app.answers_without_process(), "the app to quit", timeout=20)


def test_no_code_on_screen_offers_a_region(app: TrayApp) -> None:
    app.start()
    open_dialog(app)
    click(app, "scan")  # nothing on this screen
    wait_for(lambda: "pick the region" in dialog(app)["message"], "'none found'")
    wait_for(lambda: "region" in dialog(app)["widgets"], "the region button")
    click(app, "region")
    wait_for(
        lambda: app.window_named("traycodes: pick the QR code") is not None, "the region picker"
    )
    app.screenshot("enrol-region-picker.png")
    # The picker takes the keyboard (a grab, no window-manager focus) a moment after it is
    # mapped: Esc until it is heard.
    for _ in range(10):
        app.type_keys("Escape")
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: "No region was picked" in dialog(app)["message"], "cancel", 1)
            break
    assert "No region was picked" in dialog(app)["message"]
    assert app.stop() == 0


OTHER_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
OTHER_LINK = f"otpauth://totp/Example:me?secret={OTHER_KEY}&issuer=Example"


def test_a_link_from_outside_says_so_and_wants_a_click(app: TrayApp) -> None:
    app.start()
    open_dialog(app, LINK)  # over IPC: what the otpauth: handler does
    wait_for(lambda: code_shown(app), "the link's code")
    assert "another program" in dialog(app)["origin"]
    assert "origin" in dialog(app)["widgets"]  # the warning is on screen
    app.screenshot("enrol-from-outside.png")
    app.type_keys("Return")  # Enter does not save what arrived on its own
    # The state is answered on the windows' loop, after the Enter; the click below, which
    # saves, shows the dialog was live all along.
    assert app.state()["enrol"] is not None and records(app) == []
    click(app, "save")
    wait_for(lambda: app.state()["enrol"] is None, "saved by the click")
    assert [r["issuer"] for r in records(app)] == ["GitLab"]
    assert app.stop() == 0


def test_a_second_link_never_changes_an_open_dialog(app: TrayApp) -> None:
    app.start()
    open_dialog(app, LINK)
    wait_for(lambda: code_shown(app), "the first link's code")
    app.request("enrol", link=OTHER_LINK)  # a page sends another link meanwhile
    # The request is answered once the app has taken the link (the next dialog, below).
    assert code_shown(app, KEY) and not code_shown(app, OTHER_KEY)  # untouched
    app.type_keys("Escape")  # the user closes the first: the second opens on its own
    wait_for(lambda: app.state()["enrol"] is not None and code_shown(app, OTHER_KEY), "the next")
    assert "another program" in dialog(app)["origin"]
    assert app.stop() == 0


def test_replacing_a_key_shows_both_codes_and_keeps_the_old_key(app: TrayApp) -> None:
    app.cli("add", LINK, TRAYCODES_PASSWORD="pw")
    before = app.cli("code", "gitlab", "--at", "59", TRAYCODES_PASSWORD="pw").stdout
    app.start()
    replacing = f"otpauth://totp/GitLab:dev@example.com?secret={OTHER_KEY}&issuer=GitLab"
    open_dialog(app)
    app.type_text(replacing)
    wait_for(lambda: code_shown(app, OTHER_KEY), "the new key's code")
    click(app, "target2")  # "Add to GitLab (dev@example.com) (replaces its OTP)"
    click(app, "save")
    wait_for(lambda: app.window_named("traycodes: replace the key") is not None, "the question")
    app.wait_focused("traycodes: replace the key")
    app.screenshot("enrol-replace-question.png")
    app.type_keys("Return")  # Yes
    wait_for(lambda: app.state()["enrol"] is None, "saved")
    replaced = app.cli("code", "gitlab", "--at", "59", TRAYCODES_PASSWORD="pw").stdout
    assert replaced != before
    app.cli("edit", "gitlab", "--restore-previous-key", TRAYCODES_PASSWORD="pw")
    assert app.cli("code", "gitlab", "--at", "59", TRAYCODES_PASSWORD="pw").stdout == before
    assert app.stop() == 0


def test_a_search_for_a_site_without_an_account_leads_to_its_set_up(
    app: TrayApp, tmp_path: Path
) -> None:
    """The quick-pick window's search finds no account for GitLab; the 2FA directory says
    GitLab supports authenticator codes: Enter opens its set-up page (in the browser) and
    then the enrolment dialog."""
    opened = tmp_path / "opened.txt"
    app.env["BROWSER"] = f"sh -c 'echo \"$1\" >> {opened}' sh %s"
    app.start()
    app.open_window("show", "traycodes")
    app.type_text("gitlab")
    wait_for(lambda: len(app.state()["quickpick_codes"]) == 1, "the search to find GitLab")
    app.type_keys("Return")
    wait_for(lambda: app.window_named(TITLE) is not None, "the enrolment dialog")
    wait_for(opened.exists, "the set-up page opened")
    assert opened.read_text().strip() == (
        "https://docs.gitlab.com/user/profile/account/two_factor_authentication/"
    )
