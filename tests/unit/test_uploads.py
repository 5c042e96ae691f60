"""Uploads are identified by content, images lose their metadata, bad files are refused with a
message that says why, and the optional virus scanner (a real process) is obeyed."""
import bz2
import gzip
import io
import lzma
import shutil
import tarfile

import pytest
from PIL import Image, PngImagePlugin

from app import create_app
from app.storage.inspect import UploadRejected, check_upload, scan_for_malware
from tests.conftest import make_config
from tests.files import (
    EICAR,
    docx_bytes,
    docx_with,
    fake_scanner,
    jpeg_with_gps,
    pdf_bytes,
    pdf_object_stream,
    pdf_with,
    png_bytes,
    zip_bytes,
)


@pytest.fixture
def scanner_command():
    """CLAMDSCAN_COMMAND for the app of this test (None: no scanner)."""
    return None


@pytest.fixture(autouse=True)
def ctx(scanner_command):
    app = create_app(make_config(CLAMDSCAN_COMMAND=scanner_command, MAX_ATTACHMENT_BYTES=2 * 1024 * 1024))
    with app.test_request_context():
        yield


def refused(data: bytes) -> str:
    """The message a refused file gets."""
    with pytest.raises(UploadRejected) as info:
        check_upload(data)
    return str(info.value)


# --- accepted files, cleaned ------------------------------------------------------------------

def test_pdf_png_docx_accepted():
    assert check_upload(pdf_bytes()).content_type == "application/pdf"
    assert check_upload(png_bytes()).content_type == "image/png"
    assert check_upload(docx_bytes()).extension == "docx"


def test_jpeg_gps_metadata_removed():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825) is not None
    cleaned = check_upload(original)
    assert cleaned.content_type == "image/jpeg"
    exif = Image.open(io.BytesIO(cleaned.data)).getexif()
    assert 0x8825 not in exif and 0x010F not in exif
    assert b"PhoneMaker" not in cleaned.data


def test_png_text_metadata_removed():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Nguyen Van Chup Anh")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (1, 2, 3)).save(out, "PNG", pnginfo=info)
    assert b"Nguyen Van Chup Anh" in out.getvalue()
    cleaned = check_upload(out.getvalue())
    assert b"Nguyen Van Chup Anh" not in cleaned.data and cleaned.content_type == "image/png"


def test_harmless_pdf_actions_accepted():
    # Opening at a page is an action too, and harmless.
    assert check_upload(pdf_with(b"/OpenAction[2 0 R/Fit]")).extension == "pdf"
    # Compressed page content that happens to spell /JS is data, not a name.
    noise = b"<</Length 12>>stream\n\x01/JS \x02/AA \x03\nendstream"
    assert check_upload(pdf_with(b"", noise)).extension == "pdf"
    # An object stream with ordinary objects.
    assert check_upload(pdf_with(b"", pdf_object_stream(b"<</Type/Font/BaseFont/Arial>>"))).extension == "pdf"


def test_word_document_with_an_embedded_workbook_accepted():
    assert check_upload(docx_with({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": b"PK..."})).extension == "docx"


# --- refused files ----------------------------------------------------------------------------

def _tar() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        info = tarfile.TarInfo("don.pdf")
        payload = pdf_bytes()
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))
    return out.getvalue()


ARCHIVES = {
    "zip": zip_bytes(),
    "empty-zip": b"PK\x05\x06" + b"\x00" * 18,
    "gz": gzip.compress(pdf_bytes()),
    "tar": _tar(),
    "tar.gz": gzip.compress(_tar()),
    "bz2": bz2.compress(pdf_bytes()),
    "xz": lzma.compress(pdf_bytes()),
    "rar": b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64,
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64,
    "cab": b"MSCF\x00\x00\x00\x00" + b"\x00" * 64,
}


@pytest.mark.parametrize("name", ARCHIVES)
def test_archives_refused(name):
    assert "Không nhận tệp nén" in refused(ARCHIVES[name])


def _elf() -> bytes:
    return open(shutil.which("true") or "/bin/true", "rb").read()


PROGRAMS = {
    "exe": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00",
    "elf": _elf(),
    "mach-o": b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 64,
    "shell": b"#!/bin/sh\nrm -rf ~\n",
    "python": b"#!/usr/bin/env python3\nimport os\n",
}


@pytest.mark.parametrize("name", PROGRAMS)
def test_programs_and_scripts_refused(name):
    assert "Không nhận tệp chương trình" in refused(PROGRAMS[name])


ACTIVE_PDFS = {
    "open-action-js": pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert\\(1\\))>>"),
    "js-in-names": pdf_with(b"/Names<</JavaScript 3 0 R>>", b"<</Names[(a) 4 0 R]>>", b"<</S/JavaScript/JS(x)>>"),
    "page-aa": pdf_with(b"/AA<</O 3 0 R>>", b"<</S/GoTo/D[0/Fit]>>"),
    "hex-escaped-name": pdf_with(b"/OpenAction<</S/J#61vaScript/J#53(app.alert\\(1\\))>>"),
    "launch": pdf_with(b"/OpenAction<</S/Launch/F(cmd.exe)>>"),
    "embedded-file": pdf_with(b"/Names<</EmbeddedFiles 3 0 R>>", b"<</Names[(a.exe) 4 0 R]>>"),
    "xfa": pdf_with(b"/AcroForm<</XFA 3 0 R>>", b"<</Length 0>>stream\n\nendstream"),
    "js-in-object-stream": pdf_with(b"/OpenAction 10 0 R", pdf_object_stream(b"<</S/JavaScript/JS(app.alert(1))>>")),
}


@pytest.mark.parametrize("name", ACTIVE_PDFS)
def test_pdf_that_can_run_something_refused(name):
    assert "JavaScript" in refused(ACTIVE_PDFS[name])


@pytest.mark.parametrize("data", [
    pdf_with(b"", trailer_extra=b"/Encrypt 3 0 R"),
    # An object stream packed in a way not unpacked here could hide a script.
    pdf_with(b"", b"<</Type/ObjStm/N 1/First 5/Filter/ASCII85Decode/Length 3>>stream\nabc\nendstream"),
    pdf_with(b"", b"<</Type/ObjStm/N 1/First 5/Filter/FlateDecode/Length 3>>stream\nnot zlib\nendstream"),
], ids=["encrypted", "ascii85-object-stream", "broken-object-stream"])
def test_pdf_that_cannot_be_looked_into_refused(data):
    assert "không kiểm tra được" in refused(data)


@pytest.mark.parametrize("parts", [
    {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
    {"word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0"},
    {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"},
    {"word/_rels/settings.xml.rels": '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                                     'officeDocument/2006/relationships/attachedTemplate" Target="http://evil.example/'
                                     't.dotm" TargetMode="External"/></Relationships>'},
], ids=["macro", "activex", "ole-object", "remote-template"])
def test_word_document_that_can_run_code_refused(parts):
    assert "macro" in refused(docx_with(parts))


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"plain text pretending to be a pdf",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        docx_bytes(macro=True),
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG signature with garbage after it
        b"",
    ],
    ids=["html", "text", "svg", "docm", "broken-png", "empty"],
)
def test_bad_content_refused(data):
    with pytest.raises(UploadRejected):
        check_upload(data)


def test_size_enforced():
    big = pdf_bytes() + b"%" + b"x" * (2 * 1024 * 1024)
    assert "lớn hơn 2 MB" in refused(big)


# --- the virus scanner ------------------------------------------------------------------------

def infected_pdf() -> bytes:
    """A well-formed PDF carrying the EICAR test string (clean for every other check)."""
    return pdf_with(b"/Lang(" + EICAR.replace(b"(", b"\\(").replace(b")", b"\\)") + b")")


class TestScanner:
    @pytest.fixture
    def scanner_command(self, tmp_path):
        return fake_scanner(tmp_path)

    def test_clean_file_passes(self):
        assert check_upload(pdf_bytes()).extension == "pdf"
        assert check_upload(png_bytes()).extension == "png"

    def test_infected_file_refused_with_a_clear_message(self):
        assert infected_pdf().startswith(b"%PDF-")
        assert refused(infected_pdf()) == "Tệp có dấu hiệu nhiễm mã độc, không được tiếp nhận."

    def test_name_in_the_message_when_known(self):
        with pytest.raises(UploadRejected, match="Tệp “ghi-am.mp3” có dấu hiệu nhiễm mã độc"):
            scan_for_malware(b"ID3" + EICAR, "ghi-am.mp3")


class TestBrokenScanner:
    @pytest.fixture
    def scanner_command(self, tmp_path):
        return fake_scanner(tmp_path, broken=True)

    def test_an_error_refuses_the_file(self):
        assert refused(pdf_bytes()).startswith("Chưa kiểm tra được tệp bằng phần mềm diệt virus")


class TestMissingScanner:
    @pytest.fixture
    def scanner_command(self, tmp_path):
        return f"{tmp_path}/khong-co-clamdscan --no-summary -"

    def test_a_missing_program_refuses_the_file(self):
        assert refused(pdf_bytes()).startswith("Chưa kiểm tra được tệp bằng phần mềm diệt virus")


class TestSlowScanner:
    @pytest.fixture
    def scanner_command(self, tmp_path):
        script = tmp_path / "slow-scanner"
        script.write_text("#!/bin/sh\nexec sleep 10\n")
        script.chmod(0o755)
        return str(script)

    @pytest.fixture(autouse=True)
    def ctx(self, scanner_command):
        app = create_app(make_config(CLAMDSCAN_COMMAND=scanner_command, CLAMDSCAN_TIMEOUT=0.5))
        with app.test_request_context():
            yield

    def test_a_time_out_refuses_the_file(self):
        assert refused(pdf_bytes()).startswith("Chưa kiểm tra được tệp bằng phần mềm diệt virus")


def test_no_scanner_configured_means_no_scan():
    assert check_upload(infected_pdf()).extension == "pdf"
