"""How windows shape long text: paths elided in the middle, never cut mid-name."""

from __future__ import annotations

import os

import pytest

from traycodes.ui.text import elide_path


def test_a_short_path_is_shown_whole_with_home_as_tilde(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ada")
    assert elide_path("/home/ada/.local/share/traycodes/vault.tcv") == (
        "~/.local/share/traycodes/vault.tcv"
    )
    assert elide_path("/srv/vault.tcv") == "/srv/vault.tcv"


def test_a_long_path_loses_whole_folders_from_the_middle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", "/home/ada")
    path = "/home/ada/Sync/a-rather-long-folder-name/another-long-folder/nested/vault.tcv"
    shown = elide_path(path, limit=40)
    assert len(shown) <= 40
    assert shown.startswith("~" + os.sep + "…" + os.sep)
    assert shown.endswith(os.sep + "vault.tcv")
    # every part shown is a whole name of the path
    for part in shown.split(os.sep):
        assert part in ("~", "…") or part in path.split(os.sep)


def test_a_name_longer_than_the_limit_is_kept_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/ada")
    name = "v" * 80 + ".tcv"
    assert elide_path(f"/home/ada/x/y/{name}", limit=30) == f"~/…/{name}"
