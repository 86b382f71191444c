"""One helper for every image people upload in participation (process images, proposal images).

`clean_image(uploaded_file)` checks the real type by content (Pillow decodes it; the file name and the declared
content type are not trusted), refuses anything but JPEG, PNG and WebP, bounds the file size and the pixel count
(against decompression bombs), applies the EXIF orientation, then re-encodes the pixels into a new file: EXIF (GPS
position, camera serial number…), XMP, IPTC and comments are not copied. The result is a ContentFile ready to be saved
in an ImageField.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from auzolan.core.errors import ValidationError

#: Largest file accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: Largest image accepted, in pixels (width × height): 40 megapixels covers any phone photo.
MAX_PIXELS = 40_000_000
#: Images larger than this on their longest side are scaled down (enough for any page of the platform).
MAX_SIDE = 2400

#: Pillow format → (file extension, save options)
FORMATS = {
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}


def _fail(message: str) -> ValidationError:
    return ValidationError(message, code="invalid-image", field="image")


def clean_image(uploaded_file, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> ContentFile:
    """Check and re-encode an uploaded image; raises ValidationError (French message) when it is refused."""
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, io.SEEK_END)
        size = uploaded_file.tell()
    if size == 0:
        raise _fail(_("Le fichier image est vide."))
    if size > max_bytes:
        raise _fail(_("L'image est trop lourde (%(size)s Mo au plus).") % {"size": f"{max_bytes / (1024 * 1024):g}"})
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _fail(_("L'image est trop lourde (%(size)s Mo au plus).") % {"size": f"{max_bytes / (1024 * 1024):g}"})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format not in FORMATS:
                    raise _fail(_("Format d'image non accepté : envoyez une image JPEG, PNG ou WebP."))
                if width * height > max_pixels:
                    raise _fail(
                        _("L'image est trop grande (%(max)s millions de pixels au plus).")
                        % {"max": f"{max_pixels / 1_000_000:g}"}
                    )
                probe.verify()
            # verify() leaves the image unusable: open it again to decode the pixels.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                extension, options = FORMATS[image_format]
                if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                if image_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    image = image.convert("RGBA")
                # A fresh image holding only the pixels (and the palette): no info dictionary is carried over.
                clean = Image.new(image.mode, image.size)
                if image.mode == "P":
                    clean.putpalette(image.getpalette())
                    if "transparency" in image.info:
                        options = {**options, "transparency": image.info["transparency"]}
                clean.paste(image)
                output = io.BytesIO()
                clean.save(output, format=image_format, **options)
    except ValidationError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _fail(
            _("L'image est trop grande (%(max)s millions de pixels au plus).") % {"max": f"{max_pixels / 1_000_000:g}"}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _fail(_("Ce fichier n'est pas une image lisible : envoyez une image JPEG, PNG ou WebP.")) from None
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
