"""The settings file: defaults, a bad key named, atomic saves, environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from traycodes.errors import StorageError
from traycodes.settings import (
    Settings,
    config_path,
    default_vault_path,
    load_settings,
    platform_vault_path,
    save_settings,
)


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings == Settings()
    assert settings.problems == ()


def test_values_and_problems_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("clipboard_seconds = 5\nlock_minutes = -1\nmenu_size = true\nfoo = 1\n")
    settings = load_settings(path)
    assert settings.clipboard_seconds == 5
    assert settings.lock_minutes == Settings().lock_minutes
    assert settings.menu_size == Settings().menu_size
    problems = " | ".join(settings.problems)
    assert "'lock_minutes' must be a whole number from 0 to 1440" in problems
    assert "'menu_size'" in problems
    assert "unknown setting 'foo'" in problems


def test_broken_toml_gives_defaults_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("clipboard_seconds = = 5\n")
    settings = load_settings(path)
    assert settings.clipboard_seconds == Settings().clipboard_seconds
    assert "not valid TOML" in settings.problems[0]
    assert "line 1" in settings.problems[0]
    assert path.read_text() == "clipboard_seconds = = 5\n"  # loading never writes


def test_an_unreadable_file_is_never_written_over(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    broken = "# my notes\nclipboard_seconds = 5\nlock_minutes = five\nmenu_size = 9\n"
    path.write_text(broken)
    with pytest.raises(StorageError) as caught:
        save_settings(Settings(menu_size=20), path)
    assert "line 3" in str(caught.value)
    assert "kept" in str(caught.value)
    assert path.read_text() == broken


@pytest.mark.parametrize(
    "vault",
    [
        "/home/me/📱 phone/vault.tcv",
        'C:\\Users\\me\\"quoted"\\vault.tcv',
        "/tmp/line\nbreak/tab\there/vault.tcv",
        "/tmp/ünïcödé/日本語/vault.tcv",
        "it's a 'single' and a \"double\" quote",
        "\u00a0 leading space and trailing \\",
    ],
)
def test_round_trip_of_any_text(tmp_path: Path, vault: str) -> None:
    path = tmp_path / "s.toml"
    settings = Settings(vault=vault, hotkey_type="<ctrl>+<alt>+ö", press_enter=True)
    save_settings(settings, path)
    loaded = load_settings(path)
    assert loaded.problems == ()
    assert loaded == settings
    assert loaded.vault == vault


def test_save_then_load(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "s.toml"
    settings = Settings(
        clipboard_seconds=7, lock_minutes=0, menu_size=30, backups=3, clock_offset=-12
    )
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert not list(path.parent.glob("*.tmp"))


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAYCODES_VAULT", str(tmp_path / "v.tcv"))
    monkeypatch.setenv("TRAYCODES_CONFIG", str(tmp_path / "c.toml"))
    assert default_vault_path() == tmp_path / "v.tcv"
    assert config_path() == tmp_path / "c.toml"
    assert platform_vault_path().name == "vault.tcv"
    assert platform_vault_path() != default_vault_path()


def test_hide_codes_is_off_by_default_and_a_flag() -> None:
    from traycodes.settings import DESCRIPTIONS, Settings, settings_from

    assert Settings().hide_codes is False
    assert "hide_codes" in DESCRIPTIONS  # the settings window shows it
    assert settings_from({"hide_codes": True}, "t").hide_codes is True
    wrong = settings_from({"hide_codes": "yes"}, "t")
    assert wrong.hide_codes is False and "'hide_codes' must be true or false" in wrong.problems[0]
