"""Take the README's admin screenshots from a running demo (`make demo`).

Installs what it needs itself (Debian's chromium, the playwright driver in
its own virtual environment) so nothing of this is on `make test`'s path:

    python3 scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/img]

Logs in with the demo accounts and saves PNGs of the views a newcomer would
want to see before reading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL_VENV = ROOT / "var" / "screenshot-venv"
PLAYWRIGHT = "playwright==1.65.2"
PASSWORD = os.environ.get("LIANXI_DEMO_PASSWORD", "lianxi-demo-2026")

SHOTS = [
    # (file, user, path)
    ("admin-dashboard.png", "feixi_editor", "/admin/"),
    ("admin-explorer-feixi.png", "feixi_editor", "/admin/pages/"),
    ("admin-site-group.png", "admin", "/admin/sitegroup/siteprofile/"),
    ("admin-workflow-tasks.png", "admin", "/admin/workflows/list/"),
    ("admin-sensitive-words.png", "admin", "/admin/review/sensitiveword/"),
    ("admin-plugin-switches.png", "admin", "/admin/pluginregistry/pluginswitch/"),
]


def ensure_tools() -> Path:
    # Chromium, and a CJK font: without one every Chinese label renders as boxes.
    if not shutil.which("chromium") or not Path("/usr/share/fonts/truetype/wqy").exists():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium", "fonts-wqy-microhei"], check=True
        )
    python = TOOL_VENV / "bin" / "python"
    if not python.exists():
        venv.create(TOOL_VENV, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "-q", PLAYWRIGHT], check=True)
    return python


def take(base: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        sessions = {}
        for filename, user, path in SHOTS:
            if user not in sessions:
                context = browser.new_context(
                    viewport={"width": 1400, "height": 900}, locale="zh-CN"
                )
                page = context.new_page()
                page.goto(f"{base}/admin/login/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                sessions[user] = page
            page = sessions[user]
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / filename))
            print("saved", out / filename)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args()
    python = ensure_tools()
    if Path(sys.prefix).resolve() != TOOL_VENV.resolve():
        os.execv(python, [str(python), __file__, "--base", args.base, "--out", args.out])
    take(args.base.rstrip("/"), Path(args.out))


if __name__ == "__main__":
    main()
