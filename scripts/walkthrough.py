"""Walk the admin in a real browser as every demo user, on demand (not part of `make test`).

    python3 scripts/walkthrough.py [--base http://127.0.0.1:8000] [--out var/walkthrough]

Needs a running demo (`make demo`). Installs what it needs itself, as
scripts/screenshots.py does (Debian's chromium and a CJK font, Playwright in
var/screenshot-venv). For each demo user it logs in through the login form and
saves screenshots of the home screen, the page explorer, a Chinese search and
one page's edit form, and it reports what a user would notice:

* any request to a host other than the demo's (CDN, avatar service…);
* an icon inside a button larger than 32 px (the "300×150 icon" defect);
* an HTTP error or a JavaScript error on the page;
* a console error, such as a Content-Security-Policy violation.

Users who must give a second factor type the demo's TOTP code.

It exits with status 1 if it found any of these, so it can be run before a release.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from csp_probe import LISTEN, totp  # noqa: E402
from screenshots import PASSWORD, ROOT, TOOL_VENV, ensure_tools  # noqa: E402

USERS = ("admin", "anhui_editor", "hefei_editor", "feixi_editor", "feixi_reviewer1",
         "feixi_reviewer2", "changfeng_editor")  # fmt: skip
SEARCH = "联络站"
#: Hosts of the demo itself (every site answers on <code>.localhost too).
LOCAL = ("127.0.0.1", "localhost", "[::1]")


def is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return (
        url.startswith(("data:", "blob:", "about:")) or host in LOCAL or host.endswith(".localhost")
    )


def oversized_button_icons(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.button svg, button svg')]
              .filter(svg => svg.getBoundingClientRect().width > 32)
              .map(svg => `${svg.getAttribute('class')} ${Math.round(svg.getBoundingClientRect().width)}px`)"""
    )


def walk(base: str, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        for user in USERS:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            context.add_init_script(LISTEN)
            page = context.new_page()
            foreign: set[str] = set()
            page.on("request", lambda r, seen=foreign: None if is_local(r.url) else seen.add(r.url))
            page.on(
                "pageerror", lambda e, u=user, found=problems: found.append(f"{u}: JS error {e}")
            )
            page.on(
                "console",
                lambda m, u=user, found=problems: (
                    found.append(f"{u}: console {m.type}: {m.text}")
                    if m.type == "error" and not m.location.get("url", "").endswith("favicon.ico")
                    else None
                ),
            )
            page.goto(f"{base}/admin/login/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            if "/second-factor/" in page.url and page.locator("input[name=code]").count():
                page.fill("input[name=code]", totp())  # the demo's TOTP code
                page.click("form.login-form button[type=submit]")
                page.wait_for_load_state("networkidle")
            screens = [("home", "/admin/"), ("explorer", "/admin/pages/"),
                       ("search", f"/admin/pages/search/?q={SEARCH}")]  # fmt: skip
            for name, path in screens:
                response = page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                if response is not None and response.status >= 400:
                    problems.append(f"{user}: {path} answered {response.status}")
                page.screenshot(path=str(out / f"{user}-{name}.png"))
                problems += [f"{user}: {path}: icon {i}" for i in oversized_button_icons(page)]
            # One edit form: the first page the search offers an edit link for.
            link = page.locator("a[href*='/edit/']").first
            if link.count():
                page.goto(f"{base}{link.get_attribute('href')}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{user}-edit.png"))
                problems += [f"{user}: edit form: icon {i}" for i in oversized_button_icons(page)]
            else:
                problems.append(f"{user}: the search for {SEARCH} offered no page to edit")
            problems += [f"{user}: request to a foreign host: {url}" for url in sorted(foreign)]
            print(f"{user}: {len(screens) + 1} screens saved in {out}")
            context.close()
        browser.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "var" / "walkthrough"))
    args = parser.parse_args()
    python = ensure_tools()
    if Path(sys.prefix).resolve() != TOOL_VENV.resolve():
        os.execv(python, [str(python), __file__, "--base", args.base, "--out", args.out])
    problems = walk(args.base.rstrip("/"), Path(args.out))
    for problem in problems:
        print("PROBLEM", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
