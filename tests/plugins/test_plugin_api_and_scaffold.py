"""The API root, the scaffold, and the import boundary between core and plugins."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cms.plugins import set_enabled
from cms.plugins.management.commands import startplugin

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "plugins" / "example"

#: What a plugin may import from the core: the public plugin API (cms/plugins/__init__.py).
PUBLIC_API = ("cms.plugins", "cms.services", "search.registry")
PRIVATE_UNDER_PUBLIC = ("cms.plugins.registry", "cms.plugins.config", "cms.plugins.discovery",
                        "cms.plugins.models", "cms.plugins.management")  # fmt: skip


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def test_core_never_imports_plugins():
    offenders = [
        f"{path.relative_to(REPO)}: {module}"
        for root in ("cms", "search")
        for path in (REPO / root).rglob("*.py")
        for module in imported_modules(path)
        if module == "plugins" or module.startswith("plugins.")
    ]
    assert offenders == []


def _code_strings(path: Path) -> list[str]:
    """The string literals of a module's code (docstrings left out: prose may name a plugin)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def test_core_never_names_a_plugin_route_or_label():
    """The core knows no plugin: no route (``/api/v1/<label>/``), operation id
    (``<label>_list``), model or permission label (``<label>.person``) or module of
    one in its code; plugins contribute what the core needs (examples, search, demo).
    ``cms/settings.py`` is configuration: it lists the installed plugins."""
    from cms.plugins import get_plugins

    labels = sorted({p.label for p in get_plugins()} | {"deputies", "example"})
    patterns = [
        re.compile(rf"(/api/v1/{label}(/|\b)|^{label}[._]|plugins\.{label}\b|lianxi_{label}\b)")
        for label in labels
    ]
    offenders = [
        f"{path.relative_to(REPO)}: {value!r}"
        for path in sorted((REPO / "cms").rglob("*.py"))
        if path != REPO / "cms" / "settings.py" and "migrations" not in path.parts
        for value in _code_strings(path)
        if any(pattern.search(value) for pattern in patterns)
    ]
    assert offenders == []


def test_search_registry_is_listed_as_plugin_api():
    import cms.plugins

    assert "search.registry" in cms.plugins.__doc__


def plugin_sources():
    for root in (REPO / "plugins", EXAMPLE):
        yield from (p for p in root.rglob("*.py") if "tests" not in p.relative_to(root).parts)


def test_plugins_import_only_the_public_plugin_api():
    offenders = []
    for path in plugin_sources():
        for module in imported_modules(path):
            if not (module == "cms" or module.startswith("cms.")):
                continue
            public = module in PUBLIC_API or module.startswith(tuple(p + "." for p in PUBLIC_API))
            if not public or module.startswith(PRIVATE_UNDER_PUBLIC):
                offenders.append(f"{path.relative_to(REPO)}: {module}")
    assert offenders == []


def test_plugin_routes_are_mounted_and_in_the_openapi_document(client, site_group):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/example/entries/" in schema["paths"]
    assert "/api/v1/example/entries/{id}/" in schema["paths"]
    assert not any(p.startswith("/admin") for p in schema["paths"])
    get = schema["paths"]["/api/v1/example/entries/"]["get"]
    assert get["parameters"][0]["name"] == "site"


def test_site_convention_and_problem_documents(client, site_group):
    ok = client.get("/api/v1/example/entries/?site=340123")
    # The same list envelope as every other list of the API.
    assert ok.status_code == 200
    assert ok.json() == {"count": 0, "next": None, "previous": None, "results": []}
    # A township's nine-digit code addresses its county's site.
    assert client.get("/api/v1/example/entries/?site=340123100").status_code == 200
    unknown = client.get("/api/v1/example/entries/?site=340999")
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert unknown.json()["type"] == "urn:lianxi:problem:unknown-site"
    set_enabled("example", site_group["340123"], False)
    off = client.get("/api/v1/example/entries/?site=340123100")
    assert off.status_code == 404 and off.json()["status"] == 404


def test_the_committed_example_is_what_the_scaffold_makes(tmp_path):
    startplugin.scaffold(
        "example",
        tmp_path / "example",
        verbose_name="示例",
        english_name="Example",
        check_installed=False,
    )
    made = {
        p.relative_to(tmp_path / "example"): p.read_text()
        for p in (tmp_path / "example").rglob("*")
        if p.is_file()
    }
    committed = {
        p.relative_to(EXAMPLE): p.read_text()
        for p in EXAMPLE.rglob("*")
        if p.is_file() and not any(part.startswith((".", "__pycache__")) for part in p.parts)
    }
    assert made == committed, "regenerate tests/plugins/example with startplugin (see its README)"


def test_scaffold_in_the_repository_is_lint_clean_and_importable(tmp_path, monkeypatch):
    monkeypatch.setattr(startplugin, "repo_root", lambda: tmp_path)
    (tmp_path / "plugins").mkdir()
    # Not the README's example label (notices): a developer following the README
    # has that plugin installed, and this test must still pass for them.
    label = "scaffold_probe"
    call_command("startplugin", label, "--name-zh", "探针", stdout=open("/dev/null", "w"))
    app = tmp_path / "plugins" / label
    assert (app / "migrations" / "0001_initial.py").exists()
    assert (app / "examples.py").exists()
    assert (tmp_path / "tests" / "plugins" / label / f"test_{label}_plugin.py").exists()
    assert f'name = "plugins.{label}"' in (app / "apps.py").read_text()
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "check", "--config", str(REPO / "pyproject.toml"), str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    for path in app.rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("label", ["Bad", "plugins", "example", "class"])
def test_scaffold_refuses_bad_labels(label, tmp_path):
    with pytest.raises(CommandError):
        startplugin.scaffold(label, tmp_path / "x")
