"""Decide what an uploaded file is from its content (never its name), and clean it.

Accepted: PDF, JPEG, PNG and DOCX. Images are re-encoded so that metadata such as the GPS
position in EXIF is gone. A DOCX must be a real Word document (a ZIP with the Word parts),
not another ZIP renamed, and not a macro-enabled document.
"""
from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

# Refuse images large enough to be decompression bombs (≈ a 40-megapixel photo).
MAX_IMAGE_PIXELS = 40_000_000

ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


class UploadRejected(ValueError):
    """The file cannot be accepted; the message is shown to the citizen."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with its cleaned content."""

    content_type: str
    extension: str
    data: bytes


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            if "word/vbaProject.bin" in names:
                return False
            types = zf.read("[Content_Types].xml")
            return b"macroEnabled" not in types
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _reencode_image(data: bytes, fmt: str) -> bytes:
    """Decode and re-encode an image, dropping EXIF and text chunks; keep its orientation."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > MAX_IMAGE_PIXELS:
                    raise UploadRejected(_l("Ảnh quá lớn (quá nhiều điểm ảnh)."))
                img.load()
                img = ImageOps.exif_transpose(img)
                out = io.BytesIO()
                if fmt == "JPEG":
                    if img.mode not in ("RGB", "L"):
                        img = img.convert("RGB")
                    img.save(out, "JPEG", quality=90, optimize=True)
                else:
                    if img.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                        img = img.convert("RGBA")
                    img.save(out, "PNG", optimize=True)
                return out.getvalue()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
                Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            if isinstance(exc, UploadRejected):
                raise
            raise UploadRejected(_l("Ảnh bị hỏng hoặc không đọc được.")) from exc


def check_upload(data: bytes) -> CheckedFile:
    """Identify the file by content and return its cleaned form, or raise UploadRejected."""
    if not data:
        raise UploadRejected(_l("Tệp rỗng."))
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime == "application/zip" or mime == ALLOWED_DOCX or (mime is None and data[:4] == b"PK\x03\x04"):
        if _is_docx(data):
            mime = ALLOWED_DOCX
        else:
            raise UploadRejected(_l("Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX."))
    if mime not in ALLOWED:
        raise UploadRejected(_l("Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX."))
    if mime == "application/pdf":
        if not data.startswith(b"%PDF-"):
            raise UploadRejected(_l("Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX."))
        return CheckedFile(mime, "pdf", data)
    if mime == "image/jpeg":
        return CheckedFile(mime, "jpg", _reencode_image(data, "JPEG"))
    if mime == "image/png":
        return CheckedFile(mime, "png", _reencode_image(data, "PNG"))
    return CheckedFile(mime, "docx", data)


ALLOWED_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
