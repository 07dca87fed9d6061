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
#: Writes the deliberately wrong import workbook of the deputies screenshots.
OPENPYXL = "openpyxl==3.1.5"
PASSWORD = os.environ.get("LIANXI_DEMO_PASSWORD", "lianxi-demo-2026")

SHOTS = [
    # (file, user, path)
    ("admin-dashboard.png", "feixi_editor", "/admin/"),
    # The home screen (cockpit) of a county editor, a city and the province.
    ("admin-cockpit-feixi.png", "feixi_editor", "/admin/"),
    ("admin-cockpit-hefei.png", "hefei_editor", "/admin/"),
    ("admin-cockpit-province.png", "anhui_editor", "/admin/"),
    # The admin's own search finds Chinese words, drafts included.
    ("admin-search-chinese.png", "feixi_editor", "/admin/pages/search/?q=联络站"),
    ("admin-explorer-feixi.png", "feixi_editor", "/admin/pages/"),
    ("admin-site-group.png", "admin", "/admin/sitegroup/siteprofile/"),
    ("admin-workflow-tasks.png", "admin", "/admin/workflows/list/"),
    ("admin-sensitive-words.png", "admin", "/admin/review/sensitiveword/"),
    ("admin-plugin-switches.png", "admin", "/admin/pluginregistry/pluginswitch/"),
    ("admin-deputies-list.png", "feixi_editor", "/admin/deputies/person/"),
]

#: A submission the automatic check stopped: the demo's article of 肥西县 with a
#: misspelt "联洛站" in its title (fixtures/demo.py), opened by its editor.
REJECTED_SHOT = ("admin-rejected-submission.png", "feixi_editor", "联洛站")

#: The deputies import report: (file, user, import page) — a workbook with
#: mistakes is uploaded and the row-by-row report photographed.
IMPORT_SHOT = ("admin-deputies-import-report.png", "feixi_editor", "/admin/deputies/import/")

#: The import workbook's columns (plugins/deputies/importer.py, COLUMNS).
IMPORT_COLUMNS = ("人大代码", "届次", "姓名", "性别", "民族", "出生年月", "政治面貌", "学历",
                  "职业构成", "工作单位及职务", "职称", "代表团", "代表小组", "选区", "选举方式",
                  "当选日期", "终止日期", "终止原因", "职务", "身份证号", "手机号码", "通讯地址")  # fmt: skip

#: Fictional rows for 肥西县 (340123), each with a typical mistake but the first. The ID
#: numbers carry the district "99" no county has, as in the demo's; all but the last
#: have valid check digits.
IMPORT_ROWS = [
    ("340123", "第十八届", "王建国", "男", "汉族", "1972-05", "中国共产党", "大学本科", "农民",
     "上派镇三岗村党总支书记", "", "", "第一代表小组", "第一选区", "直接选举", "2021-12-20",
     "", "", "", "340199197205010016", "13900000001", "肥西县上派镇三岗村"),
    ("340123", "第十八届", "刘梅", "女", "汉族", "1980-13", "群众", "大学专科", "一线工人",
     "某电子厂装配工", "", "", "第一代表小组", "第二选区", "直接选举", "2021-12-20",
     "", "", "", "340199198001010027", "13900000002", "肥西县桃花镇某路 2 号"),
    ("340123", "第十八届", "陈志强", "未知", "汉族", "1969-09", "中国共产党", "研究生",
     "党政领导干部", "某镇镇长", "", "", "", "第三选区", "直接选举", "2021-12-20",
     "", "", "", "34019919690901001X", "13900000003", "肥西县某镇政府"),
    ("340123", "第九十九届", "赵丽", "女", "回族", "1985-02", "中国民主同盟", "研究生",
     "专业技术人员", "县人民医院医生", "主治医师", "", "", "第一选区", "直接选举",
     "2021-12-20", "", "", "", "340199198502010025", "13900000004", "肥西县人民医院"),
    ("340121", "第十八届", "孙涛", "男", "汉族", "1977-07", "中国共产党", "大学本科",
     "企业负责人", "某公司总经理", "", "", "", "第一选区", "直接选举", "2021-12-20",
     "", "", "", "340199197707010016", "13900000005", "长丰县某路 5 号"),
    ("340123", "第十八届", "周敏", "女", "汉族", "1988-08", "群众", "大学本科", "农民",
     "某村村民", "", "", "", "第一选区", "直接选举", "2021-12-20", "", "", "",
     "340199198808080021", "13900000006", "肥西县某村"),
]  # fmt: skip


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
        subprocess.run([python, "-m", "pip", "install", "-q", PLAYWRIGHT, OPENPYXL], check=True)
    elif subprocess.run([python, "-c", "import openpyxl"], capture_output=True).returncode:
        subprocess.run([python, "-m", "pip", "install", "-q", OPENPYXL], check=True)
    return python


def bad_import_workbook(path: Path) -> Path:
    """A small 代表 workbook whose rows carry the mistakes the import report lists."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表"
    sheet.append(IMPORT_COLUMNS)
    for row in IMPORT_ROWS:
        sheet.append(row)
    workbook.save(path)
    return path


def login(browser, base: str, user: str, height: int = 900):
    context = browser.new_context(viewport={"width": 1400, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def rejected_edit_path(base: str, page, words: str) -> str:
    """The edit URL of the page whose title holds ``words``, found with the admin's search."""
    page.goto(f"{base}/admin/pages/search/?q={words}")
    page.wait_for_load_state("networkidle")
    link = page.locator("a[href*='/edit/']", has_text=words).first
    return link.get_attribute("href")


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
                sessions[user] = login(browser, base, user)
            page = sessions[user]
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            if filename.startswith("admin-cockpit"):
                page.set_viewport_size({"width": 1400, "height": 2200})
            page.screenshot(path=str(out / filename))
            page.set_viewport_size({"width": 1400, "height": 900})
            print("saved", out / filename)

        # The stopped submission: its edit form, where the editor lands after submitting.
        filename, user, words = REJECTED_SHOT
        page = sessions.get(user) or login(browser, base, user)
        page.goto(f"{base}{rejected_edit_path(base, page, words)}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / filename))
        print("saved", out / filename)

        # The import report: upload the workbook with mistakes (nothing is stored).
        filename, user, path = IMPORT_SHOT
        page = sessions.get(user) or login(browser, base, user)
        page.goto(f"{base}{path}")
        workbook = bad_import_workbook(TOOL_VENV / "deputies-import-mistakes.xlsx")
        page.set_input_files("input[name=file]", str(workbook))
        page.click("form[enctype='multipart/form-data'] button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / filename), full_page=True)
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
