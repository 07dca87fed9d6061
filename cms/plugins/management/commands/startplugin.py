"""``manage.py startplugin LABEL [--directory DIR]``: a new plugin that works.

Without ``--directory``: an app in this repository, ``plugins/<label>/``, with
its test in ``tests/plugins/<label>/``; add ``"plugins.<label>"`` to
``LIANXI_PLUGINS``. With ``--directory`` outside the repository (or with
``--package``): an installable package ``DIR/`` holding ``lianxi_<label>/``,
``tests/`` and a ``pyproject.toml`` that declares the ``lianxi.plugins`` entry
point, so ``pip install DIR`` is all it takes.

Either way the plugin has a model and its migration, an admin screen, an API
route (``/api/v1/<label>/entries/?site=<code>``), demo data and a passing test.
"""

from __future__ import annotations

import keyword
from pathlib import Path
from string import Template

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader
from packaging.version import Version

import cms

SCAFFOLD_DIR = Path(__file__).resolve().parents[2] / "scaffold"
RESERVED_LABELS = {"plugins", "api", "schema", "sites", "admin", "cms", "core"}


def repo_root() -> Path:
    return Path(settings.BASE_DIR).resolve()


def core_version_range() -> str:
    """The range a new plugin declares: this core's minor version up to the next major."""
    version = Version(cms.__version__)
    return f">={version.major}.{version.minor},<{version.major + 1}"


def leaf_migration(app_label: str) -> str:
    """The latest migration of an installed app (a new plugin's 0001 depends on it)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes(app_label)
    return leaves[0][1]


def render(source: Path, target: Path, context: dict[str, str]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    text = Template(source.read_text(encoding="utf-8")).substitute(context)
    target.write_text(text, encoding="utf-8")


def scaffold(
    label: str,
    directory: Path | None = None,
    package: bool | None = None,
    verbose_name: str = "",
    english_name: str = "",
    check_installed: bool = True,
) -> list[Path]:
    """Write the plugin's files; returns them. Raises ``CommandError`` on a bad label/target."""
    if not label.isidentifier() or label != label.lower() or keyword.iskeyword(label):
        raise CommandError(f"{label!r} is not a valid label: use a lower-case Python identifier.")
    if label in RESERVED_LABELS or label.startswith("wagtail"):
        raise CommandError(f"The label {label!r} is reserved.")
    if check_installed and any(c.label == label for c in apps.get_app_configs()):
        raise CommandError(f"An app with the label {label!r} is already installed.")

    root = repo_root()
    if directory is not None:
        directory = Path(directory).resolve()
        if package is None:
            package = not directory.is_relative_to(root)
        if not package:
            raise CommandError(
                "--directory inside the repository: this repository's plugins live in "
                "plugins/<label>/ (omit --directory), or pass --package for a package."
            )
    else:
        package = bool(package)
        if package:
            raise CommandError("--package needs --directory.")

    camel = "".join(part.title() for part in label.split("_"))
    if package:
        module = f"lianxi_{label}"
        app_dir = directory / module
        test_file = directory / "tests" / f"test_{label}_plugin.py"
        extra = {
            directory / "pyproject.toml": SCAFFOLD_DIR / "pyproject.toml.tpl",
            directory / "README.md": SCAFFOLD_DIR / "README.md.tpl",
        }
    else:
        module = f"plugins.{label}"
        app_dir = root / "plugins" / label
        test_file = root / "tests" / "plugins" / label / f"test_{label}_plugin.py"
        extra = {}
    if app_dir.exists():
        raise CommandError(f"{app_dir} already exists.")

    context = {
        "label": label,
        "camel": camel,
        "package": module,
        "dist_name": f"lianxi-{label.replace('_', '-')}",
        "verbose_name": verbose_name or label,
        "english_name": english_name or camel,
        "core_version": core_version_range(),
        "wagtailcore_migration": leaf_migration("wagtailcore"),
        "moderation_migration": leaf_migration("moderation"),
    }
    written = []
    plan = {
        app_dir / src.relative_to(SCAFFOLD_DIR / "plugin").with_suffix(""): src
        for src in sorted((SCAFFOLD_DIR / "plugin").rglob("*.tpl"))
    }
    plan[test_file] = SCAFFOLD_DIR / "test_plugin.py.tpl"
    plan.update(extra)
    for target in plan:
        if target.exists():
            raise CommandError(f"{target} already exists.")
    for target, source in plan.items():
        render(source, target, context)
        written.append(target)
    return written


class Command(BaseCommand):
    help = "Create a working Lianxi plugin (model, admin, API route, demo data, test)."

    def add_arguments(self, parser):
        parser.add_argument("label", help="the plugin's label: URL prefix, app label")
        parser.add_argument(
            "--directory",
            type=Path,
            help="create an installable package here (outside this repository)",
        )
        parser.add_argument(
            "--package",
            action="store_true",
            default=None,
            help="create a package even if --directory is inside the repository",
        )
        parser.add_argument("--name-zh", default="", help="Chinese name shown in the admin")
        parser.add_argument("--name-en", default="", help="English name")

    def handle(self, *args, label, directory, package, name_zh, name_en, **options):
        written = scaffold(label, directory, package, name_zh, name_en)
        root = repo_root()
        for path in written:
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            self.stdout.write(f"  created {shown}")
        if directory is None:
            steps = (
                f'Add "plugins.{label}" to LIANXI_PLUGINS in cms/settings.py, then run '
                f"`manage.py migrate`, `make contracts` (its routes join the API contract) "
                f"and `make test`."
            )
        else:
            steps = (
                f"`pip install {directory}` next to Lianxi, then `manage.py migrate`; run its "
                f"tests from the Lianxi directory with `pytest {directory}/tests`."
            )
        self.stdout.write(self.style.SUCCESS(f"Plugin {label!r} created. {steps}"))
