"""QR codes as inline SVG (no image files, no external service)."""
from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup, escape


def qr_svg(data: str, label: str) -> Markup:
    """An accessible inline SVG QR code encoding `data`."""
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = img.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2:]
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="qr-svg" ', 1)
    return Markup(svg)
