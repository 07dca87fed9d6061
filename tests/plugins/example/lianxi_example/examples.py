"""Example payloads of the plugin's routes for frontend_contracts/examples/ (``make contracts``)."""

from cms.plugins.examples import SITE, Example, url

API = "/api/v1/example/entries/"


def api_examples(recorder) -> list[Example]:
    """Every GET operation of the contract has a recorded example (on the demo data)."""
    entries = recorder.get_json(url(API, site=SITE))["results"]
    plan = [
        Example("example_entries_list", "example_entries_list", url(API, site=SITE, limit=3),
                "本站点的条目(每页 3 条)"),
    ]  # fmt: skip
    if entries:
        plan.append(Example("example_entries_retrieve", "example_entries_retrieve",
                            url(f"{API}{entries[0]['id']}/", site=SITE), "条目详情"))  # fmt: skip
    return plan
