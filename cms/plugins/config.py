"""``PluginConfig``: what a plugin declares about itself, checked at start-up.

A plugin is a Django app whose ``AppConfig`` subclasses :class:`PluginConfig`.
The declaration is read and checked when Django creates the app config (before
the plugin's models are imported), so a plugin built for another core version
or missing a required setting stops start-up with :class:`PluginError` naming
the plugin and the problem, instead of failing later in some import.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, ClassVar

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

import cms

# Staff roles a plugin may grant model permissions to (``PluginConfig.group_permissions``):
# a site's three groups and a township column's staff group. Owned and applied by
# ``cms.sitegroup.role_permissions``, for the core apps and the plugins alike.
from cms.sitegroup.role_permissions import ROLES, SITE_ROLES, TOWNSHIP_ROLE  # noqa: F401


class PluginError(ImproperlyConfigured):
    """A plugin cannot run in this installation; the message says which and why."""

    def __init__(self, plugin: str, problem: str):
        self.plugin = plugin
        self.problem = problem
        super().__init__(f"Plugin {plugin}: {problem}")


class PluginConfig(AppConfig):
    """Base ``AppConfig`` of every Lianxi plugin.

    Declare on the subclass (``label``, ``verbose_name``, ``english_name``,
    ``version`` and ``core_version`` are required)::

        class HelloConfig(PluginConfig):
            default = True                   # Django picks this class for the app
            name = "plugins.hello"
            label = "hello"                  # URL prefix /api/v1/hello/, entry-point name
            verbose_name = _("问候")          # Chinese name, shown in the admin
            english_name = "Hello"
            version = "1.0.0"
            core_version = ">=0.1,<1"        # PEP 440 range on cms.__version__
            required_settings = ("SENDER",)  # the operator must set these
            default_settings = {"GREETING": "你好"}
            dependencies = ("other_label",)  # plugins that must be installed too

    Operators configure a plugin in ``LIANXI_PLUGINS_CONFIG[label]``; the
    merged result (defaults overlaid by the operator's values) is
    ``self.plugin_settings``.
    """

    # Django must never pick this base class as the app's default config when
    # a plugin's apps.py imports it next to its own subclass.
    default = False

    english_name: ClassVar[str] = ""
    version: ClassVar[str] = ""
    core_version: ClassVar[str] = ""
    required_settings: ClassVar[tuple[str, ...]] = ()
    default_settings: ClassVar[dict[str, Any]] = {}
    dependencies: ClassVar[tuple[str, ...]] = ()
    #: Whether a site with no switch row has the plugin on.
    enabled_by_default: ClassVar[bool] = True
    #: Module (relative to the plugin package) whose ``urlpatterns`` are mounted
    #: under ``/api/v1/<label>/``; ``None`` for no API. A missing module is fine.
    api_urls: ClassVar[str | None] = "api"
    #: Module with ``load_demo(profile)``, called for each site it is enabled on.
    demo_module: ClassVar[str | None] = "demo"
    #: Module with search documents, read by the search/ package.
    search_module: ClassVar[str | None] = "search"
    #: Module with ``api_examples(recorder)``: the example payloads of the plugin's
    #: routes in ``frontend_contracts/examples/`` (see ``cms.plugins.examples``).
    examples_module: ClassVar[str | None] = "examples"
    #: Model permissions each staff role holds: ``{"editors": ("app.add_thing", ...)}``;
    #: roles are ``ROLES`` (a site's editors and reviewers, a township's staff). Applied
    #: by ``cms.sitegroup.role_permissions`` like the core apps' own declarations, kept
    #: exact: on every ``migrate`` and provisioning a role's groups get these and lose
    #: the plugin's permissions that are not listed.
    group_permissions: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: Names for the OpenAPI enums of the plugin's choice fields, as drf-spectacular's
    #: ``ENUM_NAME_OVERRIDES``: ``{"HelloColourEnum": "plugins.hello.models.Colour"}`` (a
    #: ``TextChoices`` class, its dotted path, or a list of values).
    #: Without a name, two choice sets with the same field name get hash-suffixed names.
    openapi_enum_names: ClassVar[dict[str, str | list]] = {}

    plugin_settings: dict[str, Any]

    def __init__(self, app_name: str, app_module: ModuleType | None):
        super().__init__(app_name, app_module)
        self.check_declaration()
        self.check_core_version()
        self.plugin_settings = self.load_settings()

    # --- start-up checks --------------------------------------------------

    @property
    def display(self) -> str:
        return f"{self.label!r} ({self.name})"

    def fail(self, problem: str) -> PluginError:
        return PluginError(self.display, problem)

    def check_declaration(self) -> None:
        cls = type(self)
        for attr in ("label", "verbose_name", "english_name", "version", "core_version"):
            value = getattr(self, attr, None)
            # Lazy translations (verbose_name) must not be evaluated this early.
            if not self._declares(attr) or value is None or (isinstance(value, str) and not value):
                raise self.fail(f"declares no {attr}.")
        if not self.label.isidentifier() or self.label != self.label.lower():
            raise self.fail("the label must be a lower-case Python identifier.")
        try:
            Version(self.version)
        except InvalidVersion:
            raise self.fail(f"version {self.version!r} is not a PEP 440 version.") from None
        discovered = getattr(settings, "LIANXI_PLUGIN_LABELS", {})
        expected = discovered.get(self.name) or discovered.get(
            f"{cls.__module__}.{cls.__qualname__}"
        )
        if expected and expected != self.label:
            raise self.fail(
                f"was discovered as {expected!r} (package directory or entry-point name) "
                f"but declares label {self.label!r}; they must be the same."
            )

    @classmethod
    def _declares(cls, attr: str) -> bool:
        return any(
            attr in klass.__dict__
            for klass in cls.__mro__
            if issubclass(klass, PluginConfig) and klass is not PluginConfig
        )

    def check_core_version(self) -> None:
        try:
            spec = SpecifierSet(self.core_version)
        except InvalidSpecifier:
            raise self.fail(
                f"core_version {self.core_version!r} is not a PEP 440 version range."
            ) from None
        if not spec.contains(Version(cms.__version__), prereleases=True):
            raise self.fail(
                f"requires core version {self.core_version}, but this is Lianxi "
                f"{cms.__version__}. Upgrade the plugin or exclude it with "
                f"LIANXI_PLUGINS_EXCLUDE={self.label}."
            )

    def load_settings(self) -> dict[str, Any]:
        configured = getattr(settings, "LIANXI_PLUGINS_CONFIG", {}).get(self.label, {})
        if not isinstance(configured, dict):
            raise self.fail(f"LIANXI_PLUGINS_CONFIG[{self.label!r}] must be a dict.")
        missing = [key for key in self.required_settings if key not in configured]
        if missing:
            raise self.fail(
                "required setting(s) missing: "
                + ", ".join(f"LIANXI_PLUGINS_CONFIG[{self.label!r}][{k!r}]" for k in missing)
                + "."
            )
        return {**self.default_settings, **configured}

    def check_dependencies(self) -> None:
        for label in self.dependencies:
            try:
                other = apps.get_app_config(label)
            except LookupError:
                raise self.fail(
                    f"depends on plugin {label!r}, which is not installed (or is excluded)."
                ) from None
            if not isinstance(other, PluginConfig):
                raise self.fail(f"depends on {label!r}, which is not a Lianxi plugin.")

    def ready(self) -> None:
        self.check_dependencies()
        self.name_openapi_enums()

    def name_openapi_enums(self) -> None:
        """Add ``openapi_enum_names`` to drf-spectacular's overrides (read when the schema is built)."""
        if not self.openapi_enum_names:
            return
        spectacular = getattr(settings, "SPECTACULAR_SETTINGS", None)
        if spectacular is None:
            return
        overrides = spectacular.setdefault("ENUM_NAME_OVERRIDES", {})
        for name, choices in self.openapi_enum_names.items():
            if overrides.get(name, choices) != choices:
                raise self.fail(f"OpenAPI enum name {name!r} is already taken.")
            overrides[name] = choices

    # --- contributions ----------------------------------------------------

    def contribution(self, module: str | None) -> ModuleType | None:
        """The plugin's module ``module`` (e.g. ``"api"``), or ``None`` if it has none.

        An ``ImportError`` raised *inside* an existing module is not swallowed.
        """
        if not module:
            return None
        full = f"{self.name}.{module}"
        try:
            return importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name and (full == exc.name or full.startswith(exc.name + ".")):
                return None
            raise
