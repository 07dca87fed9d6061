"""A provincial draft and a county call on the test site group, citizens and deputies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from plugins.consultations import structure, workflow
from plugins.consultations.models import Consultation, Kind, Topic
from tests.plugins.suggestions.conftest import citizen_auth, make_deputy

from .corpus import text

__all__ = ["citizen_auth", "make_deputy"]


def today() -> dt.date:
    return timezone.localdate()


def make_draft(
    profile, name="chapters_sections", opens=None, title="安徽省农村供水条例(草案)征求意见"
):
    opens = opens or today()
    consultation = Consultation.objects.create(
        site=profile.site, kind=Kind.DRAFT, title=title, summary="公开征求意见",
        explanation="为保障农村供水安全,起草了本条例草案。", opens_on=opens,
        closes_on=opens + dt.timedelta(days=30),
    )  # fmt: skip
    workflow.save_version(consultation, structure.parse_text(text(name)))
    return consultation


@pytest.fixture
def province(site_group):
    profile = site_group["340000"]
    set_enabled("consultations", profile, True)
    return profile


@pytest.fixture
def feixi(site_group):
    profile = site_group["340123"]
    set_enabled("consultations", profile, True)
    return profile


@pytest.fixture
def draft(province):
    consultation = make_draft(province)
    workflow.publish(consultation)
    return consultation


@pytest.fixture
def call(feixi):
    call = Consultation.objects.create(
        site=feixi.site, kind=Kind.CALL, topic=Topic.SUPERVISION, title="2027年监督工作项目征集",
        opens_on=today(), closes_on=today() + dt.timedelta(days=30),
    )  # fmt: skip
    workflow.publish(call)
    return call


@pytest.fixture
def office(province, make_user):
    return make_user("province-office", province.editors_group)


@pytest.fixture
def feixi_office(feixi, make_user):
    return make_user("feixi-office", feixi.editors_group)
