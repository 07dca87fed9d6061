"""Attachments users send through the API: the one place that checks and stores them.

    from cms.services import uploads
    upload = uploads.store(request.FILES["file"], site=site, owner=request.user)

* Allowed types by their **content**, not their name (``LIANXI_UPLOAD_TYPES``:
  JPEG, PNG, WebP, GIF images and PDF by default) and a size cap
  (``LIANXI_UPLOAD_MAX_BYTES``, 10 MB); a refusal raises :class:`UploadError`
  with a Chinese message.
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

__all__ = ["UploadError", "may_read", "register_reader", "store"]

#: content type → (extension, Pillow format or None for documents)
KNOWN = {
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "image/webp": (".webp", "WEBP"),
    "image/gif": (".gif", "GIF"),
    "application/pdf": (".pdf", None),
}
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
    return list(getattr(settings, "LIANXI_UPLOAD_TYPES", None) or KNOWN)


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
    return None


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


def store(file, *, site, owner=None):
    """Check, clean and keep one uploaded file; returns the ``Upload`` row."""
    from cms.moderation.models import Upload

    cap = int(getattr(settings, "LIANXI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    if file.size > cap:
        raise UploadError(f"文件不能超过 {cap // (1024 * 1024)} MB。")
    data = file.read(cap + 1)
    if len(data) > cap:
        raise UploadError(f"文件不能超过 {cap // (1024 * 1024)} MB。")
    kind = _sniff(data[:16])
    if kind is None or kind not in allowed_types():
        names = "、".join(KNOWN[t][0].lstrip(".").upper() for t in allowed_types() if t in KNOWN)
        raise UploadError(f"不支持的文件类型,只能上传 {names}。")
    extension, fmt = KNOWN[kind]
    if fmt is not None:
        data = _reencode(data, fmt)
    upload = Upload(
        site=getattr(site, "site", site),
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        token=secrets.token_hex(16),
        name=(getattr(file, "name", "") or f"附件{extension}")[-200:],
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extension=extension,
    )
    upload.file.save(f"{upload.token}{extension}", ContentFile(data), save=False)
    upload.save()
    return upload
