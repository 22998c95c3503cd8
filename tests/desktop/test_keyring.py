"""The keyring slot against a real Secret Service (gnome-keyring in a D-Bus session)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract.keystore_contract import KeyStoreContract
from tests.desktop.session import DesktopSession
from traycodes.keystore import KeyringStore, KeyStore
from traycodes.vault import KDF_MINIMUM, Vault

pytestmark = pytest.mark.desktop

SECRET_LINK = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"


def secret_service() -> KeyringStore:
    from keyring.backends import SecretService

    return KeyringStore(SecretService.Keyring())


class TestSecretService(KeyStoreContract):
    @pytest.fixture
    def store(self, keyring_session: DesktopSession) -> KeyStore:
        return secret_service()

    @pytest.fixture
    def described_as(self) -> str:
        return "SecretService.Keyring"


def test_vault_opens_through_the_real_keyring(
    keyring_session: DesktopSession, tmp_path: Path
) -> None:
    path = tmp_path / "vault.tcv"
    store = secret_service()
    Vault.create(path, password="pw", keystore=store, kdf=KDF_MINIMUM)
    opened = Vault.open(path, keystore=secret_service(), password=lambda: None)
    assert opened.unlocked_with == "keyring"


def cli(
    session: DesktopSession, tmp_path: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "traycodes", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **session.full_env(),
            "TRAYCODES_VAULT": str(tmp_path / "vault.tcv"),
            "TRAYCODES_CONFIG": str(tmp_path / "settings.toml"),
            "TRAYCODES_KDF_COST": "minimum",
            **env,
        },
    )


def test_cli_uses_the_keyring_by_itself(keyring_session: DesktopSession, tmp_path: Path) -> None:
    done = cli(keyring_session, tmp_path, "init", "--password-stdin", stdin="pw\n")
    assert done.returncode == 0, done.stderr
    assert "password and keyring" in done.stderr
    # No password anywhere: the keyring slot opens the vault.
    assert cli(keyring_session, tmp_path, "add", SECRET_LINK).returncode == 0
    listed = cli(keyring_session, tmp_path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"GitHub"' in listed.stdout
    status = cli(keyring_session, tmp_path, "keyring", "status")
    assert "keyring slot: yes" in status.stdout
    assert "SecretService" in status.stdout


def test_cli_falls_back_to_the_password_with_the_fail_backend(
    keyring_session: DesktopSession, tmp_path: Path
) -> None:
    fail = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = cli(keyring_session, tmp_path, "init", "--password-stdin", stdin="pw\n", **fail)
    assert done.returncode == 0
    assert "no usable keyring" in done.stderr
    assert "password only" in done.stderr
    locked = cli(keyring_session, tmp_path, "list", **fail)
    assert locked.returncode == 3
    assert "TRAYCODES_PASSWORD" in locked.stderr
    opened = cli(keyring_session, tmp_path, "list", "--password-stdin", stdin="pw\n", **fail)
    assert opened.returncode == 0, opened.stderr


def test_keyring_turned_on_later_and_off_again(
    keyring_session: DesktopSession, tmp_path: Path
) -> None:
    assert (
        cli(
            keyring_session, tmp_path, "init", "--no-keyring", "--password-stdin", stdin="pw\n"
        ).returncode
        == 0
    )
    assert cli(keyring_session, tmp_path, "list").returncode == 3
    on = cli(keyring_session, tmp_path, "keyring", "on", "--password-stdin", stdin="pw\n")
    assert on.returncode == 0, on.stderr
    assert cli(keyring_session, tmp_path, "list").returncode == 0
    assert cli(keyring_session, tmp_path, "keyring", "off").returncode == 0
    assert cli(keyring_session, tmp_path, "list").returncode == 3
