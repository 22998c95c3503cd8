"""The translation catalogues' three steps, in the standard library alone (scripts/i18n runs it):

- ``extract``: ``traycodes/locale/traycodes.pot`` from every ``_("...")``, ``N_("...")`` and
  ``ngettext("...", "...", n)`` in ``traycodes/`` (read with :mod:`ast`, so only literal
  strings count: a message built with an f-string cannot be translated and is not found);
- ``update``: each ``traycodes/locale/LANG/LC_MESSAGES/traycodes.po`` brought in step with the
  .pot (translations kept; one whose message left the source kept as an obsolete ``#~`` entry);
  ``update LANG`` creates a new language's empty .po;
- ``compile``: each .po to the .mo beside it, the file the wheel ships.

Why not Babel or GNU gettext: both work, but the .mo they write depends on their version, and
tests/unit/test_i18n_catalogues.py checks byte for byte that each committed .mo is its .po
compiled; with our own compiler that test needs no tool. The files are ordinary gettext files
that Poedit, Weblate or msgfmt read.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "traycodes"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "traycodes.pot"
KEYWORDS = {"_": 1, "N_": 1, "ngettext": 2}

# gettext's plural rules of the languages shipped; a new language adds its line here
# (https://www.gnu.org/software/gettext/manual/html_node/Plural-forms.html).
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}
LANGUAGE_NAMES = {"de": "German", "es": "Spanish", "fr": "French"}


@dataclass
class Entry:
    """One message: its English text (and plural), where it is used, and its translation."""

    msgid: str
    plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    places: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # "#" lines of the translator, kept
    obsolete: bool = False

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.msgid, self.plural)


# --- extract -----------------------------------------------------------------------------------


def _called(node: ast.Call) -> str | None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name if name in KEYWORDS else None


def messages_in(path: Path, text: str | None = None) -> list[tuple[str, str | None, int]]:
    """(msgid, plural, line) of each marked literal in a Python file, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or (name := _called(node)) is None:
            continue
        wanted = KEYWORDS[name]
        args = node.args[:wanted]
        if len(args) < wanted or not all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
        ):
            continue
        texts = [a.value for a in args if isinstance(a, ast.Constant)]
        found.append((texts[0], texts[1] if wanted == 2 else None, node.lineno))
    return sorted(found, key=lambda m: m[2])


def extract(package: Path = PACKAGE) -> list[Entry]:
    """Every marked message of the package, in the order of first use (files by name)."""
    entries: dict[tuple[str, str | None], Entry] = {}
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent).as_posix()
        for msgid, plural, line in messages_in(path):
            if not msgid:
                continue
            entry = entries.setdefault(
                (msgid, plural), Entry(msgid, plural, [""] if plural is None else ["", ""])
            )
            entry.places.append(f"{where}:{line}")
            if "{" in msgid and "python-brace-format" not in entry.flags:
                entry.flags.append("python-brace-format")
            elif re.search(r"%(\(\w+\))?[sdr]", msgid) and "python-format" not in entry.flags:
                entry.flags.append("python-format")
    return list(entries.values())


# --- the .po format ----------------------------------------------------------------------------


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


def _unquote(text: str) -> str:
    body = text.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body[1:-1])


def _field(keyword: str, text: str, prefix: str = "") -> list[str]:
    """``msgid "..."``; a text with newlines on several lines after an empty first one."""
    parts = text.splitlines(keepends=True)
    if len(parts) <= 1:
        return [f"{prefix}{keyword} {_quote(text)}"]
    return [f'{prefix}{keyword} ""', *(f"{prefix}{_quote(p)}" for p in parts)]


def write_po(entries: list[Entry], header: str) -> str:
    """The text of a .po (or .pot) file: the header entry, then each message."""
    lines = ['msgid ""', *_field("msgstr", header), ""]
    for entry in entries:
        prefix = "#~ " if entry.obsolete else ""
        lines += [f"#{c}" for c in entry.comments]
        if entry.places and not entry.obsolete:
            lines.append("#: " + " ".join(entry.places))
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        lines += _field("msgid", entry.msgid, prefix)
        if entry.plural is None:
            lines += _field("msgstr", entry.msgstr[0], prefix)
        else:
            lines += _field("msgid_plural", entry.plural, prefix)
            for n, form in enumerate(entry.msgstr):
                lines += _field(f"msgstr[{n}]", form, prefix)
        lines.append("")
    return "\n".join(lines)


def read_po(text: str) -> tuple[str, list[Entry]]:
    """(header, entries) of a .po file's text."""
    header = ""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry = Entry("", msgstr=[])
        current: list[str] | None = None
        index = 0
        fields: dict[str, list[str]] = {}
        for raw in block.splitlines():
            line = raw
            if line.startswith("#~"):
                entry.obsolete = True
                line = line[2:].lstrip()
            elif line.startswith("#:"):
                entry.places += line[2:].split()
                continue
            elif line.startswith("#,"):
                entry.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
                continue
            elif line.startswith("#"):
                entry.comments.append(line[1:])
                continue
            if line.startswith('"'):
                if current is None:
                    raise ValueError(f"a string outside a field: {raw!r}")
                current[index] += _unquote(line)
                continue
            keyword, _, value = line.partition(" ")
            current = fields.setdefault(re.sub(r"\[\d+\]$", "", keyword), [])
            current.append(_unquote(value))
            index = len(current) - 1
        if "msgid" not in fields:
            continue
        entry.msgid = fields["msgid"][0]
        entry.plural = fields["msgid_plural"][0] if "msgid_plural" in fields else None
        entry.msgstr = fields.get("msgstr", [""])
        if entry.msgid == "" and not entry.obsolete:
            header = entry.msgstr[0]
            continue
        entries.append(entry)
    return header, entries


# --- update and compile ------------------------------------------------------------------------


def pot_header() -> str:
    return (
        "Project-Id-Version: traycodes\n"
        "Report-Msgid-Bugs-To: https://github.com/traycodes/traycodes/issues\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: 8bit\n"
    )


def new_header(language: str) -> str:
    rule = PLURAL_FORMS.get(language.split("_", maxsplit=1)[0])
    if rule is None:
        raise SystemExit(f"i18n: no plural rule for {language}: add it to PLURAL_FORMS first")
    return pot_header() + f"Language: {language}\nPlural-Forms: {rule}\n"


def nplurals(header: str) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", header)
    return int(found.group(1)) if found else 2


def merge(pot: list[Entry], header: str, old: list[Entry]) -> list[Entry]:
    """The .pot's entries with the translations ``old`` has for them, then the rest of ``old``
    as obsolete entries (a message that comes back finds its translation there)."""
    known = {e.key: e for e in old}
    forms = nplurals(header)
    merged = []
    for template in pot:
        entry = Entry(template.msgid, template.plural, places=template.places)
        entry.flags = list(template.flags)
        was = known.pop(template.key, None)
        if template.plural is None:
            entry.msgstr = [was.msgstr[0] if was else ""]
        else:
            had = was.msgstr if was else []
            entry.msgstr = [had[n] if n < len(had) else "" for n in range(forms)]
        if was is not None:
            entry.comments = was.comments
            if "fuzzy" in was.flags:
                entry.flags.append("fuzzy")
        merged.append(entry)
    for gone in known.values():
        if any(gone.msgstr):
            gone.obsolete, gone.places = True, []
            merged.append(gone)
    return merged


def compile_mo(header: str, entries: list[Entry]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) of the translated, non-fuzzy entries."""
    pairs = {b"": header.encode()}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags or not all(entry.msgstr):
            continue
        key = entry.msgid if entry.plural is None else f"{entry.msgid}\0{entry.plural}"
        pairs[key.encode()] = "\0".join(entry.msgstr).encode()
    keys = sorted(pairs)
    count = len(keys)
    originals_at = 28
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    tables = [bytearray(), bytearray()]
    data = bytearray()
    for table, texts in zip(tables, (keys, [pairs[k] for k in keys]), strict=True):
        for text in texts:
            table.extend(
                len(text).to_bytes(4, "little") + (data_at + len(data)).to_bytes(4, "little")
            )
            data += text + b"\0"
    head = [0x950412DE, 0, count, originals_at, translations_at, 0, data_at]
    return b"".join(n.to_bytes(4, "little") for n in head) + tables[0] + tables[1] + data


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/traycodes.po"))


def main(argv: list[str]) -> int:
    step, *languages = argv or ["all"]
    if step in ("extract", "all"):
        entries = extract()
        POT.parent.mkdir(parents=True, exist_ok=True)
        POT.write_text(write_po(entries, pot_header()), encoding="utf-8")
        print(f"i18n: {POT.relative_to(ROOT)}: {len(entries)} messages")
    if step in ("update", "all"):
        _header, pot = read_po(POT.read_text(encoding="utf-8"))
        for language in languages:
            path = LOCALE / language / "LC_MESSAGES" / "traycodes.po"
            if not path.exists():
                path.parent.mkdir(parents=True)
                path.write_text(write_po([], new_header(language)), encoding="utf-8")
        for path in po_files():
            header, old = read_po(path.read_text(encoding="utf-8"))
            path.write_text(write_po(merge(pot, header, old), header), encoding="utf-8")
            print(f"i18n: {path.relative_to(ROOT)} updated")
    if step in ("compile", "all"):
        for path in po_files():
            header, entries = read_po(path.read_text(encoding="utf-8"))
            path.with_suffix(".mo").write_bytes(compile_mo(header, entries))
            done = sum(1 for e in entries if all(e.msgstr) and not e.obsolete)
            print(f"i18n: {path.with_suffix('.mo').relative_to(ROOT)}: {done}/{len(entries)}")
    if step not in ("extract", "update", "compile", "all"):
        print("usage: scripts/i18n [extract | update [LANG...] | compile | all]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
