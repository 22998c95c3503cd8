"""The translation catalogues (scripts/i18n): the .pot holds every marked message of the
source, each .po follows the .pot, each committed .mo is its .po compiled, and the user's
UI language is read on Windows and macOS (with faked OS interfaces)."""

from __future__ import annotations

import gettext
import importlib.util
import io
import plistlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.paths import SOURCE
from traycodes.desktop import _languages

LOCALE = SOURCE / "traycodes" / "locale"
SHIPPED = ("de", "es", "fr")


def _tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "i18n_catalogues", SOURCE / "scripts" / "i18n_catalogues.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tools = _tools()


def test_the_pot_holds_every_marked_message_of_the_source() -> None:
    """A string marked in the code but missing from the .pot is one translators never see:
    run 'scripts/i18n extract' (then 'update' and 'compile')."""
    _header, committed = tools.read_po(POT_TEXT())
    extracted = tools.extract(SOURCE / "traycodes")
    assert [e.key for e in committed] == [e.key for e in extracted]


def POT_TEXT() -> str:
    return (LOCALE / "traycodes.pot").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", SHIPPED)
def test_each_po_follows_the_pot_and_its_mo_is_it_compiled(language: str) -> None:
    po = LOCALE / language / "LC_MESSAGES" / "traycodes.po"
    header, entries = tools.read_po(po.read_text(encoding="utf-8"))
    assert f"Language: {language}\n" in header and "Plural-Forms: nplurals=" in header
    _pot_header, pot = tools.read_po(POT_TEXT())
    current = [e.key for e in entries if not e.obsolete]
    assert current == [e.key for e in pot], "run scripts/i18n update"
    assert po.with_suffix(".mo").read_bytes() == tools.compile_mo(header, entries), (
        "run scripts/i18n compile"
    )
    # the file as the tools write it: a translator's editor may rewrap, 'update' restores
    assert tools.write_po(entries, header) == po.read_text(encoding="utf-8")


def test_a_compiled_catalogue_is_read_by_gettext_with_its_plural_rule() -> None:
    header = tools.new_header("fr")
    entries = [
        tools.Entry("Saved {record}.", msgstr=["{record} enregistré."]),
        tools.Entry(
            "{count} encrypted backup",
            "{count} encrypted backups",
            msgstr=["{count} sauvegarde chiffrée", "{count} sauvegardes chiffrées"],
        ),
        tools.Entry("not translated yet"),  # empty msgstr: left out, English shows
        tools.Entry("fuzzy one", msgstr=["à revoir"], flags=["fuzzy"]),
    ]
    text = tools.write_po(entries, header)
    again_header, again = tools.read_po(text)
    assert (again_header, [e.msgstr for e in again]) == (header, [e.msgstr for e in entries])
    catalogue = gettext.GNUTranslations(io.BytesIO(tools.compile_mo(*tools.read_po(text))))
    assert catalogue.gettext("Saved {record}.") == "{record} enregistré."
    # French: 0 and 1 are singular (n > 1), German and Spanish: only 1
    assert catalogue.ngettext("{count} encrypted backup", "{count} encrypted backups", 0) == (
        "{count} sauvegarde chiffrée"
    )
    assert catalogue.ngettext("{count} encrypted backup", "{count} encrypted backups", 2) == (
        "{count} sauvegardes chiffrées"
    )
    assert catalogue.gettext("not translated yet") == "not translated yet"
    assert catalogue.gettext("fuzzy one") == "fuzzy one"


def test_update_keeps_translations_and_the_messages_that_left_as_obsolete() -> None:
    header = tools.new_header("de")
    pot = [tools.Entry("kept"), tools.Entry("new")]
    old = [
        tools.Entry("kept", msgstr=["behalten"], comments=[" Translator: short"]),
        tools.Entry("gone", msgstr=["weg"]),
        tools.Entry("gone, untranslated"),
    ]
    merged = tools.merge(pot, header, old)
    assert [(e.msgid, e.msgstr, e.obsolete) for e in merged] == [
        ("kept", ["behalten"], False),
        ("new", [""], False),
        ("gone", ["weg"], True),
    ]
    assert merged[0].comments == [" Translator: short"]
    text = tools.write_po(merged, header)
    assert '#~ msgid "gone"' in text
    assert [e.obsolete for e in tools.read_po(text)[1]] == [False, False, True]


def test_extract_finds_literals_only_with_their_plural_and_format_flags(tmp_path: Path) -> None:
    package = tmp_path / "traycodes"
    package.mkdir()
    (package / "m.py").write_text(
        "from .i18n import N_, _, ngettext\n"
        'A = N_("marked at import")\n'
        "def f(n, name):\n"
        '    print(_("Saved {record}.").format(record=name))\n'
        '    print(ngettext("{n} file", "{n} files", n).format(n=n))\n'
        '    print(_(f"built {name}"))  # cannot be translated: not found\n'
        '    print(_("%(prog)s says"))\n'
    )
    found = {e.key: e for e in tools.extract(package)}
    assert set(found) == {
        ("marked at import", None),
        ("Saved {record}.", None),
        ("{n} file", "{n} files"),
        ("%(prog)s says", None),
    }
    assert found[("Saved {record}.", None)].flags == ["python-brace-format"]
    assert found[("%(prog)s says", None)].flags == ["python-format"]
    assert found[("{n} file", "{n} files")].places == ["traycodes/m.py:5"]


# --- the user's UI language on Windows and macOS (fakes: this runs on Linux) ---------------


class FakeKernel32:
    def __init__(self, language_id: int) -> None:
        self.language_id = language_id

    def GetUserDefaultUILanguage(self) -> int:
        return self.language_id


def test_windows_ui_language_is_named_as_gettext_names_it() -> None:
    assert _languages.windows_languages(FakeKernel32(0x0407)) == ["de_DE"]
    assert _languages.windows_languages(FakeKernel32(0x040C)) == ["fr_FR"]
    assert _languages.windows_languages(FakeKernel32(0x7FFF)) == []  # unknown: English


def test_windows_without_the_api_is_english_not_an_error() -> None:
    assert _languages.windows_languages(object()) == []


def test_macos_languages_from_the_global_preferences(tmp_path: Path) -> None:
    plist = tmp_path / _languages.GLOBAL_PREFERENCES
    plist.parent.mkdir(parents=True)
    plist.write_bytes(plistlib.dumps({"AppleLanguages": ["de-DE", "zh-Hans-CN", "es-419"]}))
    asked: list[list[str]] = []
    found = _languages.macos_languages(tmp_path, run=lambda argv: asked.append(argv) or "")
    assert found == ["de_DE", "zh_CN", "es"]
    assert asked == []  # the file answered: no process started


def test_macos_languages_from_defaults_when_the_file_says_nothing(tmp_path: Path) -> None:
    printed = '(\n    "fr-CA",\n    en\n)\n'
    assert _languages.macos_languages(tmp_path, run=lambda argv: printed) == ["fr_CA", "en"]

    def refused(argv: list[str]) -> str:
        raise OSError("no defaults here")

    assert _languages.macos_languages(tmp_path, run=refused) == []


def test_the_platform_languages_are_asked_only_without_an_environment_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from traycodes import i18n

    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    asked: list[int] = []

    def platform() -> list[str]:
        asked.append(1)
        return ["x-pseudo"]

    try:
        i18n.set_platform_languages(platform)
        assert asked == []  # set at start: nothing asked before a string is shown
        assert i18n._("options") == "⟦options⟧"
        assert asked == [1]
        i18n._("options")
        assert asked == [1]  # once
        monkeypatch.setenv("LANG", "C.UTF-8")
        i18n.set_platform_languages(platform)
        assert i18n._("options") == "options"  # the environment said English: no question
        assert asked == [1]
    finally:
        i18n.set_platform_languages(None)


def format_mismatches(text: str) -> list[str]:
    """``_("... {name} ...").format(...)`` calls whose fields and keywords differ (a field
    without its value fails only when the message is shown, in any language)."""
    import ast
    import string

    wrong = []
    for node in ast.walk(ast.parse(text)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Call)
            and tools._called(node.func.value) is not None
        ):
            continue
        marked = node.func.value.args[: tools.KEYWORDS[tools._called(node.func.value)]]
        given = {k.arg for k in node.keywords}
        for literal in marked:
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                fields = {f for _t, f, _s, _c in string.Formatter().parse(literal.value) if f}
                if fields != given:
                    wrong.append(f"line {node.lineno}: {sorted(fields)} != {sorted(given)}")
    return wrong


def test_every_formatted_message_gets_each_of_its_fields() -> None:
    wrong = {
        str(path.relative_to(SOURCE)): found
        for path in sorted((SOURCE / "traycodes").rglob("*.py"))
        if (found := format_mismatches(path.read_text(encoding="utf-8")))
    }
    assert wrong == {}


def test_a_planted_missing_field_is_found() -> None:
    assert format_mismatches('_("{a} and {b}").format(a=1, b=2)') == []
    assert format_mismatches('_("{a} and {b}").format(a=1)') != []
    assert format_mismatches('ngettext("{n} file", "{n} files", n).format(m=n)') != []


@pytest.mark.parametrize("damage", [b"", b"\xde\x12\x04\x95" + b"\0" * 3, b"not a catalogue" * 9])
def test_a_damaged_catalogue_falls_back_instead_of_failing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    """A truncated or foreign .mo (gettext raises struct.error or OSError on it) must not
    take every command down: the next language the user named is used, else English."""
    import importlib.resources

    from traycodes import i18n

    french = tools.compile_mo(tools.new_header("fr"), [tools.Entry("off", msgstr=["désactivé"])])
    for language, data in (("de", damage), ("fr", french)):
        folder = tmp_path / "locale" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "traycodes.mo").write_bytes(data)
    monkeypatch.setattr(importlib.resources, "files", lambda package: tmp_path)
    try:
        i18n.set_languages(["de", "fr"])
        assert i18n._("off") == "désactivé"  # German is damaged: French, the next one
        i18n.set_languages(["de"])
        assert i18n._("off") == "off"  # nothing else named: English
    finally:
        i18n.set_languages(None)
