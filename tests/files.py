"""Small real files for upload tests, made on the fly."""
from __future__ import annotations

import io
import zipfile

from PIL import Image


def pdf_bytes() -> bytes:
    """A minimal valid PDF."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes(size=(40, 30)) -> bytes:
    """A small PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF carries a GPS position (latitude 21°N, longitude 106°E)."""
    img = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (21.0, 50.0, 0.0), 3: "E", 4: (106.0, 45.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def docx_bytes(macro: bool = False) -> bytes:
    """A minimal DOCX (a ZIP with the Word parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        ctype = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        zf.writestr("[Content_Types].xml",
                    f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    f'<Override PartName="/word/document.xml" ContentType="{ctype}"/></Types>')
        zf.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    """A plain ZIP archive (not a Word document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.txt", "hello")
    return out.getvalue()
