"""The German catalogue: complete (every message translated, no fuzzy entry), each translation
keeps its message's placeholders, and the real code shows the catalogue's words under
LANGUAGE=de: the command line's help and error lines (run in a subprocess, as users run it)
and the tray menu's model. Machine output (``--json``, ``hotkeys`` lines) stays the same."""

from __future__ import annotations

import re
import string
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import SOURCE
from tests.pseudo import run_in
from tests.unit.test_i18n_catalogues import tools
from traycodes import i18n
from traycodes.app.menu import first_steps, menu_model, texts

PO = SOURCE / "traycodes" / "locale" / "de" / "LC_MESSAGES" / "traycodes.po"
HEADER, ENTRIES = tools.read_po(PO.read_text(encoding="utf-8"))
CURRENT = [e for e in ENTRIES if not e.obsolete]
DE = {e.msgid: e.msgstr[0] for e in CURRENT if e.plural is None}
URI = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
PERCENT = re.compile(r"%(?:\([a-z_]+\))?[sdr]")


def placeholders(text: str) -> list[str]:
    """``{name}`` fields (with conversion and format spec) and ``%s``/``%(name)s`` ones."""
    fields = [
        f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
        for _literal, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    ]
    return sorted(fields + PERCENT.findall(text))


def test_the_catalogue_is_german_with_its_plural_rule_and_complete() -> None:
    assert "Language: de\n" in HEADER and "Plural-Forms: nplurals=2; plural=(n != 1);" in HEADER
    assert len(CURRENT) > 800
    untranslated = [e.msgid for e in CURRENT if not all(e.msgstr) or "fuzzy" in e.flags]
    assert untranslated == []
    assert all(len(e.msgstr) == 2 for e in CURRENT if e.plural is not None)


def test_each_translation_keeps_the_placeholders_and_edges_of_its_message() -> None:
    wrong = []
    for entry in CURRENT:
        sources = [entry.msgid] if entry.plural is None else [entry.msgid, entry.plural]
        for n, text in enumerate(entry.msgstr):
            source = sources[min(n, len(sources) - 1)]
            if placeholders(text) != placeholders(source):
                wrong.append((source, text))
            edges = (source[:1] == " ", source[-1:] == " ", source.count("\n"), source.count("\t"))
            if edges != (text[:1] == " ", text[-1:] == " ", text.count("\n"), text.count("\t")):
                wrong.append((source, text))
    assert wrong == []


def test_the_placeholder_check_finds_a_changed_or_lost_placeholder() -> None:
    """Positive control for the test above."""
    assert placeholders("{count} Konten in {path}") == placeholders("{count} accounts in {path}")
    assert placeholders("{anzahl} Konten") != placeholders("{count} accounts")
    assert placeholders("{count} Konten") != placeholders("{count} accounts in {folder}")
    assert placeholders("mehr als {n} Konten") != placeholders("more than {n:,} accounts")
    assert placeholders("Argument: %s") != placeholders("argument %(name)s: %s")


# --- what the real code shows under LANGUAGE=de ------------------------------------------------


def run(*argv: str, home: Path, language: str = "de") -> subprocess.CompletedProcess[str]:
    return run_in(language, *argv, home=home)


def flat(text: str) -> str:
    """argparse wraps help text at the terminal's width: compare it as one line."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh home whose vault (password only: no keyring here) is made in German."""
    folder = tmp_path_factory.mktemp("home")
    made = run("init", home=folder)
    assert made.returncode == 0, made.stderr
    created = DE["Created the vault at {path} (password only)."]
    assert created.format(path=folder / "vault.tcv") + "\n" in made.stderr  # said on stderr
    no_keyring = DE["{reason}: the vault will ask for its password each time"]
    reason = DE["the keyring is turned off (TRAYCODES_KEYRING=off)"]
    assert no_keyring.format(reason=reason) in made.stderr
    return folder


def test_help_and_usage_errors_are_the_catalogues(home: Path) -> None:
    shown = run("--help", home=home)
    assert shown.returncode == 0
    assert shown.stdout.startswith(DE["usage: "] + "traycodes ")
    for msgid in (
        "Two-factor codes from an encrypted vault, in the tray and on the command line. With "
        "no command, starts the tray app (or shows the running one).",
        "print a code",
        "show this help message and exit",
    ):
        assert flat(DE[msgid]) in flat(shown.stdout), msgid
    missing = run("clock", home=home)
    required = DE["the following arguments are required: %s"] % "ACTION"
    assert (missing.returncode, missing.stderr) == (
        2,
        "traycodes: "
        + DE["{message} (see '{command} --help')"].format(
            message=required, command="traycodes clock"
        )
        + "\n",
    )


def test_error_and_result_lines_are_the_catalogues(home: Path) -> None:
    def line(msgid: str, **values: str) -> str:
        return DE[msgid].format(**values) + "\n"

    empty = run("list", home=home)
    assert empty.stderr == line("The vault is empty: add a record with 'traycodes add'.")
    nothing = run("code", "nothing-matches", home=home)
    assert (nothing.returncode, nothing.stderr) == (
        1,
        "traycodes: " + line("no record matches '{query}'", query="nothing-matches"),
    )
    server = run("clock", "check", "bad:port:x", home=home)
    assert (server.returncode, server.stderr) == (
        2,
        "traycodes: "
        + line("'{text}' is not a server (use a name, or NAME:PORT)", text="bad:port:x"),
    )
    unknown = run("sites", "zzzz-no-such-site", home=home)
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "traycodes: " + line("'{query}' is not in the 2FA directory", query="zzzz-no-such-site"),
    )
    added = run("add", URI, home=home)
    assert added.stderr == line("Added {name}.", name="ACME (alice)"), added.stderr
    removed = run("remove", "ACME", home=home)
    assert removed.stderr == line(
        "Removed {record} (it stays in the backups).", record="ACME (alice)"
    )


def test_machine_output_is_the_same_in_german(home: Path) -> None:
    assert run("add", URI, home=home).returncode in (0, 2)  # there, or added now
    for argv in (
        ("list", "--json", "--at", "59"),
        ("code", "ACME", "--at", "59"),
        ("hotkeys", "--desktop", "sway"),
        ("follow", "list", "--json"),
    ):
        german, english = run(*argv, home=home), run(*argv, home=home, language="C")
        assert german.returncode == english.returncode == 0, (argv, german.stderr)
        assert german.stdout == english.stdout, argv


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_languages(["de"])
    yield
    i18n.set_languages(None)


@pytest.mark.usefixtures("german")
def test_the_tray_menu_locked_and_empty_shows_the_catalogues_words() -> None:
    assert texts(menu_model(None, 59, 15)) == [DE["Unlock…"], DE["Quit"]]
    steps = first_steps("<ctrl>+<alt>+o", "<ctrl>+<alt>+p")
    empty = texts(menu_model([], 59, 15, steps))
    assert empty[:2] == [
        DE["No accounts yet"],
        DE["Add an account: paste a link or scan a QR code (Add account…)"],
    ]
    assert DE["{key} opens quick-pick"].format(key="Ctrl+Alt+P") in empty
    actions = [DE[m] for m in ("Search…", "Add account…", "Import…", "Lock", "Settings…")]
    assert [line for line in empty if line in actions] == actions
    plural = next(e for e in CURRENT if e.msgid == "{count} encrypted backup")
    assert [i18n.ngettext(plural.msgid, plural.plural, n) for n in (1, 2)] == plural.msgstr
    assert len(set(empty)) == len(empty)  # no two menu entries alike
