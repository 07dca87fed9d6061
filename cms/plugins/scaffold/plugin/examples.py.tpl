"""Example payloads of the plugin's routes for frontend_contracts/examples/ (``make contracts``)."""

from cms.plugins.examples import SITE, Example, url

API = "/api/v1/${label}/entries/"
SUBMISSIONS = "/api/v1/${label}/submissions/"


def api_examples(recorder) -> list[Example]:
    """Every GET operation of the contract has a recorded example (on the demo data)."""
    entries = recorder.get_json(url(API, site=SITE))["results"]
    plan = [
        Example("${label}_entries_list", "${label}_entries_list", url(API, site=SITE, limit=3),
                "本站点的条目(每页 3 条)"),
    ]  # fmt: skip
    if entries:
        plan.append(Example("${label}_entries_retrieve", "${label}_entries_retrieve",
                            url(f"{API}{entries[0]['id']}/", site=SITE), "条目详情"))  # fmt: skip
    if recorder.auth:
        plan.append(Example("${label}_submissions_list", "${label}_submissions_list",
                            url(SUBMISSIONS, site=SITE), "带令牌:我发给本站的来信及其状态",
                            headers=recorder.auth))  # fmt: skip
    return plan
