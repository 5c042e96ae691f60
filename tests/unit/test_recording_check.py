"""A recording of an online reception is recognised by its content, never by its name."""
from __future__ import annotations

import pytest

from app import create_app
from app.reception.online import RecordingRejected, check_recording, size_label
from config import TestingConfig
from tests.files import docx_bytes, pdf_bytes, png_bytes, zip_bytes


@pytest.fixture(autouse=True)
def ctx():
    """Messages are translated lazily: they need a request context."""
    app = create_app(TestingConfig)
    with app.test_request_context():
        yield

PAD = b"\x00" * 256


def iso_media(brand: bytes, compatible: bytes) -> bytes:
    """The start of an ISO media file (MP4, M4A): an ftyp box with a major and compatible brands."""
    body = b"ftyp" + brand + (0).to_bytes(4, "big") + compatible
    return (len(body) + 4).to_bytes(4, "big") + body + PAD


SAMPLES = {
    "mp4": (iso_media(b"isom", b"isomiso2avc1mp41"), "video/mp4", "mp4"),
    "m4a": (iso_media(b"M4A ", b"M4A isommp42"), "audio/mp4", "m4a"),
    "webm": (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + PAD, "video/webm", "webm"),
    "mp3-id3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + PAD, "audio/mpeg", "mp3"),
    "mp3-frame": (b"\xff\xfb\x90\x64" + PAD, "audio/mpeg", "mp3"),
    "aac": (b"\xff\xf1\x50\x80\x02\x1f\xfc" + PAD, "audio/aac", "aac"),
    "ogg": (b"OggS\x00\x02" + PAD, "audio/ogg", "ogg"),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_accepted_recordings(name):
    data, mime, extension = SAMPLES[name]
    kind = check_recording(data)
    assert (kind.mime, kind.extension) == (mime, extension)


@pytest.mark.parametrize("data", [
    pdf_bytes(),  # a PDF renamed .mp4 is still a PDF
    png_bytes(),
    docx_bytes(),
    zip_bytes(),
    b"Day la mot tep van ban, khong phai ban ghi.\n" * 20,
    iso_media(b"qt  ", b"qt  "),  # QuickTime: not in the list
    b"RIFF\x24\x00\x00\x00WAVEfmt " + PAD,  # WAV: not in the list
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + PAD,  # Matroska, not WebM
])
def test_refused_files(data):
    with pytest.raises(RecordingRejected, match="Chỉ nhận MP4, WebM, MP3, M4A/AAC hoặc OGG"):
        check_recording(data)


def test_empty_file_refused():
    with pytest.raises(RecordingRejected, match="Tệp rỗng"):
        check_recording(b"")


def test_size_label():
    assert size_label(200 * 1024 * 1024) == "200 MB"
    assert size_label(64 * 1024) == "64 KB"
    assert size_label(10) == "1 KB"
