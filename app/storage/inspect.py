"""Decide what an uploaded file is from its content (never its name), and clean it.

Accepted: PDF, JPEG, PNG and DOCX, each at most MAX_ATTACHMENT_BYTES. Refused with a message
that says why: archives (ZIP that is not a Word document, RAR, 7z, gzip, bzip2, xz, zstd, tar,
CAB), programs and scripts (Windows PE, ELF, Mach-O, Java classes, a `#!` line), PDF files that
can run something (JavaScript, actions on open or on page events, launching programs, embedded
files, XFA forms, Flash) or that are encrypted so that this cannot be seen, DOCX with macros,
ActiveX, embedded OLE objects or a template fetched from elsewhere. Images are re-encoded so
that metadata such as the GPS position in EXIF is gone.

`scan_for_malware` runs the optional virus scanner (CLAMDSCAN_COMMAND) on a file that passed;
it fails closed: a file that could not be scanned is refused too (docs/security.md).
"""
from __future__ import annotations

import io
import logging
import re
import shlex
import subprocess
import warnings
import zipfile
import zlib
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

# Refuse images large enough to be decompression bombs (≈ a 40-megapixel photo).
MAX_IMAGE_PIXELS = 40_000_000
# A DOCX larger than this once unpacked is a ZIP bomb, not a letter.
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
# What is unpacked of a PDF's object streams to look for actions inside them.
MAX_PDF_UNPACKED_BYTES = 64 * 1024 * 1024

ALLOWED_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    ALLOWED_DOCX: "docx",
}
ONLY_ALLOWED = _l("Chỉ nhận tệp PDF, JPEG, PNG hoặc DOCX.")

# Signatures of archives and programs, checked before anything else so the message says what
# the file is. (offset, magic)
ARCHIVE_MAGIC = [
    (0, b"Rar!\x1a\x07"),  # RAR 4 and 5
    (0, b"7z\xbc\xaf\x27\x1c"),
    (0, b"PK\x05\x06"), (0, b"PK\x07\x08"),  # empty or spanned ZIP
    (0, b"\x1f\x8b"),  # gzip (.gz, .tgz)
    (0, b"BZh"),  # bzip2
    (0, b"\xfd7zXZ\x00"),  # xz
    (0, b"\x28\xb5\x2f\xfd"),  # zstd
    (0, b"MSCF"),  # Windows cabinet
    (0, b"\x1f\x9d"),  # compress (.Z)
    (0, b"LZIP"),
    (0, b"!<arch>\n"),  # ar, .deb
    (257, b"ustar"),  # tar
]
# What filetype recognises as an archive or a program, for whatever the signatures above miss.
ARCHIVE_MIMES = frozenset({"application/zip", "application/x-tar", "application/x-rar-compressed", "application/gzip",
                           "application/x-bzip2", "application/x-7z-compressed", "application/x-xz",
                           "application/zstd", "application/vnd.ms-cab-compressed", "application/x-compress",
                           "application/x-lzip", "application/x-lz4", "application/x-lzop", "application/x-unix-archive",
                           "application/x-deb", "application/x-rpm", "application/x-brotli",
                           "application/x-google-chrome-extension", "application/epub+zip"})
PROGRAM_MIMES = frozenset({"application/x-msdownload", "application/x-executable", "application/wasm",
                           "application/x-shockwave-flash"})
PROGRAM_MAGIC = [
    (0, b"MZ"),  # Windows PE (.exe, .dll, .scr)
    (0, b"\x7fELF"),
    (0, b"\xfe\xed\xfa\xce"), (0, b"\xfe\xed\xfa\xcf"),  # Mach-O, big-endian
    (0, b"\xce\xfa\xed\xfe"), (0, b"\xcf\xfa\xed\xfe"),  # Mach-O, little-endian
    (0, b"\xca\xfe\xba\xbe"),  # Mach-O universal, or a Java class
    (0, b"#!"),  # a script with its interpreter line
    (0, b"\x00asm"),  # WebAssembly
]

# PDF names that make a document act on its own (ISO 32000-1 §12.6.4.16 JavaScript and §12.6.4.5
# Launch actions, §12.6.3 additional actions on page and field events, §7.11.4 embedded files,
# §12.7.8 XFA forms, which carry scripts, and Flash). An action on open that only goes to a page
# is harmless and accepted; one that runs JavaScript names /JavaScript and is refused.
PDF_ACTIVE_NAMES = frozenset({b"JS", b"JavaScript", b"AA", b"Launch", b"EmbeddedFile", b"EmbeddedFiles",
                              b"RichMedia", b"XFA"})
# Filters not unpacked here: an object stream packed with them could hide anything.
PDF_OTHER_FILTERS = frozenset({b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode", b"LZW",
                               b"RunLengthDecode", b"RL", b"Crypt", b"JBIG2Decode", b"DCTDecode", b"JPXDecode"})
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]*)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")


class UploadRejected(ValueError):
    """The file cannot be accepted; the message is shown to the citizen."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with its cleaned content."""

    content_type: str
    extension: str
    data: bytes


def _starts(data: bytes, table) -> bool:
    return any(data[offset:offset + len(magic)] == magic for offset, magic in table)


def _is_docx(data: bytes) -> bool:
    """A Word document: a ZIP with the Word parts (anything else in a ZIP is an archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            return "[Content_Types].xml" in names and "word/document.xml" in names
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _check_docx(data: bytes) -> None:
    """Refuse a Word document that can run code or fetch it: macros, ActiveX, OLE objects, a remote template."""
    active = _l("Tệp Word có chứa macro, điều khiển ActiveX hoặc đối tượng nhúng nên không được tiếp nhận. "
                "Hãy lưu lại thành tệp .docx thường hoặc PDF rồi gửi.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(info.file_size for info in infos) > MAX_DOCX_UNPACKED_BYTES:
                raise UploadRejected(_l("Tệp Word quá lớn khi giải nén."))
            for info in infos:
                name = info.filename.lower()
                if name.endswith("vbaproject.bin") or name.startswith("word/activex/") or \
                        (name.startswith("word/embeddings/") and name.endswith(".bin")):
                    raise UploadRejected(active)
            if b"macroEnabled" in zf.read("[Content_Types].xml"):
                raise UploadRejected(active)
            for info in infos:
                if info.filename.endswith(".rels") and info.file_size < 1024 * 1024:
                    rels = zf.read(info)
                    # A template or object loaded from another address when the document opens.
                    if re.search(rb'/(attachedTemplate|oleObject|subDocument)"[^>]*TargetMode="External"', rels) or \
                            re.search(rb'TargetMode="External"[^>]*/(attachedTemplate|oleObject|subDocument)"', rels):
                        raise UploadRejected(active)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc, UploadRejected):
            raise
        raise UploadRejected(_l("Tệp Word bị hỏng hoặc không đọc được.")) from exc


def _pdf_names(chunk: bytes) -> set[bytes]:
    """Every name in a piece of PDF, with `#xx` escapes decoded (`/J#61vaScript` is /JavaScript)."""
    return {_PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw) for raw in _PDF_NAME.findall(chunk)}


def _pdf_parts(data: bytes) -> tuple[set[bytes], list[tuple[set[bytes], bytes]]]:
    """The names outside streams, and each stream with the names of its dictionary.

    Stream contents (compressed pages, images) are left out of the first set: random bytes
    there would now and then spell `/JS`.
    """
    outside: set[bytes] = set()
    streams: list[tuple[set[bytes], bytes]] = []
    pos = 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < pos:
            continue  # inside a stream already passed over
        head = data[pos:match.start()]
        outside |= _pdf_names(head)
        dict_start = head.rfind(b"obj")  # the dictionary of this stream's object
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        streams.append((_pdf_names(head[max(dict_start, 0):]), data[match.end():end]))
        pos = end + len(b"endstream")
    outside |= _pdf_names(data[pos:])
    return outside, streams


def _unpack_object_streams(streams):
    """The content of each object stream (PDF 1.5 keeps objects compressed in them); None when
    it cannot be unpacked here."""
    budget = MAX_PDF_UNPACKED_BYTES
    for names, raw in streams:
        if b"ObjStm" not in names:
            continue
        if names & PDF_OTHER_FILTERS:
            yield None
            continue
        if b"FlateDecode" not in names and b"Fl" not in names:
            yield raw
            continue
        try:
            unpacked = zlib.decompressobj().decompress(raw, budget)
        except zlib.error:
            yield None
            continue
        budget -= len(unpacked)
        if budget <= 0:
            yield None
            return
        yield unpacked


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF that can act on its own, or whose insides cannot be seen."""
    active = _l("Tệp PDF có chứa mã JavaScript, lệnh tự chạy hoặc tệp nhúng nên không được tiếp nhận. "
                "Hãy in lại thành PDF (chọn “Lưu dưới dạng PDF” hoặc “Microsoft Print to PDF”) rồi gửi.")
    unreadable = _l("Tệp PDF được đặt mật khẩu, bị mã hóa hoặc nén theo cách không kiểm tra được nên không được "
                    "tiếp nhận. Hãy gửi bản PDF không đặt mật khẩu.")
    outside, streams = _pdf_parts(data)
    if outside & PDF_ACTIVE_NAMES:
        raise UploadRejected(active)
    if b"Encrypt" in outside:
        raise UploadRejected(unreadable)
    for unpacked in _unpack_object_streams(streams):
        if unpacked is None:
            raise UploadRejected(unreadable)
        if _pdf_names(unpacked) & PDF_ACTIVE_NAMES:
            raise UploadRejected(active)


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


PROGRAM_REFUSED = _l("Không nhận tệp chương trình hoặc tệp lệnh (EXE, DLL, ELF, script…). Chỉ nhận tệp PDF, "
                     "JPEG, PNG hoặc DOCX.")
ARCHIVE_REFUSED = _l("Không nhận tệp nén (ZIP, RAR, 7z, GZ, TAR…): hãy giải nén và gửi từng tệp PDF, JPEG, PNG "
                     "hoặc DOCX.")


def refuse_archive_or_program(data: bytes) -> None:
    """Refuse archives and programs with a message that says so."""
    if _starts(data, PROGRAM_MAGIC):
        raise UploadRejected(PROGRAM_REFUSED)
    if _starts(data, ARCHIVE_MAGIC) or (data[:4] == b"PK\x03\x04" and not _is_docx(data)):
        raise UploadRejected(ARCHIVE_REFUSED)


def check_upload(data: bytes, *, max_bytes: int | None = None) -> CheckedFile:
    """Identify the file by content and return its cleaned form, or raise UploadRejected.

    `max_bytes` defaults to MAX_ATTACHMENT_BYTES. A file that passes is then given to the
    virus scanner when one is configured.
    """
    if not data:
        raise UploadRejected(_l("Tệp rỗng."))
    limit = max_bytes or current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(data) > limit:
        raise UploadRejected(_l("Tệp lớn hơn %(mb)s MB.", mb=limit // (1024 * 1024)))
    refuse_archive_or_program(data)
    if data[:4] == b"PK\x03\x04":
        mime = ALLOWED_DOCX  # a Word document, or refuse_archive_or_program would have refused it
    else:
        kind = filetype.guess(data)
        mime = kind.mime if kind else None
    if mime in PROGRAM_MIMES:
        raise UploadRejected(PROGRAM_REFUSED)
    if mime in ARCHIVE_MIMES:
        raise UploadRejected(ARCHIVE_REFUSED)
    if mime not in ALLOWED:
        raise UploadRejected(ONLY_ALLOWED)
    if mime == "application/pdf":
        if not data.startswith(b"%PDF-"):
            raise UploadRejected(ONLY_ALLOWED)
        _check_pdf(data)
        checked = CheckedFile(mime, "pdf", data)
    elif mime == "image/jpeg":
        checked = CheckedFile(mime, "jpg", _reencode_image(data, "JPEG"))
    elif mime == "image/png":
        checked = CheckedFile(mime, "png", _reencode_image(data, "PNG"))
    else:
        _check_docx(data)
        checked = CheckedFile(mime, "docx", data)
    scan_for_malware(data)
    return checked


# --- the optional virus scanner ---------------------------------------------------------------

def scan_for_malware(data: bytes, name: str | None = None) -> None:
    """Pipe the file through CLAMDSCAN_COMMAND when set; refuse on a positive or when it cannot check.

    The command follows clamdscan's exit codes: 0 clean, 1 a virus found, anything else an
    error. A missing program, a time-out or an error refuses the file too (fail closed).
    """
    command = current_app.config.get("CLAMDSCAN_COMMAND")
    if not command:
        return
    label = f"“{name}”" if name else ""
    try:
        proc = subprocess.run(shlex.split(command), input=data, capture_output=True,  # noqa: S603 - admin's command
                              timeout=float(current_app.config.get("CLAMDSCAN_TIMEOUT", 60)), check=False)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.error("Virus scan could not run (%s): %s", command, exc)
        raise UploadRejected(_unchecked(label)) from exc
    if proc.returncode == 0:
        return
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()[:500]
    if proc.returncode == 1:
        log.warning("Virus scan refused an upload%s: %s", f" {name!r}" if name else "", output)
        raise UploadRejected(_l("Tệp %(name)s có dấu hiệu nhiễm mã độc, không được tiếp nhận.", name=label)
                             if label else _l("Tệp có dấu hiệu nhiễm mã độc, không được tiếp nhận."))
    log.error("Virus scan failed with exit code %s: %s", proc.returncode, output)
    raise UploadRejected(_unchecked(label))


def _unchecked(label: str):
    if label:
        return _l("Chưa kiểm tra được tệp %(name)s bằng phần mềm diệt virus nên tệp chưa được tiếp nhận. "
                  "Vui lòng thử lại sau ít phút; nếu vẫn không được, hãy báo cho cơ quan.", name=label)
    return _l("Chưa kiểm tra được tệp bằng phần mềm diệt virus nên tệp chưa được tiếp nhận. "
              "Vui lòng thử lại sau ít phút; nếu vẫn không được, hãy báo cho cơ quan.")
