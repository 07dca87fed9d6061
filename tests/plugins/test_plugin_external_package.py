"""The whole path of a plugin shipped as its own package.

Scaffold it outside the repository, ``pip install`` it (into a private target
directory, so the shared virtualenv is untouched), then start the project in a
fresh process: it must discover the plugin through the ``lianxi.plugins`` entry
point, migrate it, serve and document its API, honour per-site enablement, and
pass the scaffold's own tests. Finally an incompatible version of the same
package must stop start-up with an error naming it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[2]
LABEL = "greeting"


def database_url_for_child() -> str:
    """A database of the child's own: it must not touch this session's test database."""
    db = settings.DATABASES["default"]
    if "postgresql" in db["ENGINE"]:
        url = os.environ["DATABASE_URL"]
        name = dj_database_url.parse(url)["NAME"]
        return url.rsplit("/", 1)[0] + f"/{name}_ext"
    return "sqlite:///" + str(Path(os.environ.get("TMPDIR", "/tmp")) / "lianxi-ext.sqlite3")


def test_installed_package_is_discovered_migrated_served_and_switchable(tmp_path):
    package = tmp_path / "lianxi-greeting"
    target = tmp_path / "site-packages"
    call_command(
        "startplugin", LABEL, "--directory", str(package), "--name-zh", "问候",
        stdout=open(os.devnull, "w"),
    )  # fmt: skip
    assert (package / "pyproject.toml").exists()
    shutil.copy(REPO / "tests" / "plugins" / "external_checks.py",
                package / "tests" / "test_external_checks.py")  # fmt: skip

    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(package)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (
        "lianxi.plugins"
        in next(target.glob("*.dist-info")).joinpath("entry_points.txt").read_text()
    )

    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "DATABASE_URL": database_url_for_child(),
        "LIANXI_EXTERNAL_LABEL": LABEL,
        "LIANXI_TEST_EXAMPLE_PLUGIN": "0",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO), str(package / "tests")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 12, output[-3000:]

    # The same package built for another core: start-up stops and names it.
    apps_py = target / f"lianxi_{LABEL}" / "apps.py"
    apps_py.write_text(
        apps_py.read_text().replace('core_version = ">=', 'core_version = ">=99.0,<100,>=')
    )
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode != 0
    assert (
        f"Plugin '{LABEL}' (lianxi_{LABEL}" in check.stderr
        and "requires core version" in check.stderr
    )
