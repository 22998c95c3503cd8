"""The pseudo-language (``LANGUAGE=x-pseudo``, every translated string bracketed as ⟦…⟧):
what is left of a shown text once the translated parts and the names, codes, numbers and
paths the user gave are taken out must hold no English word."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from traycodes import i18n

_WORD = re.compile(r"[A-Za-z]{2,}")


@contextmanager
def pseudo() -> Iterator[None]:
    """Translate into the pseudo-language inside the block (the environment's after)."""
    i18n.set_languages(["x-pseudo"])
    try:
        yield
    finally:
        i18n.set_languages(None)


def untranslated(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of ``text`` outside ⟦…⟧ and outside the ``allowed`` names."""
    rest = text
    for name in sorted(allowed, key=len, reverse=True):
        if name:
            rest = rest.replace(name, " ")
    while True:  # innermost first: a translated string may hold a name in a translated one
        inner = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
        if inner == rest:
            break
        rest = inner
    return _WORD.findall(rest)


def escaped(texts: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The texts (of a menu, a window) with English outside ⟦…⟧, each as it was shown."""
    names = list(allowed)
    return [t for t in texts if untranslated(t, names)]


def run_in(
    language: str, *argv: str, home: Path, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``traycodes ARGV`` in a subprocess under ``LANGUAGE=language``, with a vault, settings
    and state of its own in ``home`` (no keyring, the cheapest key derivation)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "TRAYCODES_VAULT": str(home / "vault.tcv"),
        "TRAYCODES_CONFIG": str(home / "settings.toml"),
        "TRAYCODES_KEYRING": "off",
        "TRAYCODES_KDF_COST": "minimum",
        "TRAYCODES_PASSWORD": "correct horse battery",
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        **(extra or {}),
        "LANGUAGE": language,
    }
    return subprocess.run(
        [sys.executable, "-m", "traycodes", *argv],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
