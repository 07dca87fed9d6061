"""错敏词: live content re-scanned with the site's word lists as they are today.

The publication check stops listed words before a page goes live, but the lists
change after publication: a word listed today is found in pages published last
year. A page with a sensitive word vetoes the site (``words.sensitive_veto``
pages: the 2019 indicators' serious errors and harmful content); a page with a
wrong word costs ``words.wrong_points``.
"""

from __future__ import annotations

from cms.services import site_content
from plugins.evaluation.models import Severity

from .base import Found, Indicator, Result, SiteContext


def _words(hits) -> str:
    parts = []
    for hit in hits:
        if hit.kind == "wrong" and hit.replacement:
            parts.append(f"“{hit.word}”(应为“{hit.replacement}”)")
        else:
            parts.append(f"“{hit.word}”")
    return "".join(parts)


class Words(Indicator):
    code = "words"
    name = "错敏词"

    def evaluate(self, ctx: SiteContext) -> Result:
        result = self.result(denominator=len(ctx.pages), counted="个页面")
        sensitive_pages = 0
        for page in ctx.pages:
            hits = ctx.word_hits.get(page.id)
            if not hits:
                continue
            bad = [h for h in hits if h.kind != "wrong"]
            wrong = [h for h in hits if h.kind == "wrong"]
            parts = []
            if bad:
                parts.append("含敏感词" + _words(bad))
            if wrong:
                parts.append("含错别字" + _words(wrong))
            found = Found(
                f"page:{page.id}", f"《{page.title}》" + ";".join(parts),
                Severity.VETO if bad else Severity.DEDUCTION,
                ctx.n("words.wrong_points") if wrong and not bad else 0,
                detail=f"{page.type_label},网址 {page.url_path}",
                target_label=page.title, target_url=site_content.edit_url(page.id),
            )  # fmt: skip
            sensitive_pages += bool(bad)
            result.findings.append(found)
        result.numerator = len(result.findings)
        result.veto = sensitive_pages >= max(1, ctx.whole("words.sensitive_veto"))
        if sensitive_pages and not result.veto:
            for found in result.findings:
                if found.severity == Severity.VETO:
                    found.severity = Severity.WARNING
        result.summary = (f"含错敏词的页面{result.numerator}/{result.denominator}个,"
                          f"其中含敏感词{sensitive_pages}个")  # fmt: skip
        result.cap(ctx.n("words.points_max"))
        return result
