"""A new site, or a new township column, gets its congress.

Provisioning a site (``cms.plugins.signals.site_provisioned``) creates the
congress it hosts, if missing: the province site its provincial congress and
the national one (100000, the national deputies elected in the province), a
city its municipal congress, a county its county congress. There is no
township provisioning signal: a township column (乡镇人大) gets its congress
when it is published (Wagtail's ``page_published`` for ``content.TownshipPage``,
sent by ``provision_township`` and by the editors). Both only add what is
missing and never rename or move a congress; terms and deputies are the
office's (or the demo's) to add. Sites with the plugin switched off get
nothing (``plugin_receiver``); ``manage.py load_plugin_demo`` catches up
with sites provisioned while it was off.
"""

from __future__ import annotations

from django.apps import apps
from wagtail.signals import page_published

from cms.plugins.signals import plugin_receiver, site_provisioned

from .congresses import ensure_congress, ensure_site_congresses, township_congress_name
from .models import Level


@plugin_receiver(site_provisioned)
def on_site_provisioned(sender, profile, created, **kwargs) -> None:
    ensure_site_congresses(profile)


@plugin_receiver(page_published, sender=apps.get_model("content", "TownshipPage"))
def on_township_published(sender, instance, **kwargs) -> None:
    site = instance.get_site()
    if site is None:  # not (yet) under a site's root: no congress to host it
        return
    ensure_congress(
        site.pk, instance.division_code, Level.TOWNSHIP, township_congress_name(instance.title)
    )
