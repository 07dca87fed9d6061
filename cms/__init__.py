"""Lianxi, the people's congress site-group CMS: the core Django project."""

#: The core's version. Plugins declare a PEP 440 range on it
#: (``PluginConfig.core_version``, e.g. ``">=0.1,<1"``), checked at start-up.
__version__ = "0.1.0"
