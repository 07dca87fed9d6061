"""Checks run *inside* the project process that discovered an installed plugin package.

``test_plugin_external_package.py`` copies this file next to the scaffolded
package's own tests and runs them together in a fresh process, so Django's
start-up (settings, discovery, migrations) is the real one.
"""

import os

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cms.plugins import PluginConfig, set_enabled
from cms.plugins.testing import ensure_sites

LABEL = os.environ["LIANXI_EXTERNAL_LABEL"]


def test_discovered_through_the_entry_point():
    config = apps.get_app_config(LABEL)
    assert isinstance(config, PluginConfig)
    assert f"lianxi_{LABEL}.apps.{LABEL.title()}Config" in settings.INSTALLED_APPS
    assert settings.LIANXI_PLUGIN_LABELS[f"lianxi_{LABEL}.apps.{LABEL.title()}Config"] == LABEL


def test_migrated(db):
    model = apps.get_model(LABEL, "Entry")
    assert model._meta.db_table in connection.introspection.table_names()
    assert MigrationRecorder.Migration.objects.filter(app=LABEL, name="0001_initial").exists()


def test_served_documented_and_switched_per_site(client, db, settings):
    settings.SECURE_SSL_REDIRECT = False
    province, city = ensure_sites()
    url = f"/api/v1/{LABEL}/entries/"
    assert client.get(f"{url}?site={city.division_code}").status_code == 200
    assert url in client.get("/api/v1/schema/?format=json").json()["paths"]
    set_enabled(LABEL, city, False)
    assert client.get(f"{url}?site={city.division_code}").status_code == 404
    assert client.get(f"{url}?site={province.division_code}").status_code == 200
