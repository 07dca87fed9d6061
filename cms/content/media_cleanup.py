"""Files no image, rendition or document refers to: found and removed.

A file is written to storage before the transaction that records it commits
(Wagtail saves the file when it saves the row). When that transaction rolls
back in an orderly way the importer removes what it wrote; when the process is
killed hard (``kill -9``, an out-of-memory kill, a power cut) the files stay
behind with no row pointing at them. Two things clean them up:

* the importer leaves a marker (``imports/running/<id>.json``: host, process,
  start time) in storage while it writes, and removes it at the end; the next
  import finds the marker of a process that no longer runs and deletes the
  unreferenced files written since that import started
  (:func:`recover_interrupted_imports`);
* ``manage.py cleanup_media_files`` deletes every unreferenced file older
  than a grace period (default one hour, so uploads in progress are left
  alone); the scheduler's daily sweep ``content.cleanup_media_files`` does the
  same at 04:00.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import uuid
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cms.services.tasks import task

logger = logging.getLogger("lianxi.media")

MARKER_DIR = "imports/running"
#: Folders of the stored originals, renditions and documents (Wagtail's upload_to).
FOLDERS = ("original_images", "images", "documents")


def _storages():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    Image, Document = get_image_model(), get_document_model()
    Rendition = Image.get_rendition_model()
    return [
        (Image._meta.get_field("file").storage, [Image, Rendition]),
        (Document._meta.get_field("file").storage, [Document]),
    ]


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}")


def orphan_files(*, older_than: dt.timedelta | None = None, since: dt.datetime | None = None):
    """``[(storage, name)]`` of files in the media folders that no row refers to.

    ``older_than``: only files last modified before now minus that; ``since``:
    only files modified at or after that moment.
    """
    now = timezone.now()
    found = []
    seen_storages = []
    for storage, _models in _storages():
        if any(storage is s for s in seen_storages):
            continue
        seen_storages.append(storage)
        referenced: set[str] = set()
        for _s, others in _storages():
            if _s is storage:
                for model in others:
                    referenced.update(model.objects.values_list("file", flat=True))
        for folder in FOLDERS:
            for name in _walk(storage, folder):
                if name in referenced:
                    continue
                try:
                    modified = storage.get_modified_time(name)
                except (NotImplementedError, OSError):
                    continue
                if older_than is not None and modified > now - older_than:
                    continue
                if since is not None and modified < since:
                    continue
                found.append((storage, name))
    return found


def delete_orphans(**kwargs) -> list[str]:
    deleted = []
    for storage, name in orphan_files(**kwargs):
        try:
            storage.delete(name)
        except OSError:
            continue
        deleted.append(name)
    if deleted:
        logger.warning("Removed %d unreferenced media files: %s", len(deleted), deleted[:20])
    return deleted


# --- the importer's marker ---------------------------------------------------------------


def begin_import() -> str:
    """Leave a marker for this import; returns its name (give it to :func:`end_import`)."""
    data = {"host": socket.gethostname(), "pid": os.getpid(), "started": timezone.now().isoformat()}
    name = f"{MARKER_DIR}/{uuid.uuid4().hex}.json"
    return default_storage.save(name, ContentFile(json.dumps(data).encode()))


def end_import(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        pass


def _alive(data: dict) -> bool:
    if data.get("host") != socket.gethostname():
        # Another machine's import: trust it for a day.
        started = dt.datetime.fromisoformat(data["started"])
        return timezone.now() - started < dt.timedelta(days=1)
    try:
        os.kill(int(data["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, TypeError):
        return True
    return True


def recover_interrupted_imports() -> list[str]:
    """Delete the files of imports that were killed before they finished; returns them.

    Only when no other import is running (its uncommitted files have no row yet),
    and only files written since the dead import started.
    """
    try:
        _dirs, names = default_storage.listdir(MARKER_DIR)
    except (FileNotFoundError, NotADirectoryError, OSError):
        return []
    markers = []
    for name in names:
        path = f"{MARKER_DIR}/{name}"
        try:
            with default_storage.open(path) as f:
                data = json.loads(f.read())
        except (OSError, ValueError):
            continue
        markers.append((path, data))
    dead = [(path, data) for path, data in markers if not _alive(data)]
    if not dead or len(dead) < len(markers):
        return []
    since = min(dt.datetime.fromisoformat(data["started"]) for _path, data in dead)
    deleted = delete_orphans(since=since - dt.timedelta(seconds=5),
                             older_than=dt.timedelta(seconds=0))  # fmt: skip
    for path, _data in dead:
        end_import(path)
    return deleted


@task()
def cleanup_media_sweep() -> int:
    """The scheduler's daily sweep: unreferenced files older than an hour."""
    return len(delete_orphans(older_than=dt.timedelta(hours=1)))
