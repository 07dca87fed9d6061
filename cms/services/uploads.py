"""Attachments users send through the API: the one place that checks and stores them.

    from cms.services import uploads
    upload = uploads.store(request.FILES["file"], site=site, owner=request.user)

* Allowed types by their **content**, not their name (``LIANXI_UPLOAD_TYPES``:
  JPEG, PNG, WebP, GIF images and PDF by default) and a size cap
  (``LIANXI_UPLOAD_MAX_BYTES``, 10 MB); a refusal raises :class:`UploadError`
  with a Chinese message. A plugin storing other media passes its own
  ``types`` (among :data:`KNOWN`: MP4 video, M4A and MP3 audio too) and
  ``max_bytes``: a course's lesson video is checked and kept here as well::

      uploads.store(file, site=site, owner=user, types=["video/mp4"], max_bytes=500 << 20)

  Documents and media are written to storage in chunks (a large video is never
  read into memory) with their SHA-256 computed on the way.
* Images are decoded and re-encoded with Pillow: EXIF (camera, time, GPS
  location) and any other metadata are dropped, and a file that only looks
  like an image is refused. Very large images are refused before decoding
  (decompression bombs).
* Stored privately under ``MEDIA_ROOT/uploads/`` with a random name, served
  only through ``/api/v1/uploads/<token>/`` to the owner, the site's staff and
  whoever a plugin's reader check admits (:func:`register_reader`: a reply's
  attachment for the deputy it answers), until the plugin marks it ``public``
  (after moderation). :func:`may_read` is that one rule.
"""

from __future__ import annotations

import hashlib
import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

__all__ = ["KNOWN", "UploadError", "discard", "may_read", "register_reader", "sniff", "store"]

#: content type → (extension, Pillow format or None for documents)
KNOWN = {
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "image/webp": (".webp", "WEBP"),
    "image/gif": (".gif", "GIF"),
    "application/pdf": (".pdf", None),
    "video/mp4": (".mp4", None),
    "audio/mp4": (".m4a", None),
    "audio/mpeg": (".mp3", None),
}
#: What the API's attachments take unless ``LIANXI_UPLOAD_TYPES`` says otherwise.
DEFAULT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf")
MAX_PIXELS = 40_000_000


class UploadError(ValueError):
    """The file was refused; the message says why, in Chinese."""


#: Plugins' checks ``(user, upload) -> bool``: may this (logged-in) user read this private file?
_readers: list = []


def register_reader(check) -> None:
    """Called by a plugin in ``ready()``: ``check(user, upload)`` admits the users its records
    give a private upload to (the deputy a reply answers, the unit an item is assigned to)."""
    if check not in _readers:
        _readers.append(check)


def may_read(request, upload) -> bool:
    """Public uploads for anyone; private ones for the owner, the site's staff, and the users
    a plugin's reader check admits. Anyone else is told the file does not exist."""
    if upload.public:
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    if upload.owner_id == user.pk:
        return True
    from cms.sitegroup.access import site_access

    if site_access(request).can_manage(upload.site_id):
        return True
    return any(check(user, upload) for check in _readers)


def allowed_types() -> list[str]:
    return list(getattr(settings, "LIANXI_UPLOAD_TYPES", None) or DEFAULT_TYPES)


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":  # ISO base media: the brand says audio-only (M4A) or not
        return "audio/mp4" if head[8:12] in (b"M4A ", b"M4B ") else "video/mp4"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"  # an ID3 tag or an MPEG audio frame header
    return None


def type_names(types) -> str:
    """``JPG、PNG、PDF``: the extensions of ``types``, for a refusal's message."""
    return "、".join(KNOWN[t][0].lstrip(".").upper() for t in types if t in KNOWN)


def sniff(file) -> str | None:
    """The type of an uploaded file by its first bytes (the position is kept at 0)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    return _sniff(head)


def _reencode(data: bytes, fmt: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UploadError("图片尺寸过大。")
            image.load()
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 88, "optimize": True} if fmt in ("JPEG", "WEBP") else {}
            image.save(out, fmt, **options)  # no exif=, no info: the metadata stays behind
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise UploadError("图片文件已损坏或不是图片。") from None


def store(file, *, site, owner=None, types=None, max_bytes=None):
    """Check, clean and keep one uploaded file; returns the ``Upload`` row.

    ``types``: the content types accepted (default :func:`allowed_types`), among
    :data:`KNOWN`; ``max_bytes``: the size cap (default ``LIANXI_UPLOAD_MAX_BYTES``)."""
    from cms.moderation.models import Upload

    cap = int(max_bytes or getattr(settings, "LIANXI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    too_big = f"文件不能超过 {cap // (1024 * 1024)} MB。"
    if file.size is not None and file.size > cap:
        raise UploadError(too_big)
    accepted = list(types) if types else allowed_types()
    kind = sniff(file)
    if kind is None or kind not in accepted or kind not in KNOWN:
        raise UploadError(f"不支持的文件类型,只能上传 {type_names(accepted)}。")
    extension, fmt = KNOWN[kind]
    token = secrets.token_hex(16)
    if fmt is not None:  # an image: decoded and re-encoded, in memory (it is small)
        data = file.read(cap + 1)
        if len(data) > cap:
            raise UploadError(too_big)
        data = _reencode(data, fmt)
        content, size, digest = ContentFile(data), len(data), hashlib.sha256(data).hexdigest()
    else:  # a document or media: checked and written as it is, chunk by chunk
        digest_of, size = hashlib.sha256(), 0
        for chunk in (
            file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 16), b"")
        ):
            digest_of.update(chunk)
            size += len(chunk)
            if size > cap:
                raise UploadError(too_big)
        file.seek(0)
        content, digest = file, digest_of.hexdigest()
    upload = Upload(
        site=getattr(site, "site", site),
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        token=token,
        name=(getattr(file, "name", "") or f"附件{extension}")[-200:],
        content_type=kind,
        size=size,
        sha256=digest,
        extension=extension,
    )
    upload.file.save(f"{token}{extension}", content, save=False)
    upload.save()
    return upload


def discard(upload) -> None:
    """Delete an upload and its stored file (when the record it belonged to lets it go)."""
    if upload is None:
        return
    upload.file.delete(save=False)
    upload.delete()
