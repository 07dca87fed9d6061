"""A frontend cache (CDN) backend for tests: records the URLs it is asked to purge."""

from wagtail.contrib.frontend_cache.backends import BaseBackend

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    def purge(self, url) -> None:
        PURGED.append(url)
