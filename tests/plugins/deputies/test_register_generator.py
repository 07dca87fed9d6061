"""The generated province-wide register (fixtures/deputies_register.py) the benchmark imports.

The full register (120,000 rows) is only built by ``benchmarks/deputies.py``;
here its shape is checked from the congress specs, and one city's slice at a
small scale is written, read back and imported through ``import_deputies``.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from fixtures import deputies_register as register
from plugins.deputies import models as m
from plugins.deputies.importer import COLUMNS as IMPORT_COLUMNS
from plugins.deputies.privacy import id_number_problem

HEFEI_ONLY = ("340100",)
SLICE_SCALE = 0.03
REAL_CITY_CODES = {
    "340100", "340200", "340300", "340400", "340500", "340600", "340700", "340800",
    "341000", "341100", "341200", "341300", "341500", "341600", "341700", "341800",
}  # fmt: skip


def read_rows(path) -> list[dict]:
    sheet = load_workbook(path, read_only=True)[register.SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == register.COLUMNS
    return [dict(zip(register.COLUMNS, row, strict=True)) for row in rows[1:]]


def birth_month(value) -> str:
    """ "1975-03", "1975.03", "1975年3月" or a date cell → "197503"."""
    if hasattr(value, "year"):
        return f"{value.year}{value.month:02d}"
    year, month = re.findall(r"\d+", value)
    return f"{year}{int(month):02d}"


@pytest.fixture(scope="module")
def hefei_slice(tmp_path_factory):
    path = tmp_path_factory.mktemp("register") / "hefei.xlsx"
    stats = register.write_register(path, seed=7, scale=SLICE_SCALE, cities=HEFEI_ONLY)
    return path, stats, read_rows(path)


def test_full_register_has_the_real_shape():
    specs = register.congress_specs(seed=2026, scale=1.0)
    levels = Counter(s.level for s in specs)
    assert levels["national"] == 1 and levels["province"] == 1
    assert levels["municipal"] == 16 and levels["county"] == 104
    assert 1000 <= levels["township"] <= 1500
    assert {s.code for s in specs if s.level == "municipal"} == REAL_CITY_CODES
    seats = Counter()
    for s in specs:
        seats[s.level] += s.seats
        if s.level == "county":
            assert s.code[:4] + "00" == s.ancestors[0] and re.fullmatch(r"\d{6}", s.code)
        if s.level == "township":
            assert s.code.startswith(s.ancestors[0]) and re.fullmatch(r"\d{9}", s.code)
    assert 110_000 <= sum(seats.values()) <= 130_000
    assert seats["national"] == 112 and seats["province"] == 730
    assert 80_000 <= seats["township"] <= 95_000
    # Hefei's counties and Feixi's townships keep their real codes and names.
    names = {s.code: s.name for s in specs}
    assert names["340123"] == "肥西县人民代表大会"
    assert names["340123100"] == "上派镇人民代表大会"
    assert len({s.code for s in specs}) == len(specs)


def test_slice_matches_the_import_format_and_is_consistent(hefei_slice):
    path, stats, rows = hefei_slice
    assert register.COLUMNS == IMPORT_COLUMNS
    assert 150 <= stats.rows == len(rows) <= 600
    assert stats.people < stats.rows  # some people sit at two levels
    by_person = {}
    for row in rows:
        assert id_number_problem(row["身份证号"]) is None, row["身份证号"]
        profile = tuple(row[c] for c in ("姓名", "性别", "出生年月", "手机号码", "通讯地址"))
        assert by_person.setdefault(row["身份证号"], profile) == profile
        # The ID number's sex digit and birth month agree with the row.
        assert int(row["身份证号"][16]) % 2 == (1 if row["性别"] == "男" else 0)
        assert birth_month(row["出生年月"]) == row["身份证号"][6:12]
        assert row["终止原因"] or not row["终止日期"]
        direct = row["选举方式"].startswith("直接")
        assert bool(row["选区"]) == direct and bool(row["代表团"]) == (not direct)
    assert len(by_person) == stats.people
    assert sum(stats.by_level.values()) == stats.rows
    assert any(row["职务"] for row in rows)
    assert Counter(row["姓名"] for row in rows).most_common(1)[0][1] > 1  # namesakes


def test_generation_is_deterministic(hefei_slice, tmp_path):
    _path, _stats, rows = hefei_slice
    again = tmp_path / "again.xlsx"
    register.write_register(again, seed=7, scale=SLICE_SCALE, cities=HEFEI_ONLY)
    assert read_rows(again) == rows
    other = tmp_path / "other.xlsx"
    register.write_register(other, seed=8, scale=SLICE_SCALE, cities=HEFEI_ONLY)
    assert read_rows(other) != rows


def test_slice_imports_on_the_nearest_sites(hefei_slice, site_group, capsys):
    path, stats, _rows = hefei_slice
    site_ids = {code: profile.site_id for code, profile in site_group.items()}
    specs = register.congress_specs(seed=7, scale=SLICE_SCALE, cities=HEFEI_ONLY)
    congresses = register.ensure_congresses(site_ids, specs)
    assert congresses["340123"].site_id == site_ids["340123"]
    assert congresses["340123100"].site_id == site_ids["340123"]  # a township column's county
    assert congresses["340104"].site_id == site_ids["340100"]  # no site of its own: its city's
    assert congresses[register.NATIONAL_CODE].site_id == site_ids["340000"]
    assert register.ensure_congresses(site_ids, specs).keys() == congresses.keys()
    assert m.Term.objects.count() == len(specs)  # a second run creates nothing

    call_command("import_deputies", str(path), "--no-progress")
    assert m.Membership.objects.count() == stats.rows
    assert m.Person.objects.count() == stats.people
    assert m.PostHolding.objects.exists()
    assert m.Membership.objects.exclude(end_date=None).count() == stats.ended
