"""Validation and resizing of uploaded profile photos."""

import io
import uuid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Larger images are refused before decoding, against decompression bombs.
MAX_SOURCE_PIXELS = 40_000_000


class PhotoError(ValueError):
    pass


def read_photo(upload) -> SimpleUploadedFile:
    """Check that `upload` is a real image of an accepted kind and return it resized.

    The result is a square JPEG of GENBO_PHOTO_SIZE_PIXELS with a random name, so
    nothing of the uploaded file's name or metadata (such as GPS position) is kept.
    """
    if upload.size > settings.GENBO_PHOTO_MAX_BYTES:
        raise PhotoError(
            _("The photo is %(size)s; the limit is %(limit)s. Choose a smaller image.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.GENBO_PHOTO_MAX_BYTES),
            }
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
        if kind not in ACCEPTED_FORMATS:
            raise PhotoError(_("The photo must be a JPEG, PNG or WebP image."))
        if width * height > MAX_SOURCE_PIXELS:
            raise PhotoError(_("The photo has too many pixels. Choose a smaller image."))
        upload.seek(0)
        with Image.open(upload) as image:
            # Phones store portraits sideways with an EXIF orientation tag.
            image = ImageOps.exif_transpose(image).convert("RGB")
            side = min(image.size)
            left = (image.width - side) // 2
            top = (image.height - side) // 2
            image = image.crop((left, top, left + side, top + side))
            size = settings.GENBO_PHOTO_SIZE_PIXELS
            image = image.resize((size, size), Image.Resampling.LANCZOS)
            output = io.BytesIO()
            image.save(output, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError(
            _("The file is not an image that can be read. Choose a JPEG, PNG or WebP.")
        ) from None
    return SimpleUploadedFile(f"{uuid.uuid4().hex}.jpg", output.getvalue(), "image/jpeg")
