"""The French catalogue: every message translated (no empty or fuzzy entry), each translation
with exactly the placeholders, format specs and edge whitespace of its English text, and a
sample of what the real code shows under ``LANGUAGE=fr`` (the command line in a subprocess,
the tray menu of a locked vault) equal to the catalogue's French. Machine output (``--json``,
a printed code, exit codes) is the same as in English."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pseudo import run_in
from tests.unit.test_i18n_catalogues import LOCALE, tools
from traycodes import i18n
from traycodes.app.menu import menu_model, texts

PO = LOCALE / "fr" / "LC_MESSAGES" / "traycodes.po"
URI = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
_FIELDS = re.compile(r"\{[^{}]*\}|%(?:\([a-z_]+\))?[sdr]")

HEADER, ENTRIES = tools.read_po(PO.read_text(encoding="utf-8"))
CURRENT = [e for e in ENTRIES if not e.obsolete]
FRENCH = {e.key: e.msgstr for e in CURRENT}


def fr(msgid: str, plural: str | None = None, form: int = 0) -> str:
    """The catalogue's French for a message (form 1: the plural, n > 1 in French)."""
    return FRENCH[(msgid, plural)][form]


def problems(english: str, french: str) -> list[str]:
    """How a translation differs from its English in what the code relies on."""
    found = []
    if sorted(_FIELDS.findall(english)) != sorted(_FIELDS.findall(french)):
        found.append("placeholders")
    if english[:1].isspace() != french[:1].isspace() or english[-1:].isspace() != (
        french[-1:].isspace()
    ):
        found.append("edge whitespace")
    if english.count("\n") != french.count("\n"):
        found.append("newlines")
    return found


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    yield
    i18n.set_languages(None)


def test_every_message_has_its_french_with_the_french_plural_rule() -> None:
    assert "Language: fr\n" in HEADER and "Plural-Forms: nplurals=2; plural=(n > 1);" in HEADER
    assert len(CURRENT) > 800
    assert [e.msgid for e in CURRENT if "fuzzy" in e.flags] == []
    assert [e.msgid for e in CURRENT if not all(e.msgstr)] == []
    assert [e.msgid for e in CURRENT if len(e.msgstr) != (1 if e.plural is None else 2)] == []


def test_each_translation_keeps_the_placeholders_of_its_english() -> None:
    wrong = []
    for entry in CURRENT:
        english = [entry.msgid] if entry.plural is None else [entry.msgid, entry.plural]
        for form, french in enumerate(entry.msgstr):
            if said := problems(english[min(form, len(english) - 1)], french):
                wrong.append((entry.msgid, french, said))
    assert wrong == []


def test_the_placeholder_check_finds_a_planted_mistake() -> None:  # the positive control
    assert problems("Added {name}.", "{name} ajouté.") == []
    assert problems("Added {name}.", "{nom} ajouté.") == ["placeholders"]
    assert problems("{what} holds {max_accounts:,}", "{what} : {max_accounts}") == ["placeholders"]
    assert problems("invalid %(type)s value: %(value)r", "valeur %(type)s : %(value)s") == [
        "placeholders"
    ]
    assert problems("Password: ", "Mot de passe :") == ["edge whitespace"]
    assert problems("a\n\nb", "a b") == ["newlines"]


def run(home: Path, *argv: str, language: str = "fr") -> subprocess.CompletedProcess[str]:
    # argparse wraps help at the terminal's width
    return run_in(language, *argv, home=home, extra={"COLUMNS": "200"})


def test_the_command_line_speaks_french(tmp_path: Path) -> None:
    vault = tmp_path / "vault.tcv"
    shown = run(tmp_path, "--help")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(fr("usage: ") + "traycodes ")  # 1: argparse's own word
    assert fr("show this help message and exit") in shown.stdout  # 2
    assert re.search(r"\n +code +" + re.escape(fr("print a code")) + "\n", shown.stdout)  # 3

    missing = run(tmp_path, "clock")  # 4 and 5: argparse's error inside traycodes' line
    required = fr("the following arguments are required: %s") % "ACTION"
    see = fr("{message} (see '{command} --help')").format(
        message=required, command="traycodes clock"
    )
    assert (missing.returncode, missing.stderr) == (2, f"traycodes: {see}\n")

    none = run(tmp_path, "list")  # 6
    no_vault = fr(
        "no vault at {path}: create one with 'traycodes init', or point to yours with "
        "--vault or TRAYCODES_VAULT"
    )
    assert (none.returncode, none.stderr) == (2, f"traycodes: {no_vault.format(path=vault)}\n")

    created = run(tmp_path, "init")  # 7
    assert created.returncode == 0, created.stderr
    made = fr("Created the vault at {path} (password only).").format(path=vault)
    assert created.stderr.endswith(f"{made}\n"), created.stderr  # what is done goes to stderr

    empty = run(tmp_path, "list")  # 8
    assert empty.stderr == fr("The vault is empty: add a record with 'traycodes add'.") + "\n"

    added = run(tmp_path, "add", URI)  # 9
    assert added.stderr == fr("Added {name}.").format(name="ACME (alice)") + "\n"

    nothing = run(tmp_path, "code", "nothing-matches")  # 10
    assert (nothing.returncode, nothing.stderr) == (
        1,
        "traycodes: " + fr("no record matches '{query}'").format(query="nothing-matches") + "\n",
    )

    listed = run(tmp_path, "backups")  # 11: a plural, n > 1
    size = re.search(r"(\d+) \S+ ", listed.stdout.split(":")[-1])
    assert size is not None and int(size.group(1)) > 1, listed.stdout
    assert fr("{size} byte", "{size} bytes", 1).format(size=size.group(1)) in listed.stdout


def test_french_spaces_its_colons_and_never_breaks_a_line_before_one(tmp_path: Path) -> None:
    """French puts a no-break space before ':', ';', '?' and '!': in argparse's headings
    (argparse adds the colon itself) and in help wrapped to a narrow terminal, where a plain
    space let a line start with the colon."""
    for argv in (("--help",), ("import", "--help"), ("browser", "--help"), ("follow", "--help")):
        shown = run_in("fr", *argv, home=tmp_path, extra={"COLUMNS": "44"})
        assert shown.returncode == 0, shown.stderr
        lines = shown.stdout.splitlines()
        assert fr("options") + "\u00a0:" in lines, argv
        assert [line for line in lines if line.strip()[:1] in (":", ";", "?", "!")] == []
        assert not re.search(r"\w [:;?!](\s|$)", shown.stdout), argv
    assert fr("{heading}:") == "{heading}\u00a0:"


def test_machine_output_is_the_same_in_french(tmp_path: Path) -> None:
    for setup in (("init",), ("add", URI)):
        assert run(tmp_path, *setup).returncode == 0
    for argv in (
        ("list", "--json", "--at", "59"),
        ("code", "ACME", "--at", "59"),
        ("code", "--uri", URI, "--at", "59"),
        ("sites", "github", "--json"),
        ("code", "nothing-matches"),  # exit code 1
    ):
        english = run(tmp_path, *argv, language="")
        french = run(tmp_path, *argv)
        assert (french.returncode, french.stdout) == (english.returncode, english.stdout), argv
        if english.returncode:  # the message is in French; the exit code is not
            assert french.stderr != english.stderr, argv


def test_the_locked_tray_menu_is_in_french() -> None:  # 12 and 13
    i18n.set_languages(["fr"])
    assert texts(menu_model(None, 59, 15)) == [fr("Unlock…"), fr("Quit")]
    i18n.set_languages(None)
    assert texts(menu_model(None, 59, 15)) == ["Unlock…", "Quit"]  # the control: English
