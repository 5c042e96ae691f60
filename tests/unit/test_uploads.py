"""Uploads are identified by content, images lose their EXIF, bad files are refused."""
import io

import pytest
from PIL import Image

from app import create_app
from app.storage.inspect import UploadRejected, check_upload
from config import TestingConfig
from tests.files import docx_bytes, jpeg_with_gps, pdf_bytes, png_bytes, zip_bytes


@pytest.fixture(autouse=True)
def ctx():
    app = create_app(TestingConfig)
    with app.test_request_context():
        yield


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


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable",
        b"<html><script>alert(1)</script></html>",
        b"plain text pretending to be a pdf",
        zip_bytes(),
        docx_bytes(macro=True),
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG signature with garbage after it
        b"",
    ],
    ids=["exe", "html", "text", "zip", "docm", "broken-png", "empty"],
)
def test_bad_content_refused(data):
    with pytest.raises(UploadRejected):
        check_upload(data)
