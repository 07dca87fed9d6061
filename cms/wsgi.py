"""WSGI entry point (gunicorn cms.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application


def settle() -> None:
    """Load what a first request would, then take the loaded heap out of the collector.

    Django, Wagtail and the plugins leave a few hundred thousand long-lived objects after
    start-up; every full collection walks them all, which put 200–250 ms pauses into one
    request in twenty (measured on the suggestions board). ``gc.freeze()`` moves them to
    the permanent generation, so collections see only what requests allocate. Called
    once per process after the application is built (each gunicorn worker imports this
    module); the benchmarks call it too, to measure what the server does.
    """
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # imports every view module the URLconf names
    gc.collect()
    gc.freeze()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings")
application = get_wsgi_application()
settle()
