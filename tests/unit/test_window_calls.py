"""The window calls are declared once (app/host.py's Protocols): the Tk windows and the
app's controller implement exactly those, the child-process mode forwards and serves them
from the declarations, and a misspelt call fails instead of doing nothing."""

from __future__ import annotations

import inspect
import json
import socket
from typing import Any

import pytest

from tests.unit.test_uiproc import ENTRY
from traycodes.app.controller import AppController
from traycodes.app.crossing import CONTROLLER_CALLS, WINDOW_CALLS, Channel, Forward, serve
from traycodes.app.host import NoWindows, WindowHost, WindowsController
from traycodes.app.uiproc import ChildWindows, _Controller
from traycodes.errors import TrayCodesError
from traycodes.settings import Settings
from traycodes.ui.enrolform import Target
from traycodes.ui.rows import Row


class Recorder:
    """Whatever is called on it, recorded with its arguments by name; answers per call."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.answers = answers or {}

    def __getattr__(self, name: str) -> Any:
        def record(**kwargs: Any) -> Any:
            self.calls.append((name, kwargs))
            return self.answers.get(name)

        return record


def across(table: Any, target: Any) -> Forward:
    """A forwarder whose messages go through JSON to ``serve`` on ``target``."""

    def send(method: str, args: dict[str, Any], answered: bool) -> Any:
        message = json.loads(json.dumps({"method": method, "args": args}))
        return json.loads(json.dumps(serve(table, target, message["method"], message["args"])))

    return Forward(table, send)


WINDOW_SAMPLES: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "show_password": ((), {"create": True, "vault": "/home/me/v.traycodes", "reminder": 3}),
    "password_result": (("wrong password",), {}),
    "show_quickpick": ((), {"add": True}),
    "show_chooser": (("Code for “x”", ["a" * 32]), {"offer_remember": True}),
    "show_enrol": (("otpauth://totp/X?secret=JBSWY3DPEHPK3PXP", "a link"), {}),
    "show_settings": ((Settings(menu_size=7),), {}),
    "show_import": ((), {}),
    "show_error": (("the vault is damaged",), {}),
    "show_welcome": ((["one", "two"],), {}),
    "show_menu": (([{"key": "lock", "text": "Lock"}], 10, 20), {}),
    "close_secret_windows": ((), {}),
    "records_changed": ((), {}),
    "snapshot": ((), {}),
}


def test_every_window_call_crosses_to_the_child_with_its_arguments() -> None:
    assert set(WINDOW_SAMPLES) == set(WINDOW_CALLS)  # a new call gets a sample here
    windows = Recorder({"snapshot": {"quickpick": True}})
    host = across(WINDOW_CALLS, windows)
    for name, (args, kwargs) in WINDOW_SAMPLES.items():
        getattr(host, name)(*args, **kwargs)
        called, got = windows.calls[-1]
        expected = inspect.signature(getattr(WindowHost, name)).bind(None, *args, **kwargs)
        expected.apply_defaults()
        assert called == name
        assert got == {k: v for k, v in expected.arguments.items() if k != "self"}, name
    assert host.snapshot() == {"quickpick": True}


def test_every_controller_call_crosses_to_the_app_and_answers_in_kind() -> None:
    row = Row("a" * 32, "GitHub", "octo", "492 039", 12.5, 30)
    target = Target("b" * 32, "Bank", True, "123456")
    samples: dict[str, tuple[Any, ...]] = {
        "now": (),
        "rows": ("git",),
        "copy": ("a" * 32,),
        "chooser_picked": ("a" * 32, True),
        "submit_password": ("hunter2", False),
        "password_later": (),
        "propose": (ENTRY,),
        "save_enrolment": ([(ENTRY, None), (ENTRY, "b" * 32)],),
        "import_entries": ([ENTRY],),
        "save_settings": ({"menu_size": 7},),
        "notify": ("title", "body"),
        "touch": (),
        "menu_chosen": ("copy:" + "a" * 32,),
    }
    assert set(samples) == set(CONTROLLER_CALLS)
    answers = {"now": 5.0, "rows": [row], "propose": [target], "save_enrolment": "Added.",
               "import_entries": ["Added 1."], "save_settings": []}  # fmt: skip
    app = Recorder(answers)
    controller = across(CONTROLLER_CALLS, app)
    for name, args in samples.items():
        answer = getattr(controller, name)(*args)
        assert answer == answers.get(name), name
        names = list(inspect.signature(getattr(WindowsController, name)).parameters)[1:]
        assert app.calls[-1] == (name, dict(zip(names, args, strict=True))), name


def test_the_implementations_take_exactly_the_declared_calls() -> None:
    from traycodes.app.windows import TkWindows

    for table, protocol, implementation in (
        (WINDOW_CALLS, WindowHost, TkWindows),
        (CONTROLLER_CALLS, WindowsController, AppController),
    ):
        for name in table:
            declared = inspect.signature(getattr(protocol, name))
            done = inspect.signature(getattr(implementation, name))
            assert list(done.parameters) == list(declared.parameters), name


def test_a_misspelt_window_call_fails_loudly() -> None:
    with pytest.raises(AttributeError, match="show_quickpik"):
        NoWindows().show_quickpik()  # type: ignore[attr-defined]
    NoWindows().show_quickpick(add=True)  # before the loop starts: nothing shown, no error
    child = ChildWindows(Recorder(), lambda action: action())  # type: ignore[arg-type]
    with pytest.raises(AttributeError, match="show_quickpik"):
        child.show_quickpik()  # type: ignore[attr-defined]
    assert child.process is None  # no window process was started for it
    with pytest.raises(TypeError):
        child.show_chooser("heading")  # type: ignore[call-arg]
    ours, _theirs = socket.socketpair()
    with pytest.raises(AttributeError, match="rowz"):
        _Controller(Channel(ours)).rowz("git")  # type: ignore[attr-defined]


def test_the_other_side_cannot_call_what_is_not_declared() -> None:
    for method, args in (("__init__", {}), ("vault", {}), ("rows", {"query": "x", "extra": 1}),
                         ("rows", ["positional"])):  # fmt: skip
        with pytest.raises(TrayCodesError, match="unknown request"):
            serve(CONTROLLER_CALLS, Recorder(), method, args)
