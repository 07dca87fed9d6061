"""The structure of a Chinese draft regulation: 编 / 章 / 节 / 条 / 款 / 项.

Pure functions, no database: ``parse_text(text)`` turns the text of a draft (a
paste, or the paragraphs of a Word file through ``parse_docx(file)``) into a
``Draft``: its title, the lines before the first provision (the preamble:
"(征求意见稿)", the date of the reading), and the tree of provisions, numbered
as drafts are (第一编, 第一章, 第一节, 第十二条, 第一百二十三条; paragraphs of an
article, 款, by position; items, 项, as (一)(二)…). A table of contents (目录)
is skipped; chapters may or may not have sections. ``problems`` lists what the
editor should look at before confirming (numbers out of sequence, an article
without text), in Chinese.

``cn_to_int`` and ``int_to_cn`` convert the numerals (一百零五, 一百一十, 两百).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}  # fmt: skip
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = "[零〇一二两三四五六七八九十百千]+"
CHARS = "零一二三四五六七八九"

PART, CHAPTER, SECTION, ARTICLE, PARAGRAPH, ITEM = (
    "part", "chapter", "section", "article", "paragraph", "item",
)  # fmt: skip
#: Each level's Chinese unit and its depth (items sit in paragraphs, paragraphs in articles).
UNIT = {PART: "编", CHAPTER: "章", SECTION: "节", ARTICLE: "条", PARAGRAPH: "款", ITEM: "项"}
LEVEL_NAMES = {PART: "编", CHAPTER: "章", SECTION: "节", ARTICLE: "条", PARAGRAPH: "款", ITEM: "项"}
HEADINGS = (PART, CHAPTER, SECTION)

SPACE = " \t\u3000\xa0"
_heading = re.compile(rf"^第({NUMERAL})([编章节])[{SPACE}]*(\S.*)?$")
_article = re.compile(rf"^第({NUMERAL})条(?:[{SPACE}]+(.*))?$")
_item = re.compile(rf"^[（(]({NUMERAL})[）)][{SPACE}]*(.*)$")
_toc = re.compile(rf"^目[{SPACE}]*录$")
#: A heading is a short line without a sentence's end (a paragraph may begin "第二章规定的…").
HEADING_MAX = 40


def cn_to_int(text: str) -> int:
    """``"一百二十三"`` → 123; ``"十二"`` → 12; ``"一百零五"`` → 105; ``"两百"`` → 200."""
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"不是中文数字:{text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(number: int) -> str:
    """123 → ``"一百二十三"``; 10 → ``"十"``; 12 → ``"十二"``; 110 → ``"一百一十"``; 105 → ``"一百零五"``."""
    if not 0 < number < 10000:
        raise ValueError(f"超出范围:{number}")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(CHARS[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def label(kind: str, number: int) -> str:
    """``label("article", 12)`` → ``"第十二条"``; items are ``"(一)"``."""
    if kind == ITEM:
        return f"（{int_to_cn(number)}）"
    return f"第{int_to_cn(number)}{UNIT[kind]}"


@dataclass
class Node:
    kind: str
    number: int
    heading: str = ""  # a part's, chapter's or section's name (总则)
    text: str = ""  # a paragraph's or item's own text
    children: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        return label(self.kind, self.number)

    def full_text(self) -> str:
        """An article's or paragraph's text: its paragraphs and items, one a line."""
        if self.kind == ITEM:
            return f"{self.label}{self.text}"
        if self.kind == PARAGRAPH:
            return "\n".join([self.text, *(c.full_text() for c in self.children)]).strip("\n")
        return "\n".join(c.full_text() for c in self.children)

    def as_dict(self) -> dict:
        data = {"kind": self.kind, "number": self.number, "label": self.label}
        if self.heading:
            data["heading"] = self.heading
        if self.text:
            data["text"] = self.text
        if self.children:
            data["children"] = [c.as_dict() for c in self.children]
        return data


@dataclass
class Draft:
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def walk(self, kinds: tuple[str, ...] | None = None):
        """Every node in document order (parents before children)."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            if kinds is None or node.kind in kinds:
                yield node
            stack.extend(reversed(node.children))

    @property
    def articles(self) -> list[Node]:
        return list(self.walk((ARTICLE,)))

    def as_dict(self) -> dict:
        return {"title": self.title, "preamble": self.preamble,
                "nodes": [n.as_dict() for n in self.nodes], "problems": self.problems}  # fmt: skip


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip(SPACE + "\ufeff")
        if line:
            out.append(line)
    return out


def _heading_match(line: str):
    found = _heading.match(line)
    if not found or len(line) > HEADING_MAX or line.endswith(("。", ";", ";", ",", ",")):
        return None
    try:
        number = cn_to_int(found.group(1))
    except ValueError:
        return None
    kind = {"编": PART, "章": CHAPTER, "节": SECTION}[found.group(2)]
    return kind, number, (found.group(3) or "").strip(SPACE)


def _article_match(line: str):
    found = _article.match(line)
    if not found:
        return None
    return cn_to_int(found.group(1)), (found.group(2) or "").strip(SPACE)


def _skip_contents(lines: list[str], start: int) -> int:
    """The index of the first line after a 目录 that begins at ``start`` (the 目录 line).

    The contents list headings only; the body begins where its first heading comes again."""
    entries = []
    index = start + 1
    while index < len(lines) and _heading_match(lines[index]):
        if entries and _normal(lines[index]) == entries[0]:
            return index  # the body begins with the contents' first heading
        entries.append(_normal(lines[index]))
        index += 1
    if not entries:
        return start + 1
    first = entries[0]
    for later in range(index, len(lines)):
        if _normal(lines[later]) == first:
            return later
    return index


def _normal(line: str) -> str:
    return re.sub(f"[{SPACE}]+", "", line)


def parse_text(text: str) -> Draft:
    """The tree of a draft regulation's text (one paragraph a line)."""
    lines = _lines(text)
    draft = Draft()
    # Where the provisions begin: the first heading or article outside a 目录.
    index, head = 0, []
    while index < len(lines):
        line = lines[index]
        if _toc.match(line):
            index = _skip_contents(lines, index)
            continue
        if _heading_match(line) or _article_match(line):
            break
        head.append(line)
        index += 1
    if head:
        draft.title, draft.preamble = head[0], head[1:]

    parents: dict[str, Node | None] = {PART: None, CHAPTER: None, SECTION: None}
    article: Node | None = None
    paragraph: Node | None = None

    def container() -> list[Node]:
        for kind in (SECTION, CHAPTER, PART):
            if parents[kind] is not None:
                return parents[kind].children
        return draft.nodes

    for line in lines[index:]:
        heading = _heading_match(line)
        if heading:
            kind, number, name = heading
            node = Node(kind, number, heading=name)
            if kind == PART:
                draft.nodes.append(node)
                parents.update({PART: node, CHAPTER: None, SECTION: None})
            elif kind == CHAPTER:
                (parents[PART].children if parents[PART] else draft.nodes).append(node)
                parents.update({CHAPTER: node, SECTION: None})
            else:
                if parents[CHAPTER] is None:
                    draft.problems.append(f"“{line}”不在任何一章之内。")
                container_of = parents[CHAPTER] or parents[PART]
                (container_of.children if container_of else draft.nodes).append(node)
                parents[SECTION] = node
            article = paragraph = None
            continue
        found = _article_match(line)
        if found:
            number, rest = found
            article = Node(ARTICLE, number)
            container().append(article)
            paragraph = None
            if rest:
                paragraph = Node(PARAGRAPH, 1, text=rest)
                article.children.append(paragraph)
            continue
        if article is None:  # text between a heading and its first article
            draft.problems.append(f"条文之外的文字:“{line[:30]}”。")
            continue
        item = _item.match(line)
        if item and paragraph is not None:
            try:
                number = cn_to_int(item.group(1))
            except ValueError:
                number = None
            if number is not None:
                paragraph.children.append(Node(ITEM, number, text=item.group(2).strip(SPACE)))
                continue
        if paragraph is not None and paragraph.children and re.match(r"^\d+[.、.]", line):
            paragraph.children[-1].text += "\n" + line  # a sub-item (目) stays in its item
            continue
        paragraph = Node(PARAGRAPH, len(article.children) + 1, text=line)
        article.children.append(paragraph)
    _check_numbers(draft)
    return draft


def _check_numbers(draft: Draft) -> None:
    """Articles run 1, 2, 3… through the whole draft; parts and chapters too; sections
    restart in each chapter, items in each paragraph."""

    def sequence(nodes: list[Node], kind: str, expected: int) -> int:
        for node in nodes:
            if node.number != expected:
                draft.problems.append(f"编号不连续:应为{label(kind, expected)},实为{node.label}。")
            expected = node.number + 1
        return expected

    sequence([n for n in draft.walk((PART,))], PART, 1)
    sequence([n for n in draft.walk((CHAPTER,))], CHAPTER, 1)
    sequence(draft.articles, ARTICLE, 1)
    for node in draft.walk((CHAPTER,)):
        sequence([c for c in node.children if c.kind == SECTION], SECTION, 1)
    for node in draft.walk((PARAGRAPH,)):
        sequence(node.children, ITEM, 1)
    for article in draft.articles:
        if not article.children:
            draft.problems.append(f"{article.label}没有条文内容。")
    if not draft.articles:
        draft.problems.append("没有识别出任何条文(每条应以“第一条”这样的编号开头)。")


def docx_text(file) -> str:
    """The paragraphs of a Word (.docx) file, one a line (tables and headers left out)."""
    import docx  # python-docx

    document = docx.Document(file)
    return "\n".join(p.text for p in document.paragraphs)


def parse_docx(file) -> Draft:
    return parse_text(docx_text(file))
