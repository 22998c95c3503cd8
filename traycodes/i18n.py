"""The user's language: every user-facing string goes through :func:`_` (or :func:`ngettext`).

The catalogues are shipped as package data, ``traycodes/locale/LANG/LC_MESSAGES/traycodes.mo``,
read through :mod:`importlib.resources` (so a zipped install finds them too). The language is
chosen the way GNU gettext chooses it: the first of ``LANGUAGE`` (a colon-separated list),
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set; ``C`` and ``POSIX`` mean English. On
Windows and macOS, where those are rarely set, the app passes the user's UI languages to
:func:`set_languages` at start (the platform layer reads them).

Machine output (``--json``, exit codes, the ``hotkeys`` lines) is never translated.
Strings defined at import time are marked with :func:`N_` and translated where shown.
"""

from __future__ import annotations

import _thread  # its lock alone: importing threading cost a one-shot command 0.6 ms
import gettext
import io
import os
import struct

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

DOMAIN = "traycodes"
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class _State:
    """The languages set by the app (else the environment's) and their catalogue, once read."""

    def __init__(self) -> None:
        self.lock = _thread.allocate_lock()
        self.chosen: list[str] | None = None
        self.platform: Callable[[], list[str]] | None = None
        self.catalogue: gettext.NullTranslations | None = None


_state = _State()


def _expand(language: str) -> list[str]:
    """``de_DE.UTF-8@euro`` -> ``de_DE@euro``, ``de_DE``, ``de``: the names to look for."""
    name, _at, modifier = language.partition("@")
    name = name.partition(".")[0].replace("-", "_")
    names = []
    base = name.split("_")[0]
    for candidate in (name, base):
        if modifier:
            names.append(f"{candidate}@{modifier}")
        names.append(candidate)
    return list(dict.fromkeys(n for n in names if n))


def environment_languages(environ: dict[str, str] | None = None) -> list[str]:
    """The languages the environment asks for, most wanted first (empty: English)."""
    env = os.environ if environ is None else environ
    for variable in _ENVIRONMENT:
        value = env.get(variable, "")
        if not value:
            continue
        wanted = [v for v in value.split(":") if v] if variable == "LANGUAGE" else [value]
        if not wanted or wanted[0] in ("C", "POSIX") or wanted[0].startswith(("C.", "POSIX.")):
            return []
        return wanted
    return []


def languages() -> list[str]:
    """The languages in force: those given to :func:`set_languages`, else the environment's,
    else the platform's (:func:`set_platform_languages`)."""
    chosen = _state.chosen
    if chosen is not None:
        return list(chosen)
    found = environment_languages()
    unset = not any(os.environ.get(variable) for variable in _ENVIRONMENT)  # "C" is English
    if unset and _state.platform is not None:
        try:
            found = list(_state.platform())
        except Exception:  # a language that cannot be read is English, never a failure
            found = []
    return found


def set_platform_languages(source: Callable[[], list[str]] | None) -> None:
    """Where the environment names no language (Windows, macOS), ask ``source`` for the
    user's UI languages: once, when the first string is shown, so that a run that shows
    none (a one-shot ``traycodes code``) neither asks the OS nor reads a catalogue."""
    with _state.lock:
        _state.platform = source
        _state.catalogue = None


def set_languages(wanted: list[str] | None) -> None:
    """Use these languages from now on (``None``: the environment's again)."""
    with _state.lock:
        _state.chosen = list(wanted) if wanted is not None else None
        _state.catalogue = None


PSEUDO = "x_pseudo"  # LANGUAGE=x-pseudo: every translated string shown as ⟦…⟧


class _Pseudo(gettext.NullTranslations):
    """A pseudo-language (as Windows' qps-ploc and Android's en-XA): every string that went
    through the catalogue is bracketed, so one shown without brackets escaped translation."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"⟦{msgid1 if n == 1 else msgid2}⟧"


def _load(wanted: list[str]) -> gettext.NullTranslations:
    from importlib.resources import files

    root = files("traycodes").joinpath("locale")
    for language in wanted:
        if _expand(language)[0] == PSEUDO:
            return _Pseudo()
        for name in _expand(language):
            if name.startswith("en"):
                return gettext.NullTranslations()
            mo = root.joinpath(name, "LC_MESSAGES", f"{DOMAIN}.mo")
            try:
                return gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
            except (OSError, ValueError, LookupError, struct.error):
                # missing, or damaged (gettext raises struct.error, OSError or a decoding
                # error): the next language, else English; never a command that fails
                continue
    return gettext.NullTranslations()


def catalogue() -> gettext.NullTranslations:
    """The catalogue for the languages in force (English: one that returns what it is given)."""
    found = _state.catalogue
    if found is None:
        wanted = languages()  # outside the lock: the platform's may import the platform layer
        with _state.lock:
            if _state.catalogue is None:
                _state.catalogue = _load(wanted)
            found = _state.catalogue
    return found


def _(message: str) -> str:
    """``message`` in the user's language."""
    return catalogue().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` for ``n``, in the user's language."""
    return catalogue().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for translation where it is defined; :func:`_` translates it later."""
    return message
