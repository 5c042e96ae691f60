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


def pdf_with(catalog_extra: bytes = b"", *objects: bytes, trailer_extra: bytes = b"") -> bytes:
    """A small PDF whose catalog (object 1) holds `catalog_extra`; `objects` become objects 3, 4, …"""
    body = [b"1 0 obj<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>endobj\n",
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"]
    body += [f"{n} 0 obj".encode() + obj + b"endobj\n" for n, obj in enumerate(objects, start=3)]
    return b"%PDF-1.7\n" + b"".join(body) + b"trailer<</Root 1 0 R" + trailer_extra + b">>\n%%EOF\n"


def pdf_object_stream(*objects: bytes) -> bytes:
    """An object stream (PDF 1.5) packing `objects` with FlateDecode, as object text for pdf_with."""
    import zlib

    offsets, text = [], b""
    for n, obj in enumerate(objects, start=10):
        offsets.append(f"{n} {len(text)}".encode())
        text += obj + b"\n"
    header = b" ".join(offsets) + b"\n"
    packed = zlib.compress(header + text)
    first = len(header)
    return (f"<</Type/ObjStm/N {len(objects)}/First {first}/Filter/FlateDecode/Length {len(packed)}>>stream\n"
            .encode() + packed + b"\nendstream")


def docx_with(parts: dict[str, bytes | str]) -> bytes:
    """A DOCX (as docx_bytes) with more parts, e.g. {"word/activeX/activeX1.bin": b"…"}."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as src, zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info))
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


# The EICAR anti-virus test string, in two halves so that no scanner flags this source file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def fake_scanner(directory, *, broken: bool = False) -> str:
    """Write a stand-in for clamdscan into `directory`; return the command that runs it.

    A real executable: it reads the file on stdin and answers with clamdscan's exit codes, 1 when
    the EICAR string is in it, else 0 — or always 2 ("cannot check") when `broken`.
    """
    import shlex
    from pathlib import Path

    script = Path(directory) / "fake-clamdscan"
    if broken:
        body = 'cat >/dev/null\necho "ERROR: Could not connect to clamd" >&2\nexit 2\n'
    else:
        body = ('if grep -a -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"; then\n'
                '  echo "stream: Eicar-Signature FOUND"; exit 1\nfi\necho "stream: OK"; exit 0\n')
    script.write_text("#!/bin/sh\n# Reads a file on stdin like `clamdscan -`.\n" + body)
    script.chmod(0o755)
    return f"{shlex.quote(str(script))} --no-summary -"
