"""Probe the admin's widgets in a real browser under the Content-Security-Policy.

    python3 scripts/csp_probe.py [--base http://localhost:8000] [--out var/csp-probe]

Needs a running demo (`make demo`), opened on ``localhost`` (WebAuthn refuses an
address), with ``LIANXI_WEBAUTHN_RP_ID=localhost`` and
``LIANXI_WEBAUTHN_ORIGINS=http://localhost:8000`` in the server's environment.
For each screen it records console errors, uncaught JavaScript errors and every
``securitypolicyviolation`` event, then opens the widgets a user would: the date
picker, an inline panel's "add", the image, page and document choosers, a new
article saved as a draft, the image upload, the snippets, the 新建站点 form, the
API documentation, and a security key enrolled and used to log in (Chromium's
virtual authenticator). Exits with status 1 if anything was found.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import re
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import PASSWORD, ROOT, TOOL_VENV, ensure_tools  # noqa: E402

#: The published demo TOTP key (docs/security.md "Demo").
DEMO_TOTP_KEY = "JBSWY3DPEHPK3PXPLIANXIDEMO234567"

#: Run in every document before its own scripts: report each policy violation.
LISTEN = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP-VIOLATION ${e.violatedDirective} blocked=${e.blockedURI} `
    + `at ${e.sourceFile}:${e.lineNumber} sample=${e.sample}`);
});
"""


def grey_png(size: int = 64) -> bytes:
    """A small grey PNG, made here (no file to ship)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def totp(key: str = DEMO_TOTP_KEY, at: float | None = None) -> str:
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Probe:
    def __init__(self, browser, base: str, out: Path):
        self.browser = browser
        self.base = base
        self.out = out
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.screen = "-"

    def context(self, user: str):
        context = self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.add_init_script(LISTEN)
        page = context.new_page()

        def console(message, u=user):
            if message.type in ("error", "warning") or "CSP-VIOLATION" in message.text:
                if "Download the React DevTools" in message.text:
                    return
                if message.location.get("url", "").endswith("/favicon.ico"):
                    return
                if "status of 400" in message.text:  # the autosave's, reported by response
                    return
                self.problems.append(f"{u} @ {self.screen}: console {message.type}: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda e, u=user: self.problems.append(f"{u} @ {self.screen}: JS {e}"))
        page.on(
            "response",
            lambda r, u=user: (
                self.problems.append(f"{u} @ {self.screen}: HTTP {r.status} {r.url}")
                if r.status >= 400
                and not r.url.endswith("favicon.ico")
                # Wagtail's autosave posts the form as it is typed: 400 while invalid.
                and not (r.status == 400 and r.request.method == "POST")
                else None
            ),
        )
        return context, page

    def mark(self, page, screen: str):
        self.screen = screen
        self.checked.append(screen)

    def settle(self, page, name: str):
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        page.screenshot(path=str(self.out / f"{name}.png"))

    def login(self, page, user: str, second_factor: str = "totp"):
        page.goto(f"{self.base}/admin/login/")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/second-factor/verify/" in page.url and second_factor == "totp":
            page.fill("input[name=code]", totp())
            page.click("form button[type=submit]")
            page.wait_for_load_state("networkidle")
        elif "/second-factor/enrol/" in page.url and second_factor == "totp":
            page.fill("input[name=code]", totp())
            page.click("form button[type=submit]")
            page.wait_for_load_state("networkidle")


def run(base: str, out: Path) -> Probe:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        probe = Probe(browser, base, out)
        for step in STEPS:
            try:
                step(probe)
            except Exception as exc:  # noqa: BLE001 - report and go on
                probe.problems.append(f"step {step.__name__} @ {probe.screen}: {exc!r}"[:600])
        browser.close()
    return probe


def editor_screens(probe: Probe):
    context, page = probe.context("feixi_editor")
    probe.mark(page, "login")
    probe.login(page, "feixi_editor")
    probe.settle(page, "editor-dashboard")
    probe.mark(page, "dashboard")
    for name, path in [("explorer", "/admin/pages/"), ("images-add", "/admin/images/multiple/add/"),
                       ("snippets", "/admin/snippets/"), ("documents", "/admin/documents/")]:  # fmt: skip
        probe.mark(page, name)
        page.goto(f"{probe.base}{path}")
        probe.settle(page, f"editor-{name}")
    probe.mark(page, "image upload (多图上传)")
    page.goto(f"{probe.base}/admin/images/multiple/add/")
    page.locator("input[type=file]").first.set_input_files(
        {"name": "probe.png", "mimeType": "image/png", "buffer": grey_png()}
    )
    page.wait_for_timeout(3000)
    probe.settle(page, "editor-image-uploaded")
    if not page.locator("#upload-list li.upload-success, #upload-list form").count():
        probe.problems.append("image upload: no uploaded image's form appeared")
    # An article's edit form.
    page.goto(f"{probe.base}/admin/pages/search/?q=%E6%96%B0%E9%97%BB")
    page.goto(f"{probe.base}/admin/pages/{os.environ.get('PROBE_ARTICLE', '638')}/edit/")
    probe.mark(page, "article edit")
    probe.settle(page, "editor-edit")
    probe.mark(page, "article edit: date picker")
    date = page.locator("input[name=date]")
    if date.count():
        date.click()
        page.wait_for_timeout(400)
        if not page.locator(".xdsoft_datetimepicker:visible").count():
            probe.problems.append("article edit: the date picker did not open")
        probe.settle(page, "editor-edit-date")
        page.keyboard.press("Escape")
        page.locator("h1, header").first.click()
    else:
        probe.problems.append("article edit: no date input")
    probe.mark(page, "article edit: inline panel add (附件)")
    rows = "#id_attachments-FORMS > [data-inline-panel-child]"
    before = page.locator(rows).count()
    add = page.locator("#id_attachments-ADD, button[data-inline-panel-add]").first
    if add.count():
        add.click()
        page.wait_for_timeout(500)
        after = page.locator(rows).count()
        if after <= before:
            probe.problems.append(f"article edit: 附件 add did nothing ({before} -> {after})")
        probe.settle(page, "editor-edit-inline")
        # The new row's document chooser.
        probe.mark(page, "article edit: document chooser in the new attachment")
        chooser = page.locator(rows).last.locator("[data-chooser-action-choose]").first
        if chooser.count():
            chooser.click()
            modal = page.locator(".modal-dialog:visible, .modal:visible")
            modal.first.wait_for(timeout=5000)
            probe.settle(page, "editor-doc-chooser")
            pick = page.locator(
                ".modal a.document-choice, .modal [data-chooser-modal-choice]"
            ).first
            if pick.count():
                pick.click()
                page.wait_for_timeout(800)
            else:
                probe.problems.append("document chooser: no document to pick")
                page.keyboard.press("Escape")
        else:
            probe.problems.append("article edit: the new 附件 row has no document chooser button")
    else:
        probe.problems.append("article edit: no 附件 add button")
    probe.settle(page, "editor-edit-after-image")
    # A page chooser: a body block with a page link, via the rich text? Use the
    # streamfield's "add" menu and the first page chooser block if any.
    probe.mark(page, "article edit: page chooser (rich text link)")
    editor = page.locator(".Draftail-Editor [contenteditable=true]").first
    if editor.count():
        editor.click()
        page.keyboard.type("链接测试")
        page.keyboard.press("Shift+Home")
        link = page.locator(".Draftail-ToolbarButton[name=LINK]").first
        if link.count():
            link.click()
            page.locator(".modal-dialog:visible").first.wait_for(timeout=5000)
            page.wait_for_timeout(800)
            probe.settle(page, "editor-page-chooser")
            pick = page.locator(".modal a.choose-page, .modal [data-chooser-modal-choice]").first
            if pick.count():
                pick.click()
                page.wait_for_timeout(1000)
            else:
                probe.problems.append("page chooser: no page to pick")
                page.keyboard.press("Escape")
        else:
            probe.problems.append("article edit: no link button in the rich text toolbar")
    else:
        probe.problems.append("article edit: no rich text editor in the body")
    probe.settle(page, "editor-edit-end")
    # A new article, saved as a draft.
    probe.mark(page, "new article: draft")
    parent = os.environ.get("PROBE_PARENT", "251")
    page.goto(f"{probe.base}/admin/pages/add/content/articlepage/{parent}/")
    probe.settle(page, "editor-new")
    page.fill("input[name=title]", f"浏览器测试稿件{int(time.time())}")
    probe.mark(page, "new article: image chooser (封面图片)")
    page.locator("#id_cover_image-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-dialog:visible").first.wait_for(timeout=5000)
    page.wait_for_timeout(800)
    probe.settle(page, "editor-image-chooser")
    pick = page.locator(".modal a.image-choice, .modal [data-chooser-modal-choice]").first
    if pick.count():
        pick.click()
        page.wait_for_timeout(1000)
        if page.locator(".modal-dialog:visible").count():
            probe.problems.append("image chooser: picking an image left the modal open")
        elif not page.locator("input[name=cover_image]").input_value():
            probe.problems.append("image chooser: the picked image did not reach the form")
    else:
        probe.problems.append("image chooser: no image to pick")
        page.keyboard.press("Escape")
    # Let the autosave finish first: a save clicked while its first request is still
    # creating the page makes a second page with the same slug (a 500, see the docs).
    page.wait_for_timeout(2500)
    page.wait_for_load_state("networkidle")
    page.locator("button[name=action-save-draft], button:has-text('保存草稿')").first.click()
    page.wait_for_load_state("networkidle")
    probe.settle(page, "editor-new-saved")
    if "/edit/" not in page.url:
        errors = page.locator(".error-message, .help-critical").all_inner_texts()
        probe.problems.append(f"new article: draft not saved ({page.url}) {errors}")
    context.close()


def sysadmin_screens(probe: Probe):
    context, page = probe.context("sysadmin")
    probe.mark(page, "sysadmin login (TOTP)")
    probe.login(page, "sysadmin")
    probe.settle(page, "sysadmin-dashboard")
    if "/admin/login" in page.url or "second-factor" in page.url:
        probe.problems.append(f"sysadmin: login did not reach the dashboard ({page.url})")
    probe.mark(page, "网站群 list")
    page.goto(f"{probe.base}/admin/")
    link = page.locator("a:has-text('网站群')").first
    href = link.get_attribute("href") if link.count() else None
    if not href:
        probe.problems.append("sysadmin: no 网站群 menu link")
        context.close()
        return
    page.goto(f"{probe.base}{href}" if href.startswith("/") else href)
    probe.settle(page, "sysadmin-sitegroup")
    probe.mark(page, "新建站点 form")
    new = page.locator("a[href$='/create/']").first
    if new.count():
        new.click()
        page.wait_for_load_state("networkidle")
        probe.settle(page, "sysadmin-new-site")
    else:
        probe.problems.append("sysadmin: no 添加站点档案 link")
    context.close()


def api_docs(probe: Probe):
    context, page = probe.context("anonymous")
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        probe.mark(page, path)
        page.goto(f"{probe.base}{path}")
        page.wait_for_timeout(2500)
        probe.settle(page, "api-" + path.strip("/").replace("/", "-"))
        text = page.locator("body").inner_text()
        if len(text.strip()) < 200:
            probe.problems.append(f"{path}: the page shows almost nothing: {text[:200]!r}")
    context.close()


def security_key(probe: Probe):
    user = os.environ.get("PROBE_KEY_USER", "feixi_reviewer1")
    context, page = probe.context(user)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
                     "hasUserVerification": True, "isUserVerified": True,
                     "automaticPresenceSimulation": True}},
    )["authenticatorId"]  # fmt: skip
    probe.mark(page, "security key: TOTP login")
    probe.login(page, user)
    page.goto(f"{probe.base}/admin/security/second-factor/enrol/")
    probe.mark(page, "安全密钥 enrolment")
    probe.settle(page, "key-add")
    button = page.locator("[data-webauthn=register] [data-webauthn-button]")
    if not button.count() or not button.is_visible():
        probe.problems.append(f"security key: no visible 绑定 button on {page.url}")
        context.close()
        return
    button.click()
    page.wait_for_timeout(3000)
    probe.settle(page, "key-added")
    status = page.locator("[data-webauthn-status]").all_inner_texts()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    if not credentials["credentials"]:
        probe.problems.append(
            f"security key: enrolment stored no credential ({status}, {page.url})"
        )
        context.close()
        return
    # Log out, log in again with the key.
    probe.mark(page, "security key: login with the key")
    context.clear_cookies()
    page.goto(f"{probe.base}/admin/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    probe.settle(page, "key-verify")
    key = page.locator("[data-webauthn=authenticate] [data-webauthn-button]")
    if not key.count() or not key.is_visible():
        probe.problems.append(f"security key: no visible key button on {page.url}")
        context.close()
        return
    key.click()
    page.wait_for_timeout(3000)
    page.wait_for_load_state("networkidle")
    probe.settle(page, "key-login")
    if "second-factor" in page.url or "login" in page.url:
        status = page.locator("[data-webauthn-status]").all_inner_texts()
        probe.problems.append(f"security key: login with the key failed ({status}, {page.url})")
    context.close()


STEPS = [editor_screens, sysadmin_screens, api_docs, security_key]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://localhost:8000")
    parser.add_argument("--out", default=str(ROOT / "var" / "csp-probe"))
    args = parser.parse_args()
    python = ensure_tools()
    if Path(sys.prefix).resolve() != TOOL_VENV.resolve():
        os.execv(python, [str(python), __file__, "--base", args.base, "--out", args.out])
    probe = run(args.base.rstrip("/"), Path(args.out))
    for screen in dict.fromkeys(probe.checked):
        print("CHECKED", screen)
    for problem in dict.fromkeys(probe.problems):
        print("PROBLEM", re.sub(r"\s+", " ", problem))
    sys.exit(1 if probe.problems else 0)


if __name__ == "__main__":
    main()
