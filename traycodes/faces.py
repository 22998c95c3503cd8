"""Faces for accounts: the small icon beside each account in the quick-pick and the
enrolment dialog, so that a long list is scanned by eye.

A face is the site's brand icon where the shipped set has one (simple-icons, CC0, rendered
by ``scripts/make-faces`` into ``data/faces.png`` + ``data/faces.json``; only brands the
2FA directory lists), else the name's initial on a colour drawn from the name (the same
name, the same colour, in every process and on every computer). A record's brand is found
through the 2FA directory: its website's domain (``gist.github.com`` -> the site GitHub),
else its issuer as a directory name. Nothing here reaches the network.

Looking up is plain data (:func:`face_for`); drawing (:func:`image`) imports Pillow when a
window first draws a face.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from .directory import by_host, by_name, folded
from .resources import data_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

# The initials' colours (white letters on each are readable: contrast 4.5:1 or more).
PALETTE = (
    "#b91c1c",
    "#c2410c",
    "#a16207",
    "#4d7c0f",
    "#15803d",
    "#0f766e",
    "#0e7490",
    "#1d4ed8",
    "#4338ca",
    "#6d28d9",
    "#a21caf",
    "#be185d",
)


@dataclass(frozen=True)
class Face:
    """What a face shows: a brand (``brand``: its simple-icons slug) on its colour, or the
    initial ``letter`` on a colour from the name."""

    letter: str
    colour: str  # "#rrggbb"
    brand: str = ""


@cache
def _index() -> dict[str, Any]:
    return json.loads(data_bytes("faces.json"))  # type: ignore[no-any-return]


def initial_colour(name: str) -> str:
    """The colour of a name's initial: the same for the same name (case, spaces and
    punctuation aside), wherever it is drawn."""
    return PALETTE[zlib.crc32(folded(name).encode()) % len(PALETTE)]


def initial(name: str) -> str:
    """The first letter or digit of a name, upper-cased; "?" when it has none."""
    return next((c.upper() for c in name if c.isalnum()), "?")


def face(name: str, brand: str = "") -> Face:
    """The face of ``brand`` (a slug :func:`brand_for` found) for an account called
    ``name``; the initial where the shipped set has no such brand."""
    icon = _index()["icons"].get(brand) if brand else None
    if icon is not None:
        return Face(initial(name), "#" + str(icon[1]).lower(), brand)
    return Face(initial(name), initial_colour(name))


def _site_brand(site_name: str) -> str:
    return str(_index()["sites"].get(folded(site_name), ""))


def _host_brand(host: str) -> str:
    """The brand of a host through the directory (``gist.github.com`` -> the site GitHub),
    else of a domain several listed sites share (``accounts.google.com`` -> Google)."""
    site = by_host(host)
    if site is not None and _site_brand(site.name):
        return _site_brand(site.name)
    brands = _index()["brands"]
    labels = host.split(".")[:-1]  # never the top-level domain
    return next((str(brands[k]) for k in map(folded, reversed(labels)) if k in brands), "")


@lru_cache(maxsize=4096)
def brand_for(issuer: str, websites: tuple[str, ...] = ()) -> str:
    """The brand (simple-icons slug) of an account, or "": through the 2FA directory, by
    its websites' domains first (the user's own choice), then by the issuer (a directory
    name, a brand behind several listed sites such as "Google", or a domain such as
    ``github.com``)."""
    from .matching import domain_of

    for website in websites:
        found = _host_brand(domain_of(website))
        if found:
            return found
    if not issuer.strip():
        return ""
    if "." in issuer and " " not in issuer.strip():  # "github.com"
        return _host_brand(domain_of(issuer))
    site = by_name(issuer)
    if site is not None and _site_brand(site.name):
        return _site_brand(site.name)
    return str(_index()["brands"].get(folded(issuer), ""))


def face_for(name: str, issuer: str = "", websites: Iterable[str] = ()) -> Face:
    """The face of an account shown as ``name`` (its issuer, else its account name)."""
    return face(name, brand_for(issuer, tuple(websites)))


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _light(colour: tuple[int, int, int]) -> bool:
    """Light enough that a dark glyph reads better than a white one (relative luminance)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4


@cache
def _sprite() -> Image.Image:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data_bytes("faces.png"))) as sprite:
        return sprite.convert("L")


def _glyph(brand: str) -> Image.Image:
    cell, columns = int(_index()["cell"]), int(_index()["columns"])
    number = int(_index()["icons"][brand][0])
    x, y = (number % columns) * cell, (number // columns) * cell
    return _sprite().crop((x, y, x + cell, y + cell))


@lru_cache(maxsize=512)
def image(shown: Face, size: int) -> Image.Image:
    """The face drawn as a ``size`` px RGBA image: a rounded tile in its colour with the
    brand's glyph, or the initial, in white (dark on a light brand colour)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 4  # drawn large and shrunk: smooth corners at small sizes
    big = size * scale
    tile = _rgb(shown.colour)
    ink = (24, 24, 27, 255) if _light(tile) else (255, 255, 255, 255)
    picture = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    outline = (213, 216, 222, 255) if _light(tile) else None  # a white tile on a light window
    draw.rounded_rectangle(
        (0, 0, big - 1, big - 1),
        radius=big * 0.22,
        fill=(*tile, 255),
        outline=outline,
        width=scale,
    )
    picture = picture.resize((size, size), Image.Resampling.LANCZOS)
    if shown.brand:
        side = max(1, round(size * 0.64))
        mask = _glyph(shown.brand).resize((side, side), Image.Resampling.LANCZOS)
        offset = (size - side) // 2
        picture.paste(Image.new("RGBA", (side, side), ink), (offset, offset), mask)
        return picture
    font = ImageFont.load_default(size=max(6, round(size * 0.58)))
    ImageDraw.Draw(picture).text(
        (size / 2, size / 2), shown.letter, fill=ink, font=font, anchor="mm"
    )
    return picture
