"""What the benchmark sections share: the report line, the installed command, and vaults,
keyrings and desktops to measure in. scripts/benchmarks.py runs the sections."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]


def report(name: str, ours: float, base: float, unit: str, *, higher_is_better: bool) -> None:
    ratio = ours / base
    better = "faster" if (ratio > 1) == higher_is_better else "slower"
    if ratio == 0:  # nothing at all measured for traycodes (0 ms of CPU, say)
        print(f"  {name}: traycodes {ours:,.1f} {unit}, baseline {base:,.1f} {unit} -> none")
        return
    shown = ratio if higher_is_better else 1 / ratio if ratio < 1 else ratio
    print(
        f"  {name}: traycodes {ours:,.1f} {unit}, baseline {base:,.1f} {unit} "
        f"-> ratio {ratio:.2f} ({shown:.2f}x {better if ratio != 1 else 'same'})"
    )


def best_rate(func: Callable[[], None], count: int) -> float:
    start = time.perf_counter()
    func()
    return count / (time.perf_counter() - start)


def vault_with(root: Path, count: int, *, keystore: object = None) -> Path:
    """A vault of ``count`` realistic records (password ``pw`` at the minimum KDF cost)."""
    import os
    import uuid

    from traycodes.model import OtpParams, Record
    from traycodes.vault import KDF_MINIMUM, Vault

    path = root / f"v{count}-{uuid.uuid4().hex[:8]}" / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=keystore, kdf=KDF_MINIMUM)  # noqa: S106
    records = [
        Record(
            id=uuid.uuid4().hex,
            issuer=f"Issuer {i}",
            account=f"user{i}@example.com",
            otp=OtpParams(os.urandom(20)),
            websites=(f"https://site{i}.example.com",),
            created=1.7e9,
            modified=1.7e9,
        )
        for i in range(count)
    ]
    vault.update(lambda held: held.update((r.id, r) for r in records))
    return path


@contextlib.contextmanager
def real_keyring() -> Iterator[tuple[object, str]]:
    """A D-Bus session with gnome-keyring (tests/desktop/session.py), or a memory store."""
    import os

    sys.path.insert(0, str(ROOT))
    from tests.desktop.session import desktop_session

    try:
        session_cm = desktop_session(x=False, keyring=True, window_manager=False)
        session = session_cm.__enter__()
    except BaseException as exc:  # no desktop tools here (pytest's skip is a BaseException)
        from traycodes.keystore import MemoryStore

        yield MemoryStore(), f"memory store ({type(exc).__name__}: no gnome-keyring)"
        return
    saved = dict(os.environ)
    os.environ.update(session.env)
    try:
        from traycodes.keystore import KeyringStore

        yield KeyringStore(), "gnome-keyring over D-Bus"
    finally:
        os.environ.clear()
        os.environ.update(saved)
        session_cm.__exit__(None, None, None)


@contextlib.contextmanager
def app_desktop(root: Path, backend: str, settings: str = "") -> Iterator[dict[str, str]]:
    """The test desktop with a 10-record vault (keyring slot) and settings for the app:
    the environment to start traycodes in."""
    import os

    sys.path.insert(0, str(ROOT))
    from tests.desktop.session import desktop_session

    with desktop_session(
        x=True, keyring=True, window_manager=True, tray=True, notifications=True
    ) as session:
        os.environ.update(session.env)
        from traycodes.keystore import KeyringStore

        (root / "settings.toml").write_text(settings)
        vault = vault_with(root, 10, keystore=KeyringStore())
        yield {
            **session.full_env(),
            "TRAYCODES_VAULT": str(vault),
            "TRAYCODES_CONFIG": str(root / "settings.toml"),
            "TRAYCODES_TRAY_BACKEND": backend,
        }
