"""The command line in the user's language. With LANGUAGE=x-pseudo every translated string
shows as ⟦…⟧, so English left outside the brackets escaped translation: the help of every
command and subcommand (argparse's own words too) and doctor's rows. Machine output
(``--json``, exit codes, ``hotkeys`` lines) is the same in every language. A tiny German
catalogue shows that a real one is used: for help, argparse's errors and plurals."""

from __future__ import annotations

import argparse
import gettext
import importlib.resources
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pseudo import run_in
from tests.unit.test_i18n_catalogues import tools
from traycodes import i18n
from traycodes.cli import COMMANDS, PROG, build_parser, main

URI = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    yield
    i18n.set_languages(None)


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every subcommand's, however deep."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers(child)


def english_left(text: str, allowed: set[str]) -> list[str]:
    """Words outside ⟦…⟧ that are not names, flags, metavars, choices, paths or numbers."""
    while (inner := re.sub(r"⟦[^⟦⟧]*⟧", " ", text)) != text:
        text = inner
    text = re.sub(r"--?[\w-]+", " ", text)  # flags
    text = re.sub(r"\{[^}]*\}", " ", text)  # {choices}
    text = re.sub(r"\S*[/\\.:]\S*", " ", text)  # paths, addresses, modules
    return [w for w in re.findall(r"\b[A-Za-z]*[a-z][A-Za-z]*\b", text) if w not in allowed]


def names_in(parser: argparse.ArgumentParser) -> set[str]:
    """What a help may show untranslated: commands, choices, default values."""
    names = {PROG, *COMMANDS, "tkinter", "zxing"}
    for each in parsers(parser):
        names.update(each.prog.split())
        for action in each._actions:
            names.update(str(c) for c in action.choices or ())
            if not action.option_strings:  # a positional shows its name
                names.add(str(action.metavar or action.dest))
            if isinstance(action.default, str):
                names.update(re.findall(r"\w+", action.default))
    return names


def test_every_help_is_translated_in_full_argparse_words_included(
    capsys: pytest.CaptureFixture[str],
) -> None:
    i18n.set_languages(["x-pseudo"])
    parser = build_parser(all_commands=True)
    allowed = names_in(parser)
    seen = 0
    for each in parsers(parser):
        shown = each.format_help()
        assert "⟦usage: ⟧" in shown and "show this help" not in shown.replace("⟦show this", "")
        assert english_left(shown, allowed) == [], (each.prog, shown)
        seen += 1
    assert seen > len(COMMANDS)  # every command, and the subcommands of follow, clock...
    with pytest.raises(SystemExit):  # and a run's --help, through main
        main(["follow", "add", "--help"])
    assert english_left(capsys.readouterr().out, allowed) == []


def test_a_planted_untranslated_help_is_found() -> None:
    """Positive control: English outside the brackets is caught."""
    i18n.set_languages(["x-pseudo"])
    parser = build_parser(["code"])
    assert english_left(parser.format_help(), names_in(parser)) == []
    parser._actions[-1].help = argparse.SUPPRESS  # argparse's own line stays translated
    planted = parser.format_help() + "\nan English sentence\n"
    assert english_left(planted, names_in(parser)) == ["an", "English", "sentence"]


def test_every_text_argparse_shows_is_in_the_catalogue_template() -> None:
    """The formatter translates what it is given, marked or not; a text not marked with N_
    would be bracketed by x-pseudo yet never reach translators: each is in the .pot."""
    msgids = {e.msgid for e in tools.extract(Path(i18n.__file__).parent)}
    shown: set[str] = set()
    for each in parsers(build_parser(all_commands=True)):
        shown.update(t for t in (each.description, each.epilog) if t)
        for action in each._actions:
            if action.help and action.help != argparse.SUPPRESS:
                shown.add(action.help)
            if isinstance(action, argparse._SubParsersAction):
                shown.update(a.help for a in action._choices_actions if a.help)
        shown.update(g.title for g in each._action_groups if g.title)
    assert sorted(shown - msgids) == []


def test_argparse_errors_are_translated_with_their_values_kept(
    capsys: pytest.CaptureFixture[str],
) -> None:
    i18n.set_languages(["x-pseudo"])
    for argv, value in (
        (["clock"], "ACTION"),  # a required argument missing
        (["code", "--at"], "--at"),  # an option without its value
        (["hotkeys", "--desktop", "amiga"], "'amiga'"),  # not one of the choices
        (["backups", "--nonsense"], "--nonsense"),  # unrecognized
    ):
        with pytest.raises(SystemExit) as exit_code:
            main(argv)
        assert exit_code.value.code == 2
        said = capsys.readouterr().err
        # argparse's message translated on its own, inside the line that carries it
        assert said.startswith(f"{PROG}: ⟦⟦") and value in said, said
        assert english_left(said, {PROG, *argv, "amiga", "ACTION"}) == [], said


def run(*argv: str, language: str, home: Path) -> subprocess.CompletedProcess[str]:
    return run_in(language, *argv, home=home)


# doctor's details that the app and the platform layer word (their strings are wrapped
# with the app's and desktop's, not the CLI's): the tray's (app/) and the clock's (desktop/)
WORDED_BELOW: set[str] = set()


def test_doctor_speaks_the_users_language(tmp_path: Path) -> None:
    done = run("doctor", language="x-pseudo", home=tmp_path)
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    rows = done.stdout.splitlines()
    assert len(rows) >= 10
    for row in rows:
        found = re.match(r"⟦(OK|PROBLEM)⟧ +⟦([^⟧]+)⟧ +(.*)$", row)
        assert found is not None, row
        part, rest = found.group(2), found.group(3)
        detail, _fix, fix = rest.partition("⟦ -- fix: ")
        assert english_left(fix, set()) == [], row
        if part not in WORDED_BELOW:
            assert english_left(detail, {"tkinter", "zxing", "cpp"}) == [], row


def test_machine_output_is_the_same_in_every_language(tmp_path: Path) -> None:
    for setup in (("init",), ("add", URI)):
        done = run(*setup, language="", home=tmp_path)
        assert done.returncode == 0, done.stderr
    for argv in (
        ("list", "--json", "--at", "59"),
        ("sites", "github", "--json"),
        ("follow", "list", "--json"),
        ("hotkeys", "--desktop", "sway"),
        ("hotkeys", "--desktop", "gnome"),
        ("code", "--uri", URI, "--at", "59"),
        ("code", "ACME", "--at", "59"),
        ("code", "nothing-matches"),  # exit code 1
        ("clock", "check", "bad:port:x"),  # exit code 2
    ):
        english = run(*argv, language="", home=tmp_path)
        pseudo = run(*argv, language="x-pseudo", home=tmp_path)
        assert (pseudo.returncode, pseudo.stdout) == (english.returncode, english.stdout), argv
        if english.returncode == 0 and "--json" in argv:
            json.loads(english.stdout)
        if english.returncode:  # the message is translated; the code is not
            assert "⟦" in pseudo.stderr and "⟦" not in english.stderr, argv


GERMAN = {
    "usage: ": "Aufruf: ",
    "show this help message and exit": "diese Hilfe zeigen und beenden",
    "print a code": "einen Code ausgeben",
    "the following arguments are required: %s": "diese Argumente fehlen: %s",
    "{message} (see '{command} --help')": "{message} (siehe '{command} --help')",
}


@pytest.fixture
def german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiny German catalogue where traycodes' own would be."""
    entries = [tools.Entry(msgid, msgstr=[text]) for msgid, text in GERMAN.items()]
    entries.append(
        tools.Entry(
            "{count} encrypted backup",
            "{count} encrypted backups",
            msgstr=["{count} verschlüsselte Sicherung", "{count} verschlüsselte Sicherungen"],
        )
    )
    folder = tmp_path / "traycodes" / "locale" / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "traycodes.mo").write_bytes(tools.compile_mo(tools.new_header("de"), entries))
    real = importlib.resources.files
    monkeypatch.setattr(
        importlib.resources,
        "files",
        lambda package: tmp_path / "traycodes" if package == "traycodes" else real(package),
    )
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    i18n.set_languages(None)


@pytest.mark.usefixtures("german")
def test_a_german_catalogue_is_used_for_help_errors_and_plurals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert shown.startswith("Aufruf: traycodes")
    assert "einen Code ausgeben" in shown and "diese Hilfe zeigen und beenden" in shown
    with pytest.raises(SystemExit):
        main(["clock"])
    assert capsys.readouterr().err == (
        "traycodes: diese Argumente fehlen: ACTION (siehe 'traycodes clock --help')\n"
    )
    one = i18n.ngettext("{count} encrypted backup", "{count} encrypted backups", 1)
    two = i18n.ngettext("{count} encrypted backup", "{count} encrypted backups", 2)
    assert (one, two) == ("{count} verschlüsselte Sicherung", "{count} verschlüsselte Sicherungen")
    assert i18n._("options") == "options"  # not in this catalogue: English
    assert isinstance(i18n.catalogue(), gettext.GNUTranslations)
