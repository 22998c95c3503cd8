"""QR codes in pictures: screenshots, photos, exported PNGs (several per image is fine), with
a pixel ceiling and Pillow's decompression-bomb refusal for crafted files."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput
from ..i18n import _


def qr_texts(picture: Any) -> list[str]:
    """The texts of the QR codes in a PIL image (any number, anywhere in it)."""
    import zxingcpp

    return [
        r.text for r in zxingcpp.read_barcodes(picture) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


MAX_IMAGE_PIXELS = 64_000_000  # an 8K screenshot is 33 million; a phone photo 12 to 50


def texts_in_images(images: list[bytes]) -> list[str]:
    """The texts of the QR codes in images (screenshots, photos, exported PNGs), in order;
    several per image is fine. InvalidInput for an image that cannot be read or holds none."""
    import io

    from PIL import Image, UnidentifiedImageError

    texts = []
    for number, data in enumerate(images, start=1):
        try:
            picture = Image.open(io.BytesIO(data))
            width, height = picture.size
            if width * height <= MAX_IMAGE_PIXELS:
                picture.load()
        except Image.DecompressionBombError:
            raise InvalidInput(
                _(
                    "image {number} would take too much memory to read (a decompression bomb?)"
                ).format(number=number)
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise InvalidInput(
                _("image {number} cannot be read (damaged or not an image)").format(number=number)
            ) from None
        if width * height > MAX_IMAGE_PIXELS:
            raise InvalidInput(
                _(
                    "image {number} is {width}x{height} pixels, more than any "
                    "screenshot or photo of a QR code needs: not read"
                ).format(number=number, width=width, height=height)
            )
        found = qr_texts(picture)
        if not found:
            raise InvalidInput(
                _("image {number} holds no QR code that could be read").format(number=number)
            )
        texts += found
    return texts
