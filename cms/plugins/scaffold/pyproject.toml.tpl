[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "${dist_name}"
version = "0.1.0"
description = "${english_name}: a Lianxi plugin (${verbose_name})"
readme = "README.md"
requires-python = ">=3.11"
# The Lianxi core is the host project, not a dependency on PyPI; its versions
# are checked at start-up against PluginConfig.core_version.
dependencies = []

[project.entry-points."lianxi.plugins"]
${label} = "${package}.apps:${camel}Config"

[tool.setuptools.packages.find]
include = ["${package}*"]

[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "cms.settings"
testpaths = ["tests"]
