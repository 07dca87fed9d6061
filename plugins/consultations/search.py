"""Open consultations and their articles in the site search (``/api/v1/search/``).

Kinds ``consultations.consultation`` (a consultation or call while open: its title,
summary and 起草说明) and ``consultations.article`` (each article of an open draft's
current version). A consultation's save (published, opened, closed by the sweep)
re-indexes its articles in bulk (``sync``); a new version does too
(``workflow.save_version``). The result's ``url`` is the public API's detail.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save

from search.registry import RecordProvider, register, sync

from .models import Consultation, Provision, Status, Version

ARTICLE_KIND = "consultations.article"


def _code(site) -> str:
    profile = getattr(site, "profile", None)
    return profile.division_code if profile is not None else ""


class OpenConsultationProvider(RecordProvider):
    model = Consultation
    kind = "consultations.consultation"
    verbose_name = "征求意见"

    def get_queryset(self):
        return Consultation.objects.filter(status=Status.OPEN).select_related("site__profile")

    def to_document(self, obj) -> dict:
        return {
            "title": obj.title,
            "body": "\n".join(p for p in (obj.summary, obj.explanation) if p),
            "date": obj.opens_on,
            "url": f"/api/v1/consultations/{obj.pk}/?site={_code(obj.site)}",
        }


class OpenArticleProvider(RecordProvider):
    model = Provision
    kind = ARTICLE_KIND
    verbose_name = "征求意见草案条文"
    site_field = "version__consultation__site"

    def get_queryset(self):
        newer = Version.objects.filter(consultation=OuterRef("version__consultation"),
                                       number__gt=OuterRef("version__number"))  # fmt: skip
        return (
            Provision.objects.filter(kind="article", version__consultation__status=Status.OPEN)
            .exclude(Exists(newer))
            .select_related("version__consultation__site__profile")
        )

    def site_id(self, obj) -> int:
        return obj.version.consultation.site_id

    def to_document(self, obj) -> dict:
        consultation = obj.version.consultation
        return {
            "title": f"{obj.label}({consultation.title})",
            "body": "\n".join(p for p in (obj.place, obj.text) if p),
            "date": consultation.opens_on,
            "url": f"/api/v1/consultations/{consultation.pk}/?site={_code(consultation.site)}",
        }


def sync_articles(consultation_id: int) -> None:
    pks = list(Provision.objects.filter(version__consultation_id=consultation_id, kind="article")
               .values_list("pk", flat=True))  # fmt: skip
    if pks:
        sync(ARTICLE_KIND, pks)


def _consultation_saved(sender, instance, **kwargs) -> None:
    sync_articles(instance.pk)


register(OpenConsultationProvider())
provider = register(OpenArticleProvider())
post_save.connect(_consultation_saved, sender=Consultation, dispatch_uid="consultations_search")
