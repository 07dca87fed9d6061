"""``import_site_content``: migrating a county's old site (JSON Lines) into its columns."""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import shutil
import signal
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.content import publication
from cms.content.importer import SHANGHAI, ImportFailed, import_site_content
from cms.content.models import ArticlePage, PageAttachment
from cms.content.publication import Problem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLE = FIXTURES / "import_sample.jsonl"
COUNTY = "340123"

Image = get_image_model()
Document = get_document_model()


def run(path, *args) -> str:
    out = io.StringIO()
    call_command("import_site_content", str(path), "--site", COUNTY, *args, stdout=out)
    return out.getvalue()


def write_jsonl(directory: Path, rows: list[dict], name="export.jsonl") -> Path:
    path = directory / name
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def png(path: Path, color=(200, 30, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (8, 6), color).save(path, "PNG")
    return path


def article(n: int, **extra) -> dict:
    row = {
        "column": "news",
        "title": f"测试文章{n}",
        "body_html": f"<p>第{n}篇正文。</p>",
        "published_at": f"2023-0{n}-0{n}T08:00:00+08:00",
        "source_url": f"http://old.example.cn/a/{n}.html",
    }
    row.update(extra)
    return row


def imported(site_group):
    root = site_group[COUNTY].site.root_page
    return ArticlePage.objects.descendant_of(root).exclude(original_url="")


@pytest.fixture
def sample(tmp_path) -> Path:
    """The documented sample, copied so tests may edit it."""
    shutil.copytree(FIXTURES / "import_sample", tmp_path / "import_sample")
    return Path(shutil.copy(SAMPLE, tmp_path / "import_sample.jsonl"))


@pytest.fixture
def sensitive_word():
    """A publication check refusing a word, as the review app's word list does."""

    def check(page):
        text = page.title + json.dumps(list(page.body.raw_data), ensure_ascii=False)
        if "违禁词" in text:
            return [Problem("sensitive", "包含敏感词“违禁词”", "body")]
        return []

    publication.register_check(check)
    yield
    publication._checks.remove(check)


# --------------------------------------------------------------------------- good file


def test_sample_file_imports_into_the_right_columns(site_group, sample):
    output = run(sample, "-v", "2")
    assert "新建 6 篇" in output
    pages = {p.title: p for p in imported(site_group).specific()}
    assert len(pages) == 6
    county_root = site_group[COUNTY].site.root_page
    meeting = pages["肥西县十八届人大常委会召开第十五次会议"]
    assert meeting.get_parent().slug == "news"
    assert meeting.get_parent().get_parent().pk == county_root.pk
    assert meeting.live and meeting.author == "县人大常委会办公室"
    township = pages["上派镇人大主席团组织开展代表小组活动"]
    assert township.get_parent().specific.division_code == "340123100"

    # Sanitised: the inline script and the event handler are gone, links are absolute.
    html = "".join(b["value"] for b in meeting.body.raw_data if b["type"] == "paragraph")
    assert "script" not in html and "onclick" not in html and "_hmt" not in html
    assert "style=" not in html and "　　" not in html
    assert '<a href="http://www.fxrd.gov.cn/content/column/news.html">' in html
    assert "<b>关于2023年国民经济和社会发展计划执行情况的报告</b>" in html

    # The inline image became an image block in document order, and the cover.
    types = [b["type"] for b in meeting.body.raw_data]
    assert types[:3] == ["paragraph", "image", "paragraph"]
    image = Image.objects.get(pk=meeting.body.raw_data[1]["value"]["image"])
    assert meeting.cover_image_id == image.pk
    assert image.collection_id == site_group[COUNTY].collection_id
    assert image.description == "常委会第十五次会议会场" and image.file_hash
    assert meeting.body.raw_data[1]["value"]["caption"] == "会议现场"

    # Original publication time and date are kept.
    assert meeting.first_published_at == datetime(2023, 11, 28, 10, 30, tzinfo=SHANGHAI)
    assert meeting.date == date(2023, 11, 28)
    naive = pages["县人大代表走进上派镇代表联络站接待选民"]  # naive time = Beijing time
    assert naive.first_published_at == datetime(2024, 1, 5, 15, 20, tzinfo=SHANGHAI)
    date_only = pages["县人大常委会开展《中华人民共和国食品安全法》执法检查"]
    assert date_only.date == date(2023, 9, 15)

    # Explicit cover; both listed images in the body.
    second = Image.objects.get(title="代表记录群众意见")
    assert naive.cover_image_id == second.pk
    assert [b["type"] for b in naive.body.raw_data].count("image") == 2

    # Tables become table blocks.
    table = next(b["value"] for b in date_only.body.raw_data if b["type"] == "table")
    assert table["data"][0] == ["时间", "地点", "内容"] and table["first_row_is_table_header"]

    # Attachments: documents in the site's collection, attachment rows, and body links.
    notice = pages["关于征集2024年度县人大常委会监督工作计划建议项目的公告"]
    rows = list(PageAttachment.objects.filter(page=notice).order_by("sort_order"))
    assert [r.title for r in rows] == ["公告全文", "2024年度监督工作计划建议项目表"]
    assert {r.document.collection_id for r in rows} == {site_group[COUNTY].collection_id}
    assert all(r.document.file_hash for r in rows)
    notice_html = notice.body.raw_data[0]["value"]
    assert f'<a linktype="document" id="{rows[0].document_id}">' in notice_html
    rendered = str(notice.body)  # Wagtail expands the link to the document's URL
    assert rows[0].document.url in rendered and "http://www.fxrd.gov.cn/uploads" not in rendered

    # not_public: a draft, never live.
    internal = pages["县人大常委会机关2023年第四季度内部工作简报"]
    assert not internal.live and internal.confidentiality == "not_public"
    assert "第1行 新建" in output


# --------------------------------------------------------------------------- bad lines


@pytest.mark.parametrize(
    "bad, reason",
    [
        ({"column": "no-such-column"}, "栏目“no-such-column”在该站点不存在"),
        ({"published_at": "2023年13月"}, "published_at"),
        ({"title": ""}, "title: 不能为空"),
        ({"images": [{"src": "missing.png"}]}, "文件不存在"),
        ({"title": "长" * 256}, "最多 255 字"),
        ({"images": [{"src": "../outside.png"}]}, "路径超出"),
        ({"attachments": [{"src": "virus.exe"}]}, "不允许的附件类型"),
    ],
)
def test_bad_line_is_reported_and_nothing_is_written(site_group, tmp_path, bad, reason):
    png(tmp_path / "ok.png")
    (tmp_path / "virus.exe").write_bytes(b"MZ")
    png(tmp_path.parent / "outside.png")
    rows = [article(1, images=[{"src": "ok.png"}]), article(2), article(3, **bad)]
    path = write_jsonl(tmp_path, rows)
    with pytest.raises(CommandError) as excinfo:
        run(path)
    message = str(excinfo.value)
    assert "第3行" in message and reason in message
    assert "第1行" not in message and "第2行" not in message
    assert not imported(site_group).exists()
    assert not Image.objects.filter(collection=site_group[COUNTY].collection).exists()


def test_all_errors_are_listed_with_line_numbers(site_group, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text(
        json.dumps(article(1), ensure_ascii=False)
        + "\n{not json\n\n"
        + json.dumps({"title": "缺字段"}, ensure_ascii=False)
        + "\n"
        + json.dumps(article(5, source_url=article(1)["source_url"], extra=1))
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as excinfo:
        import_site_content(path, COUNTY)
    text = str(excinfo.value)
    assert "第2行: 不是有效的 JSON" in text
    assert "第4行: column: 缺少必填字段" in text
    assert "第5行: extra: 未知字段" in text
    assert not imported(site_group).exists()


def test_sensitive_word_refused_by_the_publish_guard_is_a_bad_line(
    site_group, tmp_path, sensitive_word
):
    rows = [article(1), article(2, body_html="<p>含有违禁词的正文</p>")]
    with pytest.raises(CommandError, match="第2行.*包含敏感词"):
        run(write_jsonl(tmp_path, rows))
    assert not imported(site_group).exists()
    # A not_public article is saved as a draft, never published: not refused.
    rows[1]["confidentiality"] = "not_public"
    assert "新建 2 篇" in run(write_jsonl(tmp_path, rows))


def test_unknown_site_code_is_a_clear_error(site_group):
    with pytest.raises(CommandError, match="站点代码“999999”不存在"):
        call_command("import_site_content", str(SAMPLE), "--site", "999999")
    with pytest.raises(CommandError, match="导入文件不存在"):
        call_command("import_site_content", "/nonexistent.jsonl", "--site", COUNTY)


def test_column_must_be_on_that_site(site_group, sample):
    # "legislation" is a city column; counties have none.
    rows = [article(1, column="legislation")]
    with pytest.raises(CommandError, match="第1行: column: 栏目“legislation”在该站点不存在"):
        run(write_jsonl(sample.parent, rows))


# --------------------------------------------------------------------------- re-import


def test_reimport_updates_by_source_url_without_duplicates(site_group, sample):
    run(sample)
    counts = (imported(site_group).count(), Image.objects.count(), Document.objects.count())
    meeting = imported(site_group).get(title="肥西县十八届人大常委会召开第十五次会议")
    revisions = meeting.revisions.count()

    output = run(sample)
    assert "新建 0 篇,更新 0 篇,未变 6 篇" in output
    assert "图片新增 0 张、复用 5 张" in output and "文件新增 0 个、复用 2 个" in output
    assert (imported(site_group).count(), Image.objects.count(), Document.objects.count()) == counts
    assert meeting.revisions.count() == revisions

    lines = sample.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["title"] = "肥西县十八届人大常委会召开第十五次会议(更正)"
    lines[0] = json.dumps(first, ensure_ascii=False)
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = run(sample)
    assert "新建 0 篇,更新 1 篇,未变 5 篇" in output
    meeting = ArticlePage.objects.get(pk=meeting.pk)
    assert meeting.title.endswith("(更正)") and meeting.live
    assert not meeting.has_unpublished_changes
    assert meeting.revisions.count() == revisions + 1
    # The original publication time is not rewritten by the update.
    assert meeting.first_published_at == datetime(2023, 11, 28, 10, 30, tzinfo=SHANGHAI)
    assert imported(site_group).count() == counts[0]


def test_reimport_as_not_public_unpublishes(site_group, tmp_path):
    path = write_jsonl(tmp_path, [article(1)])
    run(path)
    page = imported(site_group).get()
    assert page.live
    run(write_jsonl(tmp_path, [article(1, confidentiality="not_public")]))
    page.refresh_from_db()
    assert not page.live and page.specific.confidentiality == "not_public"


# --------------------------------------------------------------------------- dry run


def test_dry_run_validates_and_writes_nothing(site_group, sample):
    media_before = (Image.objects.count(), Document.objects.count())
    output = run(sample, "--dry-run")
    assert "试运行" in output and "新建 6 篇" in output
    assert "图片新增 5 张" in output
    assert not imported(site_group).exists()
    assert (Image.objects.count(), Document.objects.count()) == media_before

    run(sample)
    assert "未变 6 篇" in run(sample, "--dry-run")


def test_dry_run_still_reports_bad_lines(site_group, tmp_path):
    path = write_jsonl(tmp_path, [article(1), article(2, column="nope")])
    with pytest.raises(CommandError, match="第2行"):
        run(path, "--dry-run")


# --------------------------------------------------------------------------- URLs


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/login"):
            body = b"<html>login</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@pytest.fixture
def web(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_images_and_attachments_by_url(site_group, tmp_path, web, settings):
    root, base = web
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # an intranet source, allowed
    png(root / "uploads" / "photo.png", (10, 200, 10))
    png(root / "uploads" / "inline.png", (10, 10, 200))
    (root / "uploads" / "report.pdf").write_bytes(b"%PDF-1.4 tiny")
    row = article(
        1,
        source_url=f"{base}/news/1.html",
        body_html='<p>正文</p><p><img src="/uploads/inline.png"></p>',
        images=[{"src": f"{base}/uploads/photo.png", "alt": "远程图片"}],
        attachments=[{"src": f"{base}/uploads/report.pdf", "title": "报告"}],
    )
    run(write_jsonl(tmp_path, [row]))
    page = imported(site_group).get().specific
    images = [b["value"]["image"] for b in page.body.raw_data if b["type"] == "image"]
    # The unlisted inline image was fetched relative to source_url; the listed one appended.
    assert len(images) == 2 and page.cover_image_id == images[1]
    assert page.attachments.get().document.title == "报告"

    bad = dict(row, attachments=[{"src": f"{base}/login?next=x.pdf"}], source_url=f"{base}/2")
    missing = dict(row, images=[{"src": f"{base}/uploads/gone.png"}], source_url=f"{base}/3")
    with pytest.raises(CommandError) as excinfo:
        run(write_jsonl(tmp_path, [row, bad, missing]))
    assert "第2行" in str(excinfo.value) and "网页" in str(excinfo.value)
    assert "第3行" in str(excinfo.value) and "HTTP 404" in str(excinfo.value)


class _Redirect(http.server.BaseHTTPRequestHandler):
    location = ""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_urls_of_internal_addresses_are_refused_and_nothing_is_served(
    site_group, tmp_path, web, settings
):
    """The importer fetched 127.0.0.1, 0x7f000001, a redirect to 127.0.0.1 and
    169.254.169.254, then served the file publicly; each is now a bad line."""
    root, base = web
    png(root / "uploads" / "photo.png")
    port = base.rsplit(":", 1)[1]
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = []
    handler = type("R", (_Redirect,), {"location": f"{base}/uploads/photo.png"})
    redirector = http.server.ThreadingHTTPServer(("127.0.0.2", 0), handler)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        sources = [
            f"{base}/uploads/photo.png",
            f"http://0x7f000001:{port}/uploads/photo.png",
            f"http://2130706433:{port}/uploads/photo.png",
            f"http://[::ffff:127.0.0.1]:{port}/uploads/photo.png",
            "http://169.254.169.254/latest/meta-data/photo.png",
        ]
        rows = [
            article(n, images=[{"src": src}], source_url=f"http://old.example.cn/u/{n}")
            for n, src in enumerate(sources, start=1)
        ]
        with pytest.raises(CommandError) as refused:
            run(write_jsonl(tmp_path, rows))
        message = str(refused.value)
        for n in range(1, 6):
            assert f"第{n}行: images: 第1项:拒绝访问" in message
        assert "链路本地地址" in message and "本机回环地址" in message

        # Through a redirect from an allowed intranet source to a refused address.
        settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
        redirect = f"http://127.0.0.2:{redirector.server_address[1]}/photo.png"
        with pytest.raises(CommandError, match="第1行: images: 第1项:拒绝访问本机回环地址"):
            run(write_jsonl(tmp_path, [article(1, images=[{"src": redirect}])]))
    finally:
        redirector.shutdown()
        redirector.server_close()
    assert not imported(site_group).exists()
    assert not Image.objects.exists()


def test_broken_image_file_is_a_bad_line(site_group, tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"not an image at all")
    rows = [article(1, images=[{"src": "broken.jpg"}])]
    with pytest.raises(CommandError, match="第1行: images: 第1项:无法识别的图片文件"):
        run(write_jsonl(tmp_path, rows))


def test_township_code_addresses_columns_under_the_township(site_group, tmp_path):
    rows = [article(1, column="/")]
    out = io.StringIO()
    call_command(
        "import_site_content", str(write_jsonl(tmp_path, rows)), "--site", "340123100", stdout=out
    )
    page = imported(site_group).get()
    assert page.get_parent().specific.division_code == "340123100"
    with pytest.raises(CommandError, match="不是栏目"):
        run(write_jsonl(tmp_path, [article(2, column="/")]))  # the county's home page


def test_a_30_mb_line_is_refused_naming_the_line(site_group, tmp_path, settings):
    huge = article(2, body_html="<p>" + "长" * (10 * 1024 * 1024) + "</p>")  # 30 MB of UTF-8
    path = write_jsonl(tmp_path, [article(1), huge, article(3)])
    assert path.stat().st_size > 30 * 1024 * 1024
    with pytest.raises(CommandError) as refused:
        run(path)
    message = str(refused.value)
    assert "共 1 处错误" in message
    assert "第2行: 该行超过 5 MB 上限" in message
    assert not imported(site_group).exists()
    # The cap is a setting; under it the same line is an ordinary article.
    settings.LIANXI_IMPORT_MAX_LINE_BYTES = 64 * 1024 * 1024
    small = article(2, body_html="<p>" + "长" * 100 + "</p>")
    run(write_jsonl(tmp_path, [article(1), small, article(3)]))
    assert imported(site_group).count() == 3


# --------------------------------------------------------------------------- hard kill


def _media_files(root: Path) -> set[str]:
    return {
        str(p.relative_to(root))
        for folder in ("original_images", "documents")
        for p in (root / folder).rglob("*")
        if p.is_file()
    }


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="on PostgreSQL a second transactional test cannot rebuild the site group "
    "after the first one's flush (content type ids change); it passes run alone",
)
def test_files_of_an_import_killed_hard_are_removed_by_the_next_one(site_group, tmp_path, settings):
    """``kill -9`` in the middle of the write pass: the database rolls back, the files it
    had stored stay. The next import (or cleanup_media_files) removes them."""
    from django.db import connection

    media = Path(settings.MEDIA_ROOT)
    rows = []
    for n in range(1, 41):
        png(tmp_path / "img" / f"{n}.png", (n * 5, 30, 30))
        rows.append(article(n % 9 + 1, images=[{"src": f"img/{n}.png"}],
                            source_url=f"http://old.example.cn/k/{n}"))  # fmt: skip
    path = write_jsonl(tmp_path, rows)
    before = _media_files(media)

    pid = os.fork()
    if pid == 0:  # the import that gets killed
        try:
            if connection.vendor != "sqlite":  # a connection of its own (SQLite: its memory copy)
                inherited = connection.connection  # kept referenced: never finalised here,
                connection.connection = None  # so the parent's session is not closed
                connection.connect()
                assert inherited is not None
            import_site_content(path, COUNTY)
        finally:
            os._exit(0)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if len(_media_files(media) - before) >= 3:
                break
            time.sleep(0.01)
        os.kill(pid, signal.SIGKILL)
    finally:
        os.waitpid(pid, 0)
    left = _media_files(media) - before
    assert left, "the killed import had stored files"
    assert not Image.objects.exists()  # its transaction never committed
    assert list((media / "imports" / "running").iterdir())  # its marker is still there

    # The next import removes them first, then imports normally.
    png(tmp_path / "fresh.png", (1, 2, 3))
    run(write_jsonl(tmp_path, [article(1, images=[{"src": "fresh.png"}])], name="again.jsonl"))
    remaining = _media_files(media) - before
    assert not remaining & left
    assert remaining == {Image.objects.get().file.name}
    assert not list((media / "imports" / "running").iterdir())


def test_cleanup_media_files_removes_unreferenced_files_past_the_grace(
    site_group, tmp_path, settings
):
    media = Path(settings.MEDIA_ROOT)
    png(tmp_path / "a.png")
    run(write_jsonl(tmp_path, [article(1, images=[{"src": "a.png"}])]))
    stray = media / "original_images" / "stray.png"
    png(stray)
    old = time.time() - 3 * 3600
    os.utime(stray, (old, old))
    fresh = png(media / "documents" / "uploading.pdf")
    kept = _media_files(media) - {"original_images/stray.png", "documents/uploading.pdf"}
    out = io.StringIO()
    call_command("cleanup_media_files", "--dry-run", stdout=out)
    assert "original_images/stray.png" in out.getvalue() and stray.exists()
    call_command("cleanup_media_files", stdout=io.StringIO())
    assert not stray.exists() and fresh.exists()  # younger than the grace: left alone
    assert kept <= _media_files(media)
