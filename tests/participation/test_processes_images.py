"""The shared image helper: type checked by content, size and pixel limits, metadata (GPS EXIF) stripped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from auzolan.core.errors import ValidationError
from auzolan.participation.images import clean_image

GPS_IFD = 0x8825


def _jpeg_with_gps(size=(64, 48), orientation=None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0131] = "SecretSoftware"  # Software
    exif[GPS_IFD] = {1: "N", 2: (43.0, 29.0, 0.0), 3: "W", 4: (1.0, 28.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif, comment=b"secret comment")
    return output.getvalue()


def _upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_gps_exif_is_removed_from_jpeg():
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the fixture really carries a GPS position
    cleaned = clean_image(_upload(original))
    data = cleaned.read()
    with Image.open(io.BytesIO(data)) as after:
        assert after.format == "JPEG"
        assert after.size == (64, 48)
        exif = after.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert len(exif) == 0
        assert "exif" not in after.info
        assert "comment" not in after.info
    assert b"CameraMaker" not in data and b"SecretSoftware" not in data and b"secret comment" not in data
    assert cleaned.name.endswith(".jpg") and "photo" not in cleaned.name


def test_exif_orientation_is_applied_before_stripping():
    cleaned = clean_image(_upload(_jpeg_with_gps(size=(60, 20), orientation=6)))
    with Image.open(cleaned) as after:
        assert after.size == (20, 60)


def test_png_text_chunks_and_webp_exif_are_removed():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "43.48N 1.47W")
    output = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(output, format="PNG", pnginfo=info)
    cleaned = clean_image(_upload(output.getvalue(), "a.png", "image/png")).read()
    assert b"43.48N" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == "PNG" and after.mode == "RGBA"

    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (43.0, 29.0, 0.0)}
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, format="WEBP", exif=exif)
    cleaned = clean_image(_upload(output.getvalue(), "a.webp", "image/webp"))
    with Image.open(cleaned) as after:
        assert after.format == "WEBP"
        assert not after.getexif().get_ifd(GPS_IFD)


def test_type_is_checked_by_content_not_name():
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, format="GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG ou WebP"):
        clean_image(_upload(output.getvalue(), "innocent.jpg"))
    with pytest.raises(ValidationError, match="pas une image"):
        clean_image(_upload(b"<svg onload=alert(1)></svg>", "x.jpg"))
    with pytest.raises(ValidationError, match="pas une image"):
        clean_image(_upload(_jpeg_with_gps()[:200], "truncated.jpg"))
    with pytest.raises(ValidationError, match="vide"):
        clean_image(_upload(b"", "empty.jpg"))


def test_size_and_pixel_limits():
    data = _jpeg_with_gps()
    with pytest.raises(ValidationError, match="trop lourde"):
        clean_image(_upload(data), max_bytes=len(data) - 1)
    with pytest.raises(ValidationError, match="trop grande"):
        clean_image(_upload(data), max_pixels=64 * 48 - 1)
    # A decompression bomb: small file, huge declared dimensions.
    output = io.BytesIO()
    Image.new("1", (12000, 12000)).save(output, format="PNG")
    assert len(output.getvalue()) < 5 * 1024 * 1024
    with pytest.raises(ValidationError, match="trop grande"):
        clean_image(_upload(output.getvalue(), "bomb.png", "image/png"))
