"""The consultations plugin follows the write idiom: the shared tests of
``cms.plugins.testing`` for the comments and proposals routes."""

from __future__ import annotations

import datetime as dt

from cms.plugins.testing import PluginSubmissionTests
from plugins.consultations import workflow
from plugins.consultations.models import Consultation, Kind, Status, Topic

from .conftest import make_draft, today


class _OnAnOpenConsultation(PluginSubmissionTests):
    """The shared tests post ``submission_payload``; a comment (a proposal) also names the
    open consultation (call) of the site it is posted to, made here on first use."""

    target_field = ""

    def open_target(self, profile):
        raise NotImplementedError

    def post(self, client, profile, auth, payload=None, **headers):
        payload = dict(payload if payload is not None else self.submission_payload)
        payload.setdefault(self.target_field, self.open_target(profile).pk)
        return super().post(client, profile, auth, payload, **headers)

    # Comments and proposals take no attachments (the idiom's attachment test does not apply).
    test_attachments_are_the_authors_own_uploads = None


class TestCommentSubmissions(_OnAnOpenConsultation):
    plugin_label = "consultations"
    model = "consultations.Comment"
    submissions_url = "/api/v1/consultations/comments/"
    submission_payload = {"text": "建议明确规划的编制期限。"}
    text_field = "text"
    target_field = "consultation"

    def open_target(self, profile):
        found = Consultation.objects.filter(site_id=profile.site_id, kind=Kind.DRAFT,
                                            status=Status.OPEN).first()  # fmt: skip
        if found is None:
            found = workflow.publish(make_draft(profile))
        return found


class TestProposalSubmissions(_OnAnOpenConsultation):
    plugin_label = "consultations"
    model = "consultations.Proposal"
    submissions_url = "/api/v1/consultations/proposals/"
    submission_payload = {"title": "关于农村饮水安全的监督项目", "reasons": "群众反映水质不稳定。",
                          "proposer_type": "citizen"}  # fmt: skip
    text_field = "reasons"
    target_field = "call"

    def open_target(self, profile):
        found = Consultation.objects.filter(site_id=profile.site_id, kind=Kind.CALL,
                                            status=Status.OPEN).first()  # fmt: skip
        if found is None:
            found = Consultation.objects.create(
                site=profile.site, kind=Kind.CALL, topic=Topic.SUPERVISION,
                title="监督工作项目征集", opens_on=today(),
                closes_on=today() + dt.timedelta(days=30),
            )  # fmt: skip
            workflow.publish(found)
        return found
