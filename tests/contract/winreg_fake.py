"""A fake of ``winreg`` that answers as Windows' registry does, for the keys of
``HKEY_CURRENT_USER``: key paths are case-insensitive, ``CreateKey`` makes every missing
key on the way, a missing key or value raises FileNotFoundError, ``DeleteKey`` refuses a
key that still has subkeys, and a key opened without ``KEY_SET_VALUE`` cannot be changed.
mypy checks it against :class:`traycodes.desktop._win32.WinReg`."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from traycodes.desktop._win32 import WinReg

KEY_READ = 0x20019


@dataclass
class FakeKeyHandle:
    path: str  # the key's path, lower case
    writable: bool

    def __enter__(self) -> FakeKeyHandle:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> None:
        pass


@dataclass
class FakeRegistry:
    """``HKEY_CURRENT_USER``'s keys, each a dict of its values (name -> (value, kind))."""

    HKEY_CURRENT_USER: int = 0x80000001
    KEY_SET_VALUE: int = 0x0002
    REG_SZ: int = 1
    keys: dict[str, dict[str, tuple[Any, int]]] = field(default_factory=dict)
    writes: list[str] = field(default_factory=list)  # every change, in order

    def _path(self, key: Any, sub_key: str) -> str:
        if isinstance(key, FakeKeyHandle):
            base = key.path
        elif key == self.HKEY_CURRENT_USER:
            base = "hkcu"
        else:
            raise OSError(6, "The handle is invalid")
        parts = [part for part in sub_key.split("\\") if part]
        return "\\".join([base, *parts]).lower()

    def CreateKey(self, key: Any, sub_key: str, /) -> FakeKeyHandle:
        path = self._path(key, sub_key)
        parts = path.split("\\")
        for end in range(2, len(parts) + 1):
            self.keys.setdefault("\\".join(parts[:end]), {})
        return FakeKeyHandle(path, writable=True)

    def OpenKey(
        self, key: Any, sub_key: str, reserved: int = 0, access: int = KEY_READ, /
    ) -> FakeKeyHandle:
        path = self._path(key, sub_key)
        if path not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return FakeKeyHandle(path, writable=bool(access & self.KEY_SET_VALUE))

    def _values(self, key: FakeKeyHandle, *, write: bool) -> dict[str, tuple[Any, int]]:
        if key.path not in self.keys:
            raise OSError(1018, "Illegal operation attempted on a registry key marked for deletion")
        if write and not key.writable:
            raise PermissionError(5, "Access is denied")
        return self.keys[key.path]

    def SetValueEx(
        self, key: FakeKeyHandle, name: str, reserved: int, kind: int, value: str, /
    ) -> None:
        self._values(key, write=True)[name.lower()] = (value, kind)
        self.writes.append(f"set {key.path}\\{name.lower()}")

    def QueryValueEx(self, key: FakeKeyHandle, name: str, /) -> tuple[Any, int]:
        values = self._values(key, write=False)
        if name.lower() not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return values[name.lower()]

    def DeleteValue(self, key: FakeKeyHandle, name: str, /) -> None:
        values = self._values(key, write=True)
        if name.lower() not in values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del values[name.lower()]
        self.writes.append(f"delete {key.path}\\{name.lower()}")

    def DeleteKey(self, key: Any, sub_key: str, /) -> None:
        path = self._path(key, sub_key)
        if path not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        if any(other.startswith(path + "\\") for other in self.keys):
            raise PermissionError(5, "Access is denied")  # subkeys first, as on Windows
        del self.keys[path]
        self.writes.append(f"delete key {path}")

    # -- what tests look at ---------------------------------------------------------------

    def value(self, path: str, name: str = "") -> Any:
        """The data of ``HKCU\\path`` ``name`` (None when it is not there)."""
        found = self.keys.get(self._path(self.HKEY_CURRENT_USER, path), {}).get(name.lower())
        return None if found is None else found[0]

    def has_key(self, path: str) -> bool:
        return self._path(self.HKEY_CURRENT_USER, path) in self.keys


def _is_winreg(registry: FakeRegistry) -> WinReg:
    return registry  # mypy: the fake is what winreg is to traycodes
