"""Versions compared article by article: changed, moved, added, removed."""

from __future__ import annotations

from plugins.consultations.compare import Article, compare, summary
from plugins.consultations.structure import parse_text

from .corpus import text

FIRST = ["为了规范养犬行为,维护公共秩序,制定本规定。", "本规定适用于本市城市建成区。",
         "养犬人携犬出户时,应当为犬只束犬链。", "公安机关负责养犬登记。", "本规定自公布之日起施行。"]  # fmt: skip


def arts(texts, place=""):
    return [Article(n, t, place) for n, t in enumerate(texts, start=1)]


def statuses(changes):
    return [(c.status, c.old and c.old.number, c.new and c.new.number) for c in changes]


def test_same_draft_is_unchanged():
    changes = compare(arts(FIRST), arts(FIRST))
    assert {c.status for c in changes} == {"unchanged"}
    assert summary(changes)["unchanged"] == 5


def test_reworded_article_is_changed():
    second = list(FIRST)
    second[2] = "养犬人携犬出户时,应当为犬只佩戴犬牌并束犬链。"
    changes = compare(arts(FIRST), arts(second))
    assert statuses(changes)[2] == ("changed", 3, 3)
    assert changes[2].text_changed and 0.5 <= changes[2].similarity < 1


def test_added_and_removed_renumber_the_rest_without_moving_them():
    second = [
        FIRST[0],
        FIRST[1],
        "养犬人应当及时清除犬只排泄物,保持环境卫生整洁。",
        FIRST[2],
        FIRST[4],
    ]
    changes = compare(arts(FIRST), arts(second))
    assert statuses(changes) == [
        ("unchanged", 1, 1), ("unchanged", 2, 2), ("added", None, 3), ("unchanged", 3, 4),
        ("removed", 4, None), ("unchanged", 5, 5)]  # fmt: skip
    assert changes[3].renumbered and not changes[0].renumbered


def test_moved_article():
    second = [FIRST[0], FIRST[3], FIRST[1], FIRST[2], FIRST[4]]
    changes = compare(arts(FIRST), arts(second))
    moved = [c for c in changes if c.status == "moved"]
    assert len(moved) == 1 and (moved[0].old.number, moved[0].new.number) == (4, 2)
    assert summary(changes) == {"unchanged": 4, "changed": 0, "moved": 1, "added": 0, "removed": 0}


def test_article_moved_to_another_chapter_and_reworded():
    old = [Article(1, FIRST[0], "第一章 总则"), Article(2, FIRST[3], "第二章 管理")]
    new = [
        Article(1, FIRST[0], "第一章 总则"),
        Article(2, "公安机关负责养犬登记和年检。", "第一章 总则"),
    ]
    changes = compare(old, new)
    assert changes[1].status == "moved" and changes[1].text_changed


def test_unrelated_text_is_added_and_removed_not_changed():
    changes = compare(arts(["本条例自公布之日起施行。"]), arts(["县级以上人民政府应当加强领导。"]))
    assert sorted(c.status for c in changes) == ["added", "removed"]


def test_corpus_draft_second_reading():
    first = parse_text(text("no_chapters"))
    second_text = (
        text("no_chapters")
        .replace(
            "第四条　公安机关负责养犬登记和管理工作。",
            "第四条　公安机关负责养犬登记、年检和管理工作。",
        )
        .replace(
            "第五条　本规定自公布之日起施行。",
            "第五条　违反本规定的,由公安机关予以警告。\n第六条　本规定自公布之日起施行。",
        )
    )
    second = parse_text(second_text)

    def of(draft):
        return [Article(a.number, a.full_text()) for a in draft.articles]

    assert statuses(compare(of(first), of(second))) == [
        ("unchanged", 1, 1), ("unchanged", 2, 2), ("unchanged", 3, 3), ("changed", 4, 4),
        ("added", None, 5), ("unchanged", 5, 6)]  # fmt: skip
