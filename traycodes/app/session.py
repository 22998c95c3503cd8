"""The session: the open vault and its life (unlock, lock, idle lock, reload, sync).

It owns the one :class:`~traycodes.vault.Vault` of the running app and tells its host what
changed; it never draws anything. Every method runs on the loop's thread, except the key
derivation of a password, which runs in a worker and comes back through ``loop.post``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..errors import KeyChanged, KeyUnavailable, Locked, TrayCodesError, WrongPassword
from ..i18n import _, ngettext
from ..keystore import KeyStore
from ..matching import menu_order
from ..model import Record
from ..settings import Settings
from ..vault import NoVault, Vault, kdf_from_environment
from .loop import Loop

log = logging.getLogger(__name__)


class Watcher(Protocol):
    def stop(self) -> None: ...


class SessionHost(Protocol):
    """What the session tells the rest of the app (the App; a fake in tests)."""

    def notify(self, title: str, body: str) -> None: ...

    def ask_password(self, *, create: bool) -> None:
        """Show the unlock (or create) window."""
        ...

    def remind_password(self, days: int) -> None:
        """Ask for the password although the keyring opened the vault (``days`` since it was
        last typed); the answer comes to ``try_password``, "later" to ``remind_later``."""
        ...

    def password_result(self, problem: str | None) -> None:
        """The password just tried: None when it opened the vault, else what went wrong."""
        ...

    def cannot_open(self, message: str) -> None:
        """A vault that cannot be used: stay locked, say why."""
        ...

    def unlocked(self) -> None: ...

    def locked(self) -> None:
        """The secrets are gone: close every window that shows one."""
        ...

    def changed(self) -> None:
        """The records changed (on disk or here): show them again."""
        ...

    def watch_folder(self, folder: Path, changed: Callable[[set[str]], None]) -> Watcher | None:
        """Start watching ``folder`` (``changed(names)`` from any thread); a watcher with
        ``stop()``, or None where nothing can watch."""
        ...


class Session:
    def __init__(
        self,
        vault_path: Path,
        *,
        keystore: KeyStore | None,
        settings: Settings,
        loop: Loop,
        host: SessionHost,
    ) -> None:
        self.vault_path = vault_path
        self.keystore = keystore
        self.settings = settings
        self.loop = loop
        self.host = host
        self.vault: Vault | None = None
        # False until the start-up unlock through the keyring has been tried: until then a
        # request that needs the vault waits for it instead of opening the password window
        # (which the keyring then makes needless; see App.show_password).
        self.keyring_tried = False
        self.watcher: Watcher | None = None
        self._seen: tuple[int, int, int] | None = None
        self.follower: Any = None  # the followed phones' folders (.follower), once unlocked
        self.reminding: Vault | None = None  # opened by the keyring, held while we ask

    # -- reading ----------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self.vault is None

    def records(self) -> list[Record]:
        """The records in menu order (none while locked)."""
        return menu_order(self.vault.records) if self.vault is not None else []

    def record(self, record_id: str) -> Record | None:
        """The live record with this id (None when locked or gone)."""
        if self.vault is None:
            return None
        return next((r for r in self.vault.records if r.id == record_id), None)

    # -- unlocking --------------------------------------------------------------------------

    def open_with_keyring(self) -> None:
        """The daily unlock: the keyring slot, else the password window."""
        self.keyring_tried = True
        try:
            vault = Vault.open(
                self.vault_path,
                keystore=self.keystore,
                password=lambda: None,
                keep_backups=self.settings.backups,
            )
        except NoVault:
            log.info("no vault yet: asking for a new password")
            self.host.ask_password(create=True)
            return
        except (Locked, KeyUnavailable) as exc:
            # the app starts locked: say why, or a slow keyring looks like a lock from nowhere
            log.info("the keyring did not open the vault (%s): asking for the password", exc)
            self.host.ask_password(create=False)
            return
        except TrayCodesError as exc:
            log.info("the vault cannot be opened: %s", exc)
            self.host.cannot_open(str(exc))
            return
        if self._ask_to_remember(vault):
            return
        self.unlock_with(vault)

    def _ask_to_remember(self, vault: Vault) -> bool:
        """``password_reminder_days`` since the password was last typed: hold the vault
        the keyring opened and ask for the password (app/reminder.py)."""
        from . import reminder

        now, days = time.time(), self.settings.password_reminder_days
        last = reminder.last_verified()
        if last is None:
            reminder.record_verified(now)  # the count starts with the first unlock here
        if not reminder.due(last, now, days):
            return False
        self.reminding = vault
        self.host.remind_password(round((now - (last or now)) / reminder.DAY))
        return True

    def remind_later(self) -> None:
        """The answer "Remind me later": the keyring's vault now; asked again next unlock."""
        vault, self.reminding = self.reminding, None
        if vault is not None:
            self.unlock_with(vault)

    def _remembered(self, vault: Vault | None) -> None:
        """The reminder's answer: right (``vault``) or wrong (None). Either way the
        keyring's vault opens: a forgotten password is no lock-out."""
        from . import reminder

        held, self.reminding = self.reminding, None
        self.host.password_result(None)
        if vault is not None:
            reminder.record_verified(time.time())
            vault.lock()
        else:
            self.host.notify(
                _("That was not the vault password"),
                _(
                    "traycodes opened with the keyring. Change the password while you can: "
                    "'traycodes passwd' (you will need it on a new computer)."
                ),
            )
        if held is not None:
            self.unlock_with(held)

    def try_password(self, password: str, *, create: bool) -> None:
        """Derive the key off the loop's thread (it takes a moment), then come back."""

        def work() -> None:
            try:
                if create:
                    vault = Vault.create(
                        self.vault_path,
                        password=password,
                        keystore=self.keystore,
                        kdf=kdf_from_environment(),
                        keep_backups=self.settings.backups,
                    )
                else:
                    vault = Vault.open(
                        self.vault_path,
                        keystore=None,
                        password=lambda: password,
                        keep_backups=self.settings.backups,
                    )
            except WrongPassword:
                self.loop.post(self._wrong_password)
            except TrayCodesError as exc:
                message = str(exc)
                self.loop.post(lambda: self.host.password_result(message))
            else:
                self.loop.post(lambda: self._password_opened(vault))

        threading.Thread(target=work, name="unlock", daemon=True).start()

    def _wrong_password(self) -> None:
        log.debug("the password tried is wrong")  # the desktop tests wait for this line
        if self.reminding is not None:
            self._remembered(None)
        else:
            self.host.password_result(_("Wrong password."))

    def _password_opened(self, vault: Vault) -> None:
        if self.reminding is not None:
            self._remembered(vault)
            return
        from . import reminder

        reminder.record_verified(time.time())
        self.host.password_result(None)
        self.unlock_with(vault)

    def unlock_with(self, vault: Vault) -> None:
        if self.vault is not None:  # two unlock windows raced: keep the first
            vault.lock()
            return
        self.vault = vault
        for warning in vault.warnings:
            self.host.notify(_("traycodes merged the vault"), warning)
        self.absorb_conflicts()
        self._watch()
        self.follow()
        self.touch()
        self.host.unlocked()

    # -- locking ----------------------------------------------------------------------------

    def lock(self, reason: str) -> None:
        """Drop the secrets; the host closes every window that shows one. ``reason`` (the
        idle time, the screen lock, the menu, ``traycodes lock``, a key changed elsewhere)
        is logged: a lock is never unexplained (``TRAYCODES_LOG=info`` or ``debug``)."""
        if self.vault is not None or self.reminding is not None:
            log.info("locking: %s", reason)
        else:
            log.debug("already locked (%s)", reason)
        if self.reminding is not None:  # the reminder's vault goes too
            self.reminding.lock()
            self.reminding = None
        if self.vault is None:
            return
        if self.follower is not None:
            self.follower.stop()
        self.vault.lock()
        self.vault = None
        self.loop.cancel("idle")
        self.host.locked()

    def touch(self) -> None:
        """The user did something: the idle lock starts counting again."""
        minutes = self.settings.lock_minutes
        if minutes and self.vault is not None:
            why = f"nothing done in traycodes for {minutes} minute(s) (lock_minutes)"
            self.loop.after("idle", minutes * 60, lambda: self.lock(why))
        else:
            self.loop.cancel("idle")

    def apply(self, settings: Settings) -> None:
        self.settings = settings
        if self.vault is not None:
            self.vault.keep_backups = settings.backups
        self.touch()

    # -- sync -------------------------------------------------------------------------------

    def _watch(self) -> None:
        """Notice when a sync tool changes the vault (Linux: inotify; elsewhere the file is
        looked at on each refresh, see :meth:`changed_on_disk`)."""
        if self.watcher is not None:
            return
        name, stem = self.vault_path.name, self.vault_path.stem

        def changed(names: set[str]) -> None:
            if name in names or any(n.startswith(stem) for n in names):
                self.loop.post(lambda: self.loop.after("vault-changed", 0.3, self.reload))

        self.watcher = self.host.watch_folder(self.vault_path.parent, changed)

    def changed_on_disk(self) -> bool:
        """Where nothing watches the folder: whether the file changed since we read it."""
        return self.watcher is None and self.vault is not None and self._signature() != self._seen

    def reload(self) -> None:
        """The file changed on disk (another device, another traycodes): read it again,
        merge any conflict copies, and show the result."""
        if self.vault is None:
            return
        signature = self._signature()
        if signature is not None and signature != self._seen:
            try:
                warning = self.vault.reload()  # merges, never simply replaces
            except KeyChanged as exc:  # the key we hold no longer opens it: nothing to keep
                self.key_changed(exc)
                return
            except TrayCodesError as exc:  # mid-sync or damaged: keep what we have
                log.warning("the vault changed on disk but cannot be read now: %s", exc)
                self._seen = signature
                return
            if warning:
                self.host.notify(_("traycodes merged the vault"), warning)
        self.absorb_conflicts()
        self.follow()
        self.host.changed()

    def key_changed(self, exc: KeyChanged) -> None:
        """The password was changed on another computer: lock, and say how to get back in."""
        self.lock(f"the vault's key changed elsewhere ({exc})")
        self.host.notify(
            _("traycodes locked the vault"),
            _("the password changed {where}: unlock with the new password").format(
                where=exc.where or _("on another computer")
            ),
        )

    def follow(self) -> None:
        """Watch the folders of the phones the vault follows (``traycodes follow``)."""
        if self.follower is None:
            from .follower import Follower

            self.follower = Follower(self, self.loop, self.host)
        self.follower.update()

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            info = self.vault_path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def absorb_conflicts(self) -> None:
        if self.vault is None:
            return
        for copy, outcome in self.vault.absorb_conflicts():
            if isinstance(outcome, int):
                updated = ngettext(
                    "{file}: {count} account updated", "{file}: {count} accounts updated", outcome
                )
                self.host.notify(
                    _("traycodes merged a sync conflict"),
                    updated.format(file=copy.name, count=outcome),
                )
            else:
                log.warning("conflict copy %s left as it is: %s", copy.name, outcome)
        self._seen = self._signature()

    def saved(self) -> None:
        """We wrote the file ourselves: that is not a change from elsewhere."""
        self._seen = self._signature()

    def close(self) -> None:
        if self.follower is not None:
            self.follower.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self.watcher = None
        if self.vault is not None:
            self.vault.lock()
            self.vault = None
