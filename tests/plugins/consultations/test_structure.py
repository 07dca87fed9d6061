"""The draft parser on the test corpus: one test per numbering form, Word and paste alike."""

from __future__ import annotations

import pytest

from plugins.consultations.structure import (
    ARTICLE,
    CHAPTER,
    ITEM,
    PARAGRAPH,
    PART,
    SECTION,
    cn_to_int,
    int_to_cn,
    label,
    parse_docx,
    parse_text,
)

from .corpus import as_docx, long_draft, text


@pytest.mark.parametrize(
    ("numeral", "number"),
    [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21),
     ("九十九", 99), ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百一十二", 112),
     ("一百二十三", 123), ("两百", 200), ("二百零一", 201), ("一千零一十", 1010)],
)  # fmt: skip
def test_numerals_both_ways(numeral, number):
    assert cn_to_int(numeral) == number
    if "两" not in numeral:
        assert int_to_cn(number) == numeral


def test_numerals_round_trip_to_a_thousand():
    assert [cn_to_int(int_to_cn(n)) for n in range(1, 1001)] == list(range(1, 1001))


def test_not_a_numeral():
    with pytest.raises(ValueError):
        cn_to_int("第十")


def test_labels():
    assert label(ARTICLE, 123) == "第一百二十三条"
    assert label(CHAPTER, 10) == "第十章"
    assert label(ITEM, 3) == "（三）"


def _articles(draft):
    return [a.number for a in draft.articles]


def test_title_preamble_and_contents_skipped():
    draft = parse_text(text("chapters_sections"))
    assert draft.title == "安徽省农村供水条例（草案）"
    assert draft.preamble == ["（征求意见稿）", "2026年10月"]
    # The 目录 lists the chapters once; they are not read twice.
    assert [c.heading for c in draft.nodes] == [
        "总则",
        "规划与建设",
        "运行管理",
        "法律责任",
        "附则",
    ]
    assert draft.problems == []


def test_chapters_with_and_without_sections():
    draft = parse_text(text("chapters_sections"))
    general, planning = draft.nodes[0], draft.nodes[1]
    assert [c.kind for c in general.children] == [ARTICLE] * 3
    assert [(s.kind, s.label, s.heading) for s in planning.children] == [
        (SECTION, "第一节", "规划"), (SECTION, "第二节", "建设")]  # fmt: skip
    assert [a.number for a in planning.children[0].children] == [4, 5]
    assert [a.number for a in planning.children[1].children] == [6, 7]
    assert _articles(draft) == list(range(1, 14))


def test_paragraphs_and_items():
    draft = parse_text(text("chapters_sections"))
    second = draft.articles[1]
    assert [p.kind for p in second.children] == [PARAGRAPH, PARAGRAPH]
    assert second.children[1].text.startswith("本条例所称农村供水工程")
    fifth = draft.articles[4]
    assert len(fifth.children) == 2  # the list's paragraph and the one after the items
    items = fifth.children[0].children
    assert [(i.kind, i.label) for i in items] == [(ITEM, f"（{n}）") for n in "一二三四"]
    assert items[1].text == "水源选择与保护；"
    assert fifth.children[1].text == "规划应当向社会公开，征求公众意见。"
    assert fifth.full_text().splitlines()[1] == "（一）供水现状与需求预测；"


def test_article_mentioning_another_article_is_not_split():
    draft = parse_text(text("chapters_sections"))
    eleventh = draft.articles[10]
    assert eleventh.number == 11
    assert eleventh.children[0].text.startswith("违反本条例第十条规定的")


def test_no_chapters():
    draft = parse_text(text("no_chapters"))
    assert draft.title == "合肥市文明养犬规定（草案）"
    assert [n.kind for n in draft.nodes] == [ARTICLE] * 5
    third = draft.articles[2]
    assert [len(p.children) for p in third.children] == [3, 0]
    assert len(draft.articles[3].children) == 2
    assert draft.problems == []


def test_parts_chapters_numbered_through():
    draft = parse_text(text("parts"))
    assert [(p.kind, p.label, p.heading) for p in draft.nodes] == [
        (PART, "第一编", "会议制度"), (PART, "第二编", "监督工作")]  # fmt: skip
    assert [c.label for c in draft.walk((CHAPTER,))] == ["第一章", "第二章", "第三章"]
    assert _articles(draft) == [1, 2, 3, 4, 5]
    assert draft.problems == []


@pytest.mark.parametrize("parse", ["paste", "docx"])
def test_long_draft_to_article_one_hundred_twenty_three(parse):
    content = long_draft(123)
    draft = parse_text(content) if parse == "paste" else parse_docx(as_docx(content))
    articles = draft.articles
    assert _articles(draft) == list(range(1, 124))
    assert [a.label for a in articles[99:]][:11] == [
        "第一百条", "第一百零一条", "第一百零二条", "第一百零三条", "第一百零四条", "第一百零五条",
        "第一百零六条", "第一百零七条", "第一百零八条", "第一百零九条", "第一百一十条"]  # fmt: skip
    assert articles[-1].label == "第一百二十三条"
    assert articles[-1].children[0].text.endswith("(第123条)。")
    assert articles[9].label == "第十条" and articles[19].label == "第二十条"
    assert len(draft.nodes) == 11 and all(c.kind == CHAPTER for c in draft.nodes)
    assert all(a.kind == ARTICLE for c in draft.nodes for a in c.children)  # no sections
    assert len(articles[104].children) == 3  # 第一百零五条: three paragraphs, the last a list
    assert [i.label for i in articles[104].children[2].children] == ["（一）", "（二）", "（三）"]
    assert draft.problems == []


def test_docx_of_the_corpus_matches_the_paste():
    for name in ("chapters_sections", "no_chapters", "parts"):
        content = text(name)
        assert parse_docx(as_docx(content)).as_dict() == parse_text(content).as_dict()


def test_numbers_out_of_sequence_are_problems():
    draft = parse_text("某条例\n第一条　甲。\n第三条　乙。\n第三条\n")
    assert "编号不连续:应为第二条,实为第三条。" in draft.problems
    assert "第三条没有条文内容。" in draft.problems


def test_no_articles_is_a_problem():
    assert parse_text("只是一段话。").problems == [
        "没有识别出任何条文(每条应以“第一条”这样的编号开头)。"
    ]
