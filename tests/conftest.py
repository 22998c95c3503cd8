"""Every test gets a state folder of its own (``TRAYCODES_STATE``: the computer id and the
copies of its last saves), so no test sees another's, nor the machine's real one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def own_state_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("TRAYCODES_STATE", str(folder))
    return folder
