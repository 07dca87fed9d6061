"""链接可用性: every link of every live page, internal and outbound.

Internal links (a page, a document, an image, a path of the site) are answered from
the database (``cms.services.site_content.broken_references``); outbound ones were
checked by the engine through ``linkcheck`` (the core fetcher, politely per host)
before this indicator runs. Each broken link of a page is a finding of that page.
"""

from __future__ import annotations

import hashlib

from cms.services import site_content

from .base import Found, Indicator, Result, SiteContext

KINDS = {"page": "页面链接", "document": "文件链接", "image": "图片", "url": "链接"}


def _key(page_id: int, link: site_content.Link) -> str:
    digest = hashlib.sha1(f"{link.kind}:{link.target}".encode()).hexdigest()[:16]
    return f"page:{page_id}:{digest}"


class BrokenLinks(Indicator):
    code = "broken_links"
    name = "链接可用性"
    phase = "late"

    def evaluate(self, ctx: SiteContext) -> Result:
        every = [link for links in ctx.links.values() for link in links]
        internal = site_content.broken_references(ctx.site, every)
        points = ctx.n("links.points")
        checked = 0
        result = self.result(counted="个链接")
        for page_id in sorted(ctx.links, key=lambda pk: ctx.titles.get(pk, ("", ""))[1]):
            title, url_path = ctx.titles.get(page_id, ("", ""))
            seen: set[tuple[str, str]] = set()
            for link in ctx.links[page_id]:
                if (link.kind, link.target) in seen:
                    continue
                seen.add((link.kind, link.target))
                reason = internal.get(link)
                if (
                    link.kind == "url"
                    and not link.is_outbound
                    and not (link.target.startswith("/") and not link.target.startswith("//"))
                ):
                    continue  # neither a path of the site nor http(s): not checked
                if link.is_outbound:
                    outcome = ctx.outcomes.get(link.target)
                    if outcome is None:
                        continue  # not checked (outbound checks off)
                    reason = None if outcome.ok else outcome.reason
                checked += 1
                if reason is None:
                    continue
                shown = f"“{link.text}”" if link.text else ""
                target = link.target if link.kind == "url" else f"{KINDS[link.kind]} {link.target}"
                result.findings.append(Found(
                    _key(page_id, link), f"《{title}》中的{KINDS[link.kind]}{shown}不可用:{reason}",
                    points=points, detail=f"页面网址 {url_path};链接目标 {target}",
                    target_label=title, target_url=site_content.edit_url(page_id),
                    link_url=link.target if link.kind == "url" else "",
                ))  # fmt: skip
        result.numerator, result.denominator = len(result.findings), checked
        result.summary = f"不可用链接{result.numerator}/{checked}个"
        result.cap(ctx.n("links.points_max"))
        return result
