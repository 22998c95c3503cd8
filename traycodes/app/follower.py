"""The running app's side of ``traycodes follow``: watch each followed folder and merge a
new backup within seconds of its arrival, then say what changed ("From Aegis (Pixel): 1
added, 1 removed") and show the records again.

Reading and decrypting a backup (its KDF takes a moment) runs in a worker; the merge and
the save run on the loop's thread, through the same functions as the CLI
(:func:`traycodes.formats.phone.fetch_backup` and :func:`~traycodes.formats.phone.apply_backup`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..errors import TrayCodesError
from ..formats.follow import MergeReport, PhoneBackup, SourceState, sources_in
from ..formats.phone import apply_backup, fetch_backup, note_pass
from ..i18n import _, ngettext
from ..vault import Vault
from .loop import Clock, Loop


class Watcher(Protocol):
    def stop(self) -> None: ...


class FollowingSession(Protocol):
    """What the follower needs of the session: the open vault, and where to say that a
    save was ours."""

    @property
    def vault(self) -> Vault | None: ...

    def saved(self) -> None: ...


log = logging.getLogger(__name__)
SETTLE_SECONDS = 0.5  # a sync tool writes a file in steps: wait for the last one
POLL_SECONDS = 60.0  # where nothing watches folders (Windows, macOS): a look each minute


class FollowHost(Protocol):
    def notify(self, title: str, body: str) -> None: ...

    def changed(self) -> None: ...

    def watch_folder(self, folder: Path, changed: Callable[[set[str]], None]) -> Watcher | None: ...


class Follower:
    """Watches the followed sources of the session's vault while it is unlocked."""

    def __init__(
        self,
        session: FollowingSession,
        loop: Loop,
        host: FollowHost,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.session = session
        self.loop = loop
        self.host = host
        self.clock = clock or Clock().now
        self._watchers: dict[str, tuple[str, Watcher | None]] = {}  # name -> (path, watcher)
        self._busy: set[str] = set()
        self._again: set[str] = set()
        self._told: dict[str, str] = {}  # the last problem told about each source

    def _sources(self) -> dict[str, SourceState]:
        vault = self.session.vault
        if vault is None:
            return {}
        try:
            return sources_in(vault.all_records())
        except TrayCodesError as exc:
            log.warning("the followed sources cannot be read: %s", exc)
            return {}

    def update(self) -> None:
        """Watch the sources the vault follows now (after an unlock, or a change of the
        vault); a source new to this run gets a pass at once."""
        sources = self._sources()
        for name in list(self._watchers):
            if name not in sources or self._watchers[name][0] != sources[name].path:
                self._unwatch(name)
        for name, state in sources.items():
            if name in self._watchers:
                continue
            watcher = self._watch(name, Path(state.path))
            self._watchers[name] = (state.path, watcher)
            if watcher is None:
                self._next_poll(name)
            self.check(name)

    def _next_poll(self, name: str) -> None:
        def poll() -> None:
            if name in self._watchers:
                self.check(name)
                self._next_poll(name)

        self.loop.after(f"follow poll {name}", POLL_SECONDS, poll)

    def _watch(self, name: str, path: Path) -> Watcher | None:
        if not path.exists():  # a sync folder not there yet: looked at once a minute
            return None
        folder, only = (path, None) if path.is_dir() else (path.parent, path.name)

        def changed(names: set[str]) -> None:  # the watcher's thread
            if only is None or only in names:
                self.loop.post(
                    lambda: self.loop.after(
                        f"follow {name}", SETTLE_SECONDS, lambda: self.check(name)
                    )
                )

        try:
            return self.host.watch_folder(folder, changed)
        except OSError as exc:
            log.warning("cannot watch %s: %s", folder, exc.strerror)
            return None

    def _unwatch(self, name: str) -> None:
        _folder, watcher = self._watchers.pop(name)
        self.loop.cancel(f"follow {name}")
        self.loop.cancel(f"follow poll {name}")
        if watcher is not None:
            watcher.stop()

    @property
    def watching(self) -> list[str]:
        """The sources watched now."""
        return sorted(self._watchers)

    @property
    def idle(self) -> bool:
        """No backup is being read."""
        return not self._busy

    def stop(self) -> None:
        """Stop watching (the vault locked, or the app quits)."""
        for name in list(self._watchers):
            self._unwatch(name)

    def check(self, name: str) -> None:
        """A pass over ``name``: read its newest backup in a worker, merge it here."""
        state = self._sources().get(name)
        if state is None:
            return
        if name in self._busy:
            self._again.add(name)
            return
        self._busy.add(name)
        at = self.clock()

        def work() -> None:
            try:
                fetched: PhoneBackup | MergeReport | str = fetch_backup(state)
            except TrayCodesError as exc:
                fetched = str(exc)
            self.loop.post(lambda: self._fetched(name, fetched, at))

        threading.Thread(target=work, name="follow", daemon=True).start()

    def _fetched(self, name: str, fetched: PhoneBackup | MergeReport | str, at: float) -> None:
        self._busy.discard(name)
        vault = self.session.vault
        if vault is None:
            return
        if isinstance(fetched, str):
            self._problem(name, fetched, at)
        elif isinstance(fetched, MergeReport):
            self._problem(name, fetched.warnings[0] if fetched.warnings else "", at)
        else:
            try:
                report = apply_backup(vault, name, fetched, at=at)
            except TrayCodesError as exc:
                self._problem(name, str(exc), at)
            else:
                self.session.saved()
                self._merged(report, at)
        if name in self._again:
            self._again.discard(name)
            self.check(name)

    def _merged(self, report: MergeReport, at: float) -> None:
        name = report.source
        if report.changed or report.kept or report.held:
            self.host.notify(
                "traycodes",
                _("From {source}: {summary}").format(source=name, summary=report.summary()),
            )
        if report.held:
            self.host.notify(
                f"traycodes: {name}",
                ngettext(
                    "A backup would remove {count} account; to apply it: {command}",
                    "A backup would remove {count} accounts; to apply it: {command}",
                    report.held,
                ).format(
                    count=report.held,
                    command=f'traycodes follow sync "{name}" --accept-removals',
                ),
            )
        self._told.pop(name, None)
        note_pass(
            name,
            at,
            problem=report.warnings[0] if report.warnings else "",
            vault=self.session.vault,
        )
        if report.changed:
            self.host.changed()

    def _problem(self, name: str, problem: str, at: float) -> None:
        note_pass(name, at, problem=problem, vault=self.session.vault)
        if problem and self._told.get(name) != problem:
            self._told[name] = problem
            self.host.notify(_("traycodes: following {source}").format(source=name), problem)
        elif not problem:
            self._told.pop(name, None)
