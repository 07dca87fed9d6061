"""The deputies API's example payloads for ``frontend_contracts/examples/`` (``make contracts``)."""

from __future__ import annotations

from cms.plugins.examples import CITY, MISSING_ID, SITE, UNKNOWN_SITE, Example, url

API = "/api/v1/deputies/"


def api_examples(recorder) -> list[Example]:
    """The routes of this plugin, on the demo's deputies."""
    first = recorder.get_json(url(API, site=SITE, limit=1))["results"]
    congresses = recorder.get_json(url(f"{API}congresses/", site=SITE))["results"]
    stations = recorder.get_json(url(f"{API}stations/", site=SITE))["results"]
    located = next((s for s in stations if s["latitude"] is not None), None)
    plan = [
        Example("deputies_list", "deputies_list", url(API, site=SITE, limit=3),
                "县级站点的代表名单(县人大和所辖乡镇人大的本届代表,每页 3 条)"),
        Example("deputies_list.level", "deputies_list",
                url(API, site=CITY, level="municipal", limit=3), "按层级筛选:市人大代表"),
        Example("deputies_list.400", "deputies_list", url(API, site=SITE, gender="x"),
                "筛选参数取值有误"),
        Example("deputies_list.404", "deputies_list", url(API, site=UNKNOWN_SITE),
                "不存在的站点代码"),
        Example("deputies_retrieve.404", "deputies_retrieve",
                url(f"{API}{MISSING_ID}/", site=SITE), "不存在或不属于本站点的代表"),
        Example("deputies_congresses_list", "deputies_congresses_list",
                url(f"{API}congresses/", site=SITE), "站点的人民代表大会及各届概况"),
        Example("deputies_stations_list", "deputies_stations_list",
                url(f"{API}stations/", site=SITE), "站点的代表联络站"),
        Example("deputies_stations_list.400", "deputies_stations_list",
                url(f"{API}stations/", site=SITE, near="abc"), "near 参数格式有误"),
    ]  # fmt: skip
    if recorder.township:
        plan.append(Example("deputies_list.township", "deputies_list",
                            url(API, site=recorder.township, limit=3),
                            "乡镇人大的代表(9位代码)"))  # fmt: skip
    if first:
        deputy = first[0]
        plan += [
            Example("deputies_list.q", "deputies_list",
                    url(API, site=SITE, q=deputy["name"][0], limit=3),
                    f"按姓名查找:“{deputy['name'][0]}”(也可用拼音全拼或首字母)"),
            Example("deputies_retrieve", "deputies_retrieve",
                    url(f"{API}{deputy['id']}/", site=SITE),
                    "代表详情:各级各届代表资格、履职汇总、职务、联络站"),
        ]  # fmt: skip
    if congresses:
        congress = congresses[0]["id"]
        plan += [
            Example("deputies_congresses_retrieve", "deputies_congresses_retrieve",
                    url(f"{API}congresses/{congress}/", site=SITE),
                    "人民代表大会详情,含本届的代表团和选区"),
            Example("deputies_congresses_statistics", "deputies_congresses_statistics",
                    url(f"{API}congresses/{congress}/statistics/", site=SITE),
                    "本届代表构成统计"),
        ]  # fmt: skip
    if stations:
        plan.append(Example("deputies_stations_retrieve", "deputies_stations_retrieve",
                            url(f"{API}stations/{stations[0]['id']}/", site=SITE),
                            "联络站详情和今后四周的接待安排"))  # fmt: skip
    if located:
        near = f"{located['latitude']},{located['longitude']}"
        plan.append(Example("deputies_stations_list.near", "deputies_stations_list",
                            url(f"{API}stations/", site=SITE, near=near, radius=10),
                            "某点 10 公里内的联络站,由近及远"))  # fmt: skip
    return plan
