"""The command that a login entry (and the tray's "Start at login") runs."""

from __future__ import annotations

from pathlib import Path

from .. import desktop


def autostart_command(vault_path: Path) -> list[str]:
    """What the login entry runs: this traycodes, and the vault unless it is the usual one
    (TRAYCODES_VAULT may not be set in the login session)."""
    from ..settings import platform_vault_path

    command = desktop.launch_command()
    if vault_path != platform_vault_path():
        command += ["--vault", str(vault_path)]
    return command
