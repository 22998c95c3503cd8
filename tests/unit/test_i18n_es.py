"""The Spanish catalogue: every message translated (plurals in both forms), each translation
keeps its message's placeholders and surrounding spaces, and what the real code shows under
LANGUAGE=es (the command line run in a subprocess, the tray menu's model) is the catalogue's
translation. Machine output (``--json``, a bare code) is the same as in English."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pseudo import run_in
from tests.unit.test_i18n_catalogues import LOCALE, tools
from traycodes import i18n

PO = LOCALE / "es" / "LC_MESSAGES" / "traycodes.po"
URI = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]")


def catalogue() -> tuple[str, list[Any]]:
    header, entries = tools.read_po(PO.read_text(encoding="utf-8"))
    return header, [e for e in entries if not e.obsolete]


def spanish(msgid: str) -> str:
    """The catalogue's translation of a singular message (the test fails if there is none)."""
    _header, entries = catalogue()
    found = [e.msgstr[0] for e in entries if e.msgid == msgid and e.plural is None]
    assert found and found[0], msgid
    return str(found[0])


def problems(msgid: str, plural: str | None, forms: list[str]) -> list[str]:
    """What is wrong with one entry's translation: an empty form, placeholders not those of
    the message, spaces or line breaks at its ends not those of the message."""
    wrong = []
    wanted = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
    for form in forms:
        if not form:
            wrong.append("empty")
            continue
        if set(PLACEHOLDER.findall(form)) != wanted:
            wrong.append(f"placeholders {sorted(PLACEHOLDER.findall(form))} != {sorted(wanted)}")
        if PLACEHOLDER.sub("", form).count("%") != PLACEHOLDER.sub("", msgid).count("%"):
            wrong.append("a stray %")
        if (form[:1].isspace(), form[-1:].isspace()) != (msgid[:1].isspace(), msgid[-1:].isspace()):
            wrong.append("spaces at the ends")
        if form.count("\n") != msgid.count("\n") or form.count("\t") != msgid.count("\t"):
            wrong.append("line breaks or tabs")
    return wrong


def test_every_message_is_translated_with_spanish_plural_forms() -> None:
    header, entries = catalogue()
    assert "Language: es\n" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header
    _pot_header, pot = tools.read_po((LOCALE / "traycodes.pot").read_text(encoding="utf-8"))
    assert len(entries) == len(pot) > 800
    untranslated = [
        e.msgid
        for e in entries
        if "fuzzy" in e.flags
        or not all(e.msgstr)
        or len(e.msgstr) != (1 if e.plural is None else 2)
    ]
    assert untranslated == []


def test_each_translation_keeps_its_placeholders_spaces_and_line_breaks() -> None:
    _header, entries = catalogue()
    wrong = {e.msgid: found for e in entries if (found := problems(e.msgid, e.plural, e.msgstr))}
    assert wrong == {}


@pytest.mark.parametrize(
    ("msgid", "planted"),
    [
        ("Copied the code for {account}", "Código copiado"),  # a placeholder dropped
        ("Copied the code for {account}", "Código de {cuenta} copiado"),  # one renamed
        ("unrecognized arguments: %s", "argumentos no reconocidos"),
        ("usage: ", "uso:"),  # its trailing space lost
        ("{name}: {exc}", ""),
    ],
)
def test_a_planted_broken_translation_is_caught(msgid: str, planted: str) -> None:
    """Positive control for the check above: the real translation passes, a broken one not."""
    assert problems(msgid, None, [spanish(msgid)]) == []
    assert problems(msgid, None, [planted]) != []


@pytest.fixture
def in_spanish() -> Iterator[None]:
    i18n.set_languages(["es"])
    yield
    i18n.set_languages(None)


@pytest.mark.usefixtures("in_spanish")
def test_the_tray_menu_of_a_locked_and_of_an_empty_vault_is_spanish() -> None:
    from traycodes.app.menu import SEPARATOR, first_steps, menu_model

    locked = menu_model(None, 0.0, 5)
    assert [e.text for e in locked] == [spanish("Unlock…"), SEPARATOR.text, spanish("Quit")]
    assert spanish("Unlock…") == "Desbloquear…"  # not the English text passed through
    steps = first_steps("<ctrl>+<alt>+o", "")
    empty = [e.text for e in menu_model([], 0.0, 5, steps) if e is not SEPARATOR]
    assert empty[:2] == [spanish("No accounts yet"), spanish(FIRST_STEP)]
    assert empty[1] != FIRST_STEP
    assert empty[3] == spanish("{key} types the code for the window in front").format(
        key="Ctrl+Alt+O"
    )
    for msgid in ("Search…", "Add account…", "Import…", "Lock", "Settings…", "Quit"):
        assert spanish(msgid) in empty
    labels = [e.text for e in menu_model([], 0.0, 5) if e.action]
    assert len(labels) == len(set(labels))  # no two entries of one menu read alike


FIRST_STEP = "Add an account: paste a link or scan a QR code (Add account…)"


@pytest.mark.usefixtures("in_spanish")
def test_plurals_take_the_spanish_form_for_one_and_for_many() -> None:
    one = i18n.ngettext("{count} encrypted backup", "{count} encrypted backups", 1)
    many = i18n.ngettext("{count} encrypted backup", "{count} encrypted backups", 2)
    none = i18n.ngettext("{count} encrypted backup", "{count} encrypted backups", 0)
    assert one.format(count=1) == "1 copia de seguridad cifrada"
    assert many.format(count=2) == none.format(count=2) == "2 copias de seguridad cifradas"


def run(*argv: str, home: Path, language: str = "es") -> subprocess.CompletedProcess[str]:
    return run_in(language, *argv, home=home)


def said(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    return (done.stdout + done.stderr).strip()


def test_the_command_line_speaks_spanish(tmp_path: Path) -> None:
    vault = tmp_path / "vault.tcv"
    shown = said(run("--help", home=tmp_path))
    assert shown.startswith(spanish("usage: ") + "traycodes ")
    for msgid in ("positional arguments", "print a code", "show this help message and exit"):
        assert spanish(msgid) in " ".join(shown.split()), msgid
    missing = spanish("the following arguments are required: %s") % "ACTION"
    expected = spanish("{message} (see '{command} --help')").format(
        message=missing, command="traycodes clock"
    )
    assert said(run("clock", home=tmp_path)) == f"traycodes: {expected}"
    no_vault = spanish(
        "no vault at {path}: create one with 'traycodes init', or point to yours with "
        "--vault or TRAYCODES_VAULT"
    )
    assert said(run("list", home=tmp_path)) == "traycodes: " + no_vault.format(path=vault)
    created = said(run("init", home=tmp_path))
    assert created.endswith(
        spanish("Created the vault at {path} (password only).").format(path=vault)
    )
    again = spanish("a vault already exists at {path}; nothing was changed").format(path=vault)
    assert said(run("init", home=tmp_path)) == f"traycodes: {again}"
    empty = spanish("The vault is empty: add a record with 'traycodes add'.")
    assert said(run("list", home=tmp_path)) == empty
    nothing = spanish("no record matches '{query}'").format(query="nada")
    assert said(run("code", "nada", home=tmp_path)) == f"traycodes: {nothing}"
    backups = spanish("No backups of {path} yet (one is kept at each save).")
    assert said(run("backups", home=tmp_path)) == backups.format(path=vault)
    server = spanish("'{text}' is not a server (use a name, or NAME:PORT)")
    bad = run("clock", "check", "bad:port:x", home=tmp_path)
    assert (bad.returncode, said(bad)) == (2, "traycodes: " + server.format(text="bad:port:x"))
    added = said(run("add", URI, home=tmp_path))
    assert added == spanish("Added {name}.").format(name="ACME (alice)") == "ACME (alice) añadido."


def test_machine_output_is_the_same_in_spanish(tmp_path: Path) -> None:
    for setup in (("init",), ("add", URI)):
        assert run(*setup, home=tmp_path, language="").returncode == 0
    for argv in (("list", "--json", "--at", "59"), ("code", "ACME", "--at", "59")):
        english = run(*argv, home=tmp_path, language="")
        ours = run(*argv, home=tmp_path)
        assert english.returncode == 0 and english.stdout, english.stderr
        assert (ours.returncode, ours.stdout) == (english.returncode, english.stdout), argv
