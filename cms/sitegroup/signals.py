"""Signals of the site group that other core apps and plugins may listen to."""

from django.dispatch import Signal

#: Sent after ``provision_site`` created or updated a site; ``profile`` and
#: ``created`` are passed. The review app attaches the site's workflow here.
site_provisioned = Signal()
