"""A large register uploaded in the admin is imported in the background, with progress.

The suite runs tasks with the immediate backend (``LIANXI_TASK_BACKEND``);
the task runs after the request's transaction commits, which
``django_capture_on_commit_callbacks(execute=True)`` makes happen here.
"""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from cms.services.jobs import BackgroundJob, JobStatus
from plugins.deputies import models as m
from tests.plugins.deputies.test_import import row, upload, workbook


@pytest.fixture
def feixi_editor(register, site_group, make_user):
    return make_user("feixi-bg-editor", site_group["340123"].editors_group)


@pytest.fixture
def small_inline_limit(settings):
    settings.LIANXI_IMPORT_INLINE_MAX_BYTES = 1024  # every test workbook is "large"


def test_a_large_upload_runs_as_a_job_and_shows_the_same_report(
    client, feixi_editor, small_inline_limit, django_capture_on_commit_callbacks
):
    client.force_login(feixi_editor)
    rows = [row(i, 姓名=f"后台{i}") for i in range(1, 31)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, workbook(rows))
    assert response.status_code == 302
    job = BackgroundJob.objects.get()
    assert response["Location"] == f"/admin/deputies/import/{job.pk}/"
    assert job.status == JobStatus.DONE and job.user == feixi_editor
    assert (job.stage, job.done, job.total) == ("write", job.total, job.total) and job.total
    assert not job.file and not default_storage.listdir("private/jobs")[1]  # upload removed

    report = client.get(response["Location"])
    html = report.content.decode()
    assert report.status_code == 200
    assert "导入完成" in html and "共 30 行" in html
    assert m.Person.objects.filter(name__startswith="后台").count() == 30


def test_a_job_with_bad_rows_names_them_and_writes_nothing(
    client, feixi_editor, small_inline_limit, django_capture_on_commit_callbacks
):
    client.force_login(feixi_editor)
    rows = [row(i, 姓名=f"坏行{i}") for i in range(1, 6)]
    rows[2]["性别"] = "未知"
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, workbook(rows))
    html = client.get(response["Location"]).content.decode()
    assert "未导入任何数据" in html
    assert '<tr class="error-row"><td>4</td><td>性别</td>' in html  # row 4: header + 3
    assert not m.Person.objects.filter(name__startswith="坏行").exists()


def test_while_it_runs_the_page_refreshes_itself_with_rows_done(
    client, feixi_editor, small_inline_limit
):
    client.force_login(feixi_editor)
    response = upload(client, workbook([row(1, 姓名="排队")]))  # no commit: still queued
    job = BackgroundJob.objects.get()
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, stage="check", done=120, total=480
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "进行中" in html and "逐行校验" in html and "已处理 120 / 480 行(25%)" in html
    # The upload waits under private/, which cms.urls never serves as media.
    assert job.file.name.startswith("private/jobs/")


def test_only_the_uploader_sees_the_job(
    client, feixi_editor, small_inline_limit, site_group, make_user
):
    client.force_login(feixi_editor)
    response = upload(client, workbook([row(1, 姓名="别人的")]))
    other = make_user("feixi-bg-other", site_group["340123"].editors_group)
    client.force_login(other)
    assert client.get(response["Location"]).status_code in (302, 403)


def test_a_small_upload_is_still_imported_inline(client, feixi_editor):
    client.force_login(feixi_editor)
    response = upload(client, workbook([row(1, 姓名="当场")]))
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert not BackgroundJob.objects.exists()
