"""What a list window shows of a record: plain data, so that it can be made where the
vault is and shown where the windows are (the same process, or the UI child process)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

SITE_PREFIX = "site:"


@dataclass(frozen=True)
class Row:
    """One record as the window shows it."""

    key: str
    title: str
    subtitle: str
    code: str  # grouped for reading, e.g. "492 039"; "" when there is no OTP yet
    remaining: float | None  # seconds left (None: HOTP or no OTP)
    period: int | None
    link: str = ""  # a site from the 2FA directory (key "site:NAME"): its set-up page
    hidden: bool = False  # the code is drawn as ••• ••• until the user asks (hide_codes)
    face: str = ""  # the site's brand icon (traycodes.faces: a slug); "": the title's initial

    @property
    def is_site(self) -> bool:
        """A site the vault has no account for, from the 2FA directory (a search found it)."""
        return self.key.startswith(SITE_PREFIX)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        remaining, period = data.get("remaining"), data.get("period")
        return cls(
            key=str(data["key"]),
            title=str(data["title"]),
            subtitle=str(data["subtitle"]),
            code=str(data["code"]),
            remaining=float(remaining) if isinstance(remaining, int | float) else None,
            period=int(period) if isinstance(period, int) else None,
            link=str(data.get("link") or ""),
            hidden=data.get("hidden") is True,
            face=str(data.get("face") or ""),
        )


RowSource = Callable[[str], list[Row]]
