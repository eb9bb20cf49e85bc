"""Checking uploaded attachments by their content, and re-encoding photos (pure: no ORM).

A file is accepted only when its extension is one we take AND its bytes are of that kind: a
program renamed to `.pdf`, or a PNG called `.docx`, is refused. Images are decoded and saved
again with Pillow: what is stored has no EXIF (no GPS, no camera data), is at most
`IMAGE_MAX_SIDE` pixels on its longer side, and has a thumbnail. Anything refused raises
`ValidationError` before a single byte is stored.
"""

import io
import zipfile
from dataclasses import dataclass

import olefile
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILES = 10
MAX_FILE_SIZE = 10 * 1024 * 1024
IMAGE_MAX_SIDE = 2000
THUMBNAIL_SIDE = 320
# A photo of 10 MB never has more; a "decompression bomb" has far more.
IMAGE_MAX_PIXELS = 60_000_000

IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
OOXML = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
OLE = {"doc", "xls", "ppt"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    **ODF,
}
ACCEPTED_EXTENSIONS = sorted([*IMAGE_FORMATS, *CONTENT_TYPES])


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the name to show (an image's extension becomes .jpg)
    content_type: str
    data: bytes
    thumbnail: bytes | None = None


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def clean_name(name: str) -> str:
    """The uploaded name without folders or control characters, at most 255 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    if len(name) > 255:
        stem, _dot, ext = name.rpartition(".")
        name = f"{stem[: 250 - len(ext)]}.{ext}" if stem else name[:255]
    return name


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _is_odf(data: bytes, ext: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip() == ODF[ext]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def content_matches(data: bytes, ext: str) -> bool:
    """Are these bytes really a file of this (document) extension?"""
    if ext == "pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if ext in OOXML:
        names = _zip_names(data)
        return (
            bool(names)
            and "[Content_Types].xml" in names
            and any(n.startswith(OOXML[ext]) for n in names)
        )
    if ext in ODF:
        return _is_odf(data, ext)
    if ext in OLE:
        return data[:8] == olefile.MAGIC and olefile.isOleFile(io.BytesIO(data))
    return False


def _image_reencoded(data: bytes, ext: str, name: str) -> CheckedFile:
    wrong = ValidationError(
        _("“%(name)s” is not an image, whatever its name says.") % {"name": name},
        code="wrong_type",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != IMAGE_FORMATS[ext] and not (
                ext in ("jpg", "jpeg") and probe.format == "MPO"
            ):
                raise wrong
            if probe.width * probe.height > IMAGE_MAX_PIXELS:
                raise wrong
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            else:
                image = image.convert("RGB")
            image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            full = io.BytesIO()
            image.save(full, "JPEG", quality=85, optimize=True)
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            thumb = io.BytesIO()
            image.save(thumb, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise wrong from None
    stem = name.rsplit(".", 1)[0]
    return CheckedFile(
        name=f"{stem}.jpg",
        content_type="image/jpeg",
        data=full.getvalue(),
        thumbnail=thumb.getvalue(),
    )


def attachments_check(files: list) -> list[CheckedFile]:
    """Check every uploaded file (too many, too big, not what its extension says) and return
    what is to be stored; refuse all of them at the first problem."""
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("At most %(max)d files may be attached; you chose %(count)d.")
            % {"max": MAX_FILES, "count": len(files)},
            code="too_many",
        )
    checked = []
    for upload in files:
        name = clean_name(upload.name or "")
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("“%(name)s” is %(size)s: a file may be at most %(max)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "max": filesizeformat(MAX_FILE_SIZE),
                },
                code="too_big",
            )
        ext = extension_of(name)
        if ext not in IMAGE_FORMATS and ext not in CONTENT_TYPES:
            raise ValidationError(
                _(
                    "“%(name)s”: this kind of file is not accepted. Attach photos (JPEG, PNG), "
                    "PDF or office documents."
                )
                % {"name": name},
                code="wrong_type",
            )
        upload.seek(0)
        data = upload.read(MAX_FILE_SIZE + 1)
        if len(data) > MAX_FILE_SIZE:
            raise ValidationError(
                _("“%(name)s” is %(size)s: a file may be at most %(max)s.")
                % {
                    "name": name,
                    "size": filesizeformat(len(data)),
                    "max": filesizeformat(MAX_FILE_SIZE),
                },
                code="too_big",
            )
        if ext in IMAGE_FORMATS:
            checked.append(_image_reencoded(data, ext, name))
            continue
        if not content_matches(data, ext):
            raise ValidationError(
                _("“%(name)s” is not a %(kind)s file, whatever its name says.")
                % {"name": name, "kind": ext.upper()},
                code="wrong_type",
            )
        checked.append(CheckedFile(name=name, content_type=CONTENT_TYPES[ext], data=data))
    return checked
