"""Signals of the site group that other core apps and plugins may listen to."""

from django.dispatch import Signal

#: Sent after ``provision_site`` created or updated a site; ``profile`` and
#: ``created`` are passed. The review app attaches the site's workflow here. The
#: site's staff groups already hold their roles' model permissions
#: (``cms.sitegroup.role_permissions``).
site_provisioned = Signal()

#: Sent after ``ensure_township_staff`` created or repaired a township column's
#: staff group; ``page`` (the ``TownshipPage``), ``group`` and ``profile`` (the
#: county) are passed. The group already holds its role's model permissions
#: (``cms.sitegroup.role_permissions``).
township_provisioned = Signal()
