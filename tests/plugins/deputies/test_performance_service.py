"""``cms.services.performance``: how another plugin writes deputies' performance records.

Everything goes through the core service, as a plugin would (it never imports
the deputies plugin); the entries are then checked in the database and in the
public deputy detail.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cms.services import performance
from plugins.deputies import models as m

D = datetime.date


def add(person, **kwargs):
    defaults = {"kind": "suggestion", "date": D(2023, 5, 4), "title": "关于加强农村饮水安全的建议",
                "source": "suggestions", "source_ref": "1"}  # fmt: skip
    return performance.add_entry(deputy_id=person.pk, **{**defaults, **kwargs})


def seat(register, name, code):
    return m.Membership.objects.get(
        person=register.people[name], congress__division_code=code, term=register.terms[code]
    )


def test_the_record_is_available_while_the_plugin_is_installed(monkeypatch):
    assert performance.is_available()
    monkeypatch.setattr(performance, "_backend", None)
    assert not performance.is_available()
    with pytest.raises(performance.PerformanceRecordUnavailable):
        performance.add_entry(deputy_id=1, kind="suggestion", date=D(2023, 5, 4), title="x",
                              source="suggestions", source_ref="1")  # fmt: skip


def test_an_entry_goes_to_the_seat_held_on_its_date(register):
    li = register.people["李芳"]
    entry_id = add(li, quantity=1, url="/suggestions/1/")
    entry = m.PerformanceEntry.objects.get(pk=entry_id)
    assert entry.membership == seat(register, "李芳", "340123")
    assert entry.site_id == register.congresses["340123"].site_id
    assert (entry.kind, entry.date, entry.title, entry.quantity, entry.source, entry.source_ref,
            entry.url) == ("suggestion", D(2023, 5, 4), "关于加强农村饮水安全的建议", Decimal(1),
                           "suggestions", "1", "/suggestions/1/")  # fmt: skip


def test_division_code_chooses_between_two_seats(register):
    zhang = register.people["张伟"]  # seated in 肥西县 and 合肥市
    county = add(zhang, source_ref="county", division_code="340123")
    city = add(zhang, source_ref="city", division_code="340100")
    assert m.PerformanceEntry.objects.get(pk=county).membership == seat(register, "张伟", "340123")
    assert m.PerformanceEntry.objects.get(pk=city).membership == seat(register, "张伟", "340100")
    # 肥西's term started on 2021-12-20, 合肥's on 2022-01-06: on 2022-01-01 only one seat.
    early = add(zhang, source_ref="early", date=D(2022, 1, 1))
    assert m.PerformanceEntry.objects.get(pk=early).membership == seat(register, "张伟", "340123")
    with pytest.raises(performance.PerformanceRecordError, match="340100"):
        add(zhang, source_ref="early-city", date=D(2022, 1, 1), division_code="340100")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"date": D(2020, 6, 1)}, "no seat"),  # before the term
        ({"kind": "speech"}, "Unknown kind"),
        ({"source_ref": ""}, "source_ref"),
        ({"division_code": "340121"}, "340121"),  # a congress 李芳 does not sit in
    ],
)
def test_what_cannot_be_recorded_is_refused_and_nothing_stored(register, change, message):
    with pytest.raises(performance.PerformanceRecordError, match=message):
        add(register.people["李芳"], **change)
    assert not m.PerformanceEntry.objects.exists()


def test_unknown_deputy_and_ended_seat_are_refused(register):
    with pytest.raises(performance.PerformanceRecordError, match="No deputy"):
        performance.add_entry(deputy_id=999999, kind="suggestion", date=D(2023, 5, 4),
                              title="x", source="suggestions", source_ref="1")  # fmt: skip
    li_seat = seat(register, "李芳", "340123")
    li_seat.end_date, li_seat.end_reason = D(2023, 6, 30), m.EndReason.RESIGNED
    li_seat.save()
    add(register.people["李芳"], date=D(2023, 6, 30))  # the last day still counts
    with pytest.raises(performance.PerformanceRecordError, match="no seat"):
        add(register.people["李芳"], source_ref="2", date=D(2023, 7, 1))
    assert m.PerformanceEntry.objects.count() == 1


def test_adding_again_updates_and_remove_deletes(register):
    zhang = register.people["张伟"]
    first = add(zhang, division_code="340123")
    again = add(zhang, division_code="340100", title="关于完善农村公路养护机制的建议",
                date=D(2023, 6, 1))  # fmt: skip
    assert again == first
    entry = m.PerformanceEntry.objects.get()
    assert entry.title == "关于完善农村公路养护机制的建议" and entry.date == D(2023, 6, 1)
    assert entry.membership == seat(register, "张伟", "340100")  # moved with its new date/seat
    # Another source's entry with the same ref is another entry.
    add(zhang, source="training", kind="training", quantity=4)
    assert m.PerformanceEntry.objects.count() == 2

    assert performance.remove_entry(source="suggestions", source_ref="1") is True
    assert performance.remove_entry(source="suggestions", source_ref="1") is False
    assert list(m.PerformanceEntry.objects.values_list("source", flat=True)) == ["training"]


def record_a_year(person, code):
    """Two sessions (one missed), two suggestions and 6.5 hours of training."""
    for ref, kind, quantity in (("s1", "session", 1), ("s2", "session", 0),
                                ("g1", "suggestion", 1), ("g2", "suggestion", 1),
                                ("t1", "training", 4), ("t2", "training", "2.5")):  # fmt: skip
        add(person, source_ref=f"{code}-{ref}", kind=kind, quantity=quantity, division_code=code)


def test_summary_counts_per_seat(register):
    zhang = register.people["张伟"]
    record_a_year(zhang, "340123")
    add(zhang, source_ref="city-g", division_code="340100")

    seats = {s["division_code"]: s for s in performance.summary(zhang.pk)}
    assert set(seats) == {"340123", "340100"}
    county = seats["340123"]
    assert (county["congress"], county["term"]) == ("肥西县人民代表大会", 18)
    assert county["counts"]["suggestion"] == 2
    assert county["counts"]["session"] == 1  # attended
    assert county["counts"]["training"] == 2 and county["counts"]["motion"] == 0
    assert county["training_hours"] == Decimal("6.5")
    assert (county["sessions_attended"], county["sessions_total"]) == (1, 2)
    assert seats["340100"]["counts"]["suggestion"] == 1
    assert seats["340100"]["training_hours"] == 0

    only_city = performance.summary(zhang.pk, division_code="340100")
    assert [s["division_code"] for s in only_city] == ["340100"]


def test_the_public_detail_shows_the_summary_per_seat(client, register):
    zhang = register.people["张伟"]
    record_a_year(zhang, "340123")

    response = client.get(f"/api/v1/deputies/{zhang.pk}/?site=340123")
    assert response.status_code == 200
    seats = {s["congress"]["division_code"]: s for s in response.json()["memberships"]}
    county = seats["340123"]["performance"]
    assert county["counts"]["suggestion"] == 2 and county["counts"]["session"] == 1
    assert county["training_hours"] == 6.5
    assert (county["sessions_attended"], county["sessions_total"]) == (1, 2)
    assert seats["340100"]["performance"]["counts"]["suggestion"] == 0
    assert zhang.id_number not in response.content.decode()  # private data stays private
