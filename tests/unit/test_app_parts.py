"""The app's parts with fakes (a loop whose timers the test fires, a fake clock and
clipboard, a host that records): the session's unlock, idle lock and sync; the code
actions; the loop without Tk; the IPC commands' masking. No display needed."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.unit.fakes import FakeClipboard, FakeClock, FakeLoop, record, vault_with
from traycodes.app.actions import CodeActions
from traycodes.app.commands import Commands
from traycodes.app.loop import QueueLoop
from traycodes.app.session import Session
from traycodes.keystore import MemoryStore
from traycodes.otp import hotp, totp
from traycodes.settings import Settings
from traycodes.vault import KDF_MINIMUM, Vault

KEY = b"12345678901234567890"


class Host:
    """The session's host: records what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.watched: list[Any] = []

    def notify(self, title: str, body: str) -> None:
        self.events.append(("notify", title))

    def ask_password(self, *, create: bool) -> None:
        self.events.append(("ask_password", create))

    def password_result(self, problem: str | None) -> None:
        self.events.append(("password_result", problem))

    def cannot_open(self, message: str) -> None:
        self.events.append(("cannot_open", message))

    def unlocked(self) -> None:
        self.events.append(("unlocked", None))

    def locked(self) -> None:
        self.events.append(("locked", None))

    def changed(self) -> None:
        self.events.append(("changed", None))

    def watch_folder(self, folder: Path, changed: Any) -> Any:
        self.watched.append(changed)
        return None  # as on Windows and macOS: the session looks at the file itself


def kinds(host: Host) -> list[str]:
    return [kind for kind, _ in host.events]


def session_for(
    path: Path, loop: FakeLoop, host: Host, *, keystore: Any = None, **settings: Any
) -> Session:
    return Session(path, keystore=keystore, settings=Settings(**settings), loop=loop, host=host)  # type: ignore[arg-type]


def wait_for_posted(loop: FakeLoop, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not loop.posted:
        assert time.monotonic() < deadline, "the worker never came back"
        time.sleep(0.01)
    loop.run_posted()


# -- the session ------------------------------------------------------------------------------


def test_no_vault_asks_for_a_new_password_and_creates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAYCODES_KDF_COST", "minimum")
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host)
    session.open_with_keyring()
    assert host.events == [("ask_password", True)]
    session.try_password("a new password", create=True)
    wait_for_posted(loop)
    assert kinds(host)[-2:] == ["password_result", "unlocked"]
    assert host.events[-2] == ("password_result", None)
    assert (tmp_path / "v.tcv").exists() and not session.is_locked


def test_a_wrong_password_is_said_and_the_vault_stays_locked(tmp_path: Path) -> None:
    vault_with(tmp_path / "v.tcv", record("GitHub")).lock()
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host)
    session.open_with_keyring()
    assert host.events == [("ask_password", False)]
    session.try_password("not it", create=False)
    wait_for_posted(loop)
    assert host.events[-1] == ("password_result", "Wrong password.")
    assert session.is_locked and session.records() == []


def test_the_keyring_slot_unlocks_without_a_window(tmp_path: Path) -> None:
    store = MemoryStore()
    vault = Vault.create(tmp_path / "v.tcv", password="pw", keystore=store, kdf=KDF_MINIMUM)
    vault.update(lambda records: records.update({(r := record("GitHub")).id: r}))
    vault.lock()
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host, keystore=store)
    session.open_with_keyring()
    assert kinds(host) == ["unlocked"]
    assert [r.issuer for r in session.records()] == ["GitHub"]


def test_a_damaged_vault_stays_locked_and_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "v.tcv"
    path.write_bytes(b"traycodes-vault 2\nnot a vault\n")
    loop, host = FakeLoop(), Host()
    session_for(path, loop, host).open_with_keyring()
    assert kinds(host) == ["cannot_open"]
    assert path.read_bytes() == b"traycodes-vault 2\nnot a vault\n"


def test_idle_lock_counts_from_the_last_touch_and_drops_the_secrets(tmp_path: Path) -> None:
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host, lock_minutes=5)
    vault = vault_with(tmp_path / "v.tcv", record("GitHub"))
    session.unlock_with(vault)
    assert loop.timers["idle"][0] == 300
    loop.timers.clear()
    session.touch()
    assert loop.timers["idle"][0] == 300  # counting again
    loop.fire("idle")
    assert session.is_locked and session.records() == [] and session.record("x" * 32) is None
    assert host.events[-1] == ("locked", None)  # the host closes the windows that show codes
    with pytest.raises(Exception):  # noqa: B017 - the vault object no longer has its key
        vault.update(lambda records: None)


def test_no_idle_lock_when_the_setting_is_zero(tmp_path: Path) -> None:
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host, lock_minutes=0)
    session.unlock_with(vault_with(tmp_path / "v.tcv"))
    assert "idle" not in loop.timers


def test_a_second_unlock_keeps_the_first_vault(tmp_path: Path) -> None:
    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host)
    first = vault_with(tmp_path / "v.tcv", record("GitHub"))
    second = Vault.open(tmp_path / "v.tcv", keystore=None, password=lambda: "pw")
    session.unlock_with(first)
    session.unlock_with(second)
    assert session.vault is first and kinds(host).count("unlocked") == 1


def test_a_change_from_another_device_is_merged_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "v.tcv"
    loop, host = FakeLoop(), Host()
    session = session_for(path, loop, host)
    session.unlock_with(vault_with(path, record("GitHub")))
    assert not session.changed_on_disk()  # our own file, as we read it
    other = Vault.open(path, keystore=None, password=lambda: "pw")
    other.update(lambda records: records.update({(r := record("GitLab")).id: r}))
    assert session.changed_on_disk()  # nothing watches the folder here: looked at on refresh
    session.reload()
    assert sorted(r.issuer for r in session.records()) == ["GitHub", "GitLab"]
    assert host.events[-1] == ("changed", None) and not session.changed_on_disk()


def test_our_own_save_is_not_taken_for_a_change_from_elsewhere(tmp_path: Path) -> None:
    loop, host, clock = FakeLoop(), Host(), FakeClock()
    session = session_for(tmp_path / "v.tcv", loop, host)
    github = record("GitHub")
    session.unlock_with(vault_with(tmp_path / "v.tcv", github))
    actions = CodeActions(
        session, loop=loop, clock=clock, clipboard=FakeClipboard, notify=lambda t, b: None
    )  # type: ignore[arg-type]
    actions.mark_used(github.id)
    assert not session.changed_on_disk()


# -- code actions ---------------------------------------------------------------------------


def actions_for(tmp_path: Path, *records: Any, **settings: Any) -> tuple[CodeActions, Any]:
    loop, host, clock, clipboard = FakeLoop(), Host(), FakeClock(), FakeClipboard()
    session = session_for(tmp_path / "v.tcv", loop, host, **settings)
    session.unlock_with(vault_with(tmp_path / "v.tcv", *records))
    said: list[tuple[str, str]] = []
    actions = CodeActions(
        session,
        loop=loop,  # type: ignore[arg-type]
        clock=clock,
        clipboard=lambda: clipboard,
        notify=lambda title, body: said.append((title, body)),
    )
    return actions, (loop, clock, clipboard, said)


def test_copy_puts_the_code_on_the_clipboard_and_clears_it_later(tmp_path: Path) -> None:
    github = record("GitHub")
    actions, (loop, clock, clipboard, said) = actions_for(tmp_path, github, clipboard_seconds=20)
    assert actions.copy(github.id)
    assert clipboard.text == totp(KEY, clock.now())
    assert loop.timers["clipboard"][0] == 20
    assert said == [("Copied the code for GitHub", "the clipboard clears in 20 s")]
    loop.fire("clipboard")
    assert clipboard.text == ""


def test_the_clipboard_is_left_alone_when_someone_copied_since(tmp_path: Path) -> None:
    github = record("GitHub")
    actions, (loop, _, clipboard, _) = actions_for(tmp_path, github)
    actions.copy(github.id)
    clipboard.copy("the user's own text")
    loop.fire("clipboard")
    assert clipboard.text == "the user's own text"


def test_notifications_name_the_account_not_the_code_unless_asked(tmp_path: Path) -> None:
    github = record("GitHub")
    actions, (_, clock, _, said) = actions_for(tmp_path, github, notify_codes=True)
    actions.copy(github.id)
    code = totp(KEY, clock.now())
    assert said[0][1].startswith(f"{code[:3]} {code[3:]}")


def test_hotp_counter_is_saved_before_its_code_reaches_the_clipboard(tmp_path: Path) -> None:
    counter = record("Bank", hotp=True)
    actions, (_, _, clipboard, _) = actions_for(tmp_path, counter)
    on_disk_when_copied: list[int] = []
    original = clipboard.copy

    def copy(text: str) -> None:  # what the file says at the moment the code is shown
        reread = Vault.open(tmp_path / "v.tcv", keystore=None, password=lambda: "pw")
        stored = next(r for r in reread.records if r.id == counter.id)
        assert stored.otp is not None
        on_disk_when_copied.append(stored.otp.counter)
        original(text)

    clipboard.copy = copy  # type: ignore[method-assign]
    actions.copy(counter.id)
    actions.copy(counter.id)
    assert clipboard.copies == [hotp(KEY, 0), hotp(KEY, 1)]
    assert on_disk_when_copied == [1, 2]


def test_copy_while_locked_says_so_and_copies_nothing(tmp_path: Path) -> None:
    github = record("GitHub")
    actions, (_, _, clipboard, _) = actions_for(tmp_path, github)
    actions.session.lock("a test")
    assert actions.copy(github.id) is False and clipboard.copies == []


def test_remember_window_adds_the_pattern_once(tmp_path: Path) -> None:
    github = record("GitHub")
    actions, _ = actions_for(tmp_path, github)
    actions.remember_window(github.id, "GitHub Desktop")
    actions.remember_window(github.id, "GitHub Desktop")
    stored = actions.session.record(github.id)
    assert stored is not None and stored.title_patterns == ("GitHub Desktop",)


# -- the loop without Tk ----------------------------------------------------------------------


def test_queue_loop_runs_posted_work_and_timers_in_order_on_its_thread() -> None:
    loop = QueueLoop()
    seen: list[str] = []
    threads: set[str] = set()

    def note(what: str) -> None:
        seen.append(what)
        threads.add(threading.current_thread().name)

    loop.after("late", 0.2, lambda: (note("late"), loop.quit()))
    loop.after("cancelled", 0.05, lambda: note("cancelled"))
    loop.after("replaced", 0.05, lambda: note("replaced-old"))
    loop.after("replaced", 0.1, lambda: note("replaced-new"))
    loop.cancel("cancelled")
    worker = threading.Thread(target=lambda: loop.post(lambda: note("posted")))
    worker.start()
    worker.join()
    runner = threading.Thread(target=loop.run, name="the-loop")
    runner.start()
    runner.join(5)
    assert not runner.is_alive()
    assert seen == ["posted", "replaced-new", "late"] and threads == {"the-loop"}


def test_queue_loop_call_returns_the_result_and_raises_the_error() -> None:
    loop = QueueLoop()
    runner = threading.Thread(target=loop.run)
    runner.start()
    try:
        assert loop.call(lambda: 41 + 1) == 42
        with pytest.raises(ZeroDivisionError):
            loop.call(lambda: 1 / 0)
    finally:
        loop.post(loop.quit)
        runner.join(5)
    assert not runner.is_alive()


# -- IPC commands: state never shows a code unless asked ------------------------------------


class CommandApp:
    def call(self, action: Any, timeout: float = 10.0) -> Any:
        return action()

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> CommandApp:
        return self

    @property
    def session(self) -> CommandApp:
        return self

    @property
    def actions(self) -> CommandApp:
        return self

    def app_state(self) -> dict[str, Any]:
        return {
            "locked": False,
            "menu": ["GitHub   492 039", "Search…"],
            "menu_shown": ["GitHub   492 039  (7 s)", "Search…"],  # as the backend has it
        }

    def window_state(self) -> dict[str, Any]:
        return {"enrol": {"preview": "GitHub: type this code   492 039"}}

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def test_state_masks_codes_unless_diagnostics_ask(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAYCODES_DIAGNOSTICS", raising=False)
    state = Commands(CommandApp()).handle({"command": "state"})  # type: ignore[arg-type]
    assert "492" not in str(state) and state["menu"][1] == "Search…"
    assert state["menu_shown"][0] == "GitHub   ••• •••  (7 s)"  # the seconds are no secret
    assert state["quickpick"] is False and state["chooser"] is False  # every key, always
    monkeypatch.setenv("TRAYCODES_DIAGNOSTICS", "codes")
    state = Commands(CommandApp()).handle({"command": "state"})  # type: ignore[arg-type]
    assert state["menu"][0].endswith("492 039")


def test_unknown_commands_get_an_answer_not_an_exception() -> None:
    answer = Commands(CommandApp()).handle({"command": "format-disk"})  # type: ignore[arg-type]
    assert answer == {"ok": False, "error": "unknown command 'format-disk'"}


def test_logged_errors_are_one_line_unless_debugging() -> None:
    import logging

    from traycodes.app.logs import OneLine

    try:
        raise ValueError("secret-ish detail in a traceback")
    except ValueError:
        import sys

        record = logging.LogRecord("traycodes.app", logging.ERROR, __file__, 1, "a part failed",
                                   None, sys.exc_info())  # fmt: skip
    assert OneLine(tracebacks=False).format(record) == (
        "traycodes: ERROR: traycodes.app: a part failed (ValueError)"
    )
    assert "Traceback" in OneLine(tracebacks=True).format(record)


def test_a_search_that_finds_no_account_shows_what_the_directory_knows(tmp_path: Path) -> None:
    """The quick-pick search falls through to the 2FA directory: "GitHub supports
    authenticator codes" with its set-up page, one Enter away from the enrolment dialog."""
    from traycodes.app.accounts import Accounts
    from traycodes.ui.rows import Row

    loop, host = FakeLoop(), Host()
    session = session_for(tmp_path / "v.tcv", loop, host)
    session.unlock_with(vault_with(tmp_path / "v.tcv", record("Google")))
    accounts = Accounts(session, FakeClock(1_700_000_000.0))
    (github,) = [row for row in accounts.rows("github") if row.title == "GitHub"]
    assert github.is_site and github.key == "site:GitHub" and github.code == ""
    assert github.link.startswith("https://docs.github.com/")
    assert "supports authenticator codes" in github.subtitle
    assert Row.from_json(github.to_json()) == github  # it crosses to the window process
    assert [row.title for row in accounts.rows("google")] == ["Google"]  # an account: no site
    # "g" finds the account Google: the directory's many g-sites stay out of the way
    assert [(row.title, row.is_site) for row in accounts.rows("g")] == [("Google", False)]
    assert accounts.rows("no such site anywhere qq") == []
