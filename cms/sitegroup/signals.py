"""Signals of the site group that other core apps and plugins may listen to."""

from django.dispatch import Signal

#: Sent after ``provision_site`` created or updated a site; ``profile`` and
#: ``created`` are passed. The review app attaches the site's workflow here.
site_provisioned = Signal()

#: Sent after ``ensure_township_staff`` created or repaired a township column's
#: staff group; ``page`` (the ``TownshipPage``), ``group`` and ``profile`` (the
#: county) are passed. The plugin framework grants the ``township_staff`` role here.
township_provisioned = Signal()
