"""The plugin contract: discovery, the start-up checks, settings and dependencies."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint

import pytest
from django.apps import apps

from cms.plugins import PluginConfig, PluginError, discovery, get_plugin, get_plugins


def make_config(**attrs):
    base = {
        "label": "probe",
        "verbose_name": "探针",
        "english_name": "Probe",
        "version": "1.0.0",
        "core_version": ">=0.1,<1",
    }
    base.update(attrs)
    cls = type("ProbeConfig", (PluginConfig,), base)
    return lambda: cls("lianxi_probe", sys.modules["lianxi_example"])


def test_the_example_plugin_is_discovered_and_declared():
    plugin = get_plugin("example")
    assert plugin in get_plugins()
    assert plugin.english_name == "Example" and str(plugin.verbose_name) == "示例"
    assert plugin.plugin_settings == {"PAGE_SIZE": 20, "GREETING": "你好"}


def test_compatible_range_passes_and_incompatible_range_stops_start_up():
    make_config()()  # the current core satisfies ">=0.1,<1"
    with pytest.raises(PluginError) as info:
        make_config(core_version=">=2,<3")()
    assert "'probe'" in str(info.value) and ">=2,<3" in str(info.value)
    with pytest.raises(PluginError, match="not a PEP 440 version range"):
        make_config(core_version="two")()
    with pytest.raises(PluginError, match="not a PEP 440 version"):
        make_config(version="one")()


def test_missing_declarations_are_named():
    with pytest.raises(PluginError, match="declares no english_name"):
        make_config(english_name="")()
    with pytest.raises(PluginError, match="lower-case Python identifier"):
        make_config(label="Probe")()


def test_required_settings_and_defaults(settings):
    factory = make_config(required_settings=("SENDER",), default_settings={"LIMIT": 3})
    with pytest.raises(PluginError, match=r"LIANXI_PLUGINS_CONFIG\['probe'\]\['SENDER'\]"):
        factory()
    settings.LIANXI_PLUGINS_CONFIG = {"probe": {"SENDER": "人大", "LIMIT": 5}}
    assert factory().plugin_settings == {"SENDER": "人大", "LIMIT": 5}


def test_dependencies_must_be_installed_plugins():
    make_config(dependencies=("example",))().ready()
    with pytest.raises(PluginError, match="'absent', which is not installed"):
        make_config(dependencies=("absent",))().ready()
    with pytest.raises(PluginError, match="not a Lianxi plugin"):
        make_config(dependencies=("content",))().ready()


def test_discovered_label_must_match_the_declared_one(settings):
    settings.LIANXI_PLUGIN_LABELS = {"lianxi_probe": "other"}
    with pytest.raises(PluginError, match="discovered as 'other'"):
        make_config()()


def fake_entry_points(*points):
    def entry_points(group):
        return [EntryPoint(name, value, group) for name, value in points]

    return entry_points


def test_discovery_lists_settings_and_entry_points_minus_excluded(monkeypatch):
    monkeypatch.setattr(
        discovery,
        "entry_points",
        fake_entry_points(("hello", "lianxi_hello.apps:HelloConfig"), ("old", "lianxi_old")),
    )
    found = discovery.discover_plugins(["plugins.suggestions"], exclude=["old"])
    assert [(p.label, p.app) for p in found] == [
        ("suggestions", "plugins.suggestions"),
        ("hello", "lianxi_hello.apps.HelloConfig"),
    ]
    apps_, labels = discovery.plugin_apps(["plugins.suggestions"], ["suggestions", "hello"])
    assert apps_ == ["lianxi_old"] and labels == {"lianxi_old": "old"}


def test_two_plugins_claiming_one_label_stop_start_up(monkeypatch):
    monkeypatch.setattr(
        discovery, "entry_points", fake_entry_points(("hello", "lianxi_hello.apps:HelloConfig"))
    )
    with pytest.raises(discovery.PluginDiscoveryError, match="'hello' is claimed twice"):
        discovery.discover_plugins(["plugins.hello"])


def test_discovery_imports_nothing_from_django_apps():
    source = discovery.__loader__.get_source(discovery.__name__)
    assert "import django" not in source and "from django" not in source
    assert apps.get_app_config("pluginregistry").name == "cms.plugins"


def test_openapi_enum_names_are_added_and_clashes_stop_start_up(settings):
    settings.SPECTACULAR_SETTINGS = {"ENUM_NAME_OVERRIDES": {"TakenEnum": ["a", "b"]}}
    make_config(openapi_enum_names={"ProbeColourEnum": ["red", "green"]})().ready()
    overrides = settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
    assert overrides == {"TakenEnum": ["a", "b"], "ProbeColourEnum": ["red", "green"]}
    with pytest.raises(PluginError, match="'TakenEnum' is already taken"):
        make_config(openapi_enum_names={"TakenEnum": ["x"]})().ready()
