"""The test corpus: drafts written for the tests (the small ones are committed under
``corpus/``), a long draft of 123 articles in chapters without sections, and Word files
made of them with python-docx."""

from __future__ import annotations

import io
from pathlib import Path

import docx

from plugins.consultations.structure import int_to_cn

CORPUS = Path(__file__).parent / "corpus"

SUBJECTS = ("县级以上人民政府", "生态环境主管部门", "乡镇人民政府", "村民委员会", "经营者",
            "行业协会", "公安机关", "教育主管部门")  # fmt: skip
DUTIES = ("应当建立健全工作机制，加强统筹协调", "应当做好宣传教育工作，提高公众参与度",
          "应当将所需经费纳入本级财政预算", "应当依法公开相关信息，接受社会监督",
          "应当制定应急预案，定期组织演练")  # fmt: skip


def text(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def long_draft(
    articles: int = 123, per_chapter: int = 12, title: str = "安徽省生态环境保护条例(草案)"
) -> str:
    """A draft of ``articles`` articles, ``per_chapter`` to a chapter, no sections; every
    fifth article has a second paragraph, every seventh a list of three items."""
    lines = [title, "(征求意见稿)"]
    chapter = 0
    for number in range(1, articles + 1):
        if (number - 1) % per_chapter == 0:
            chapter += 1
            lines.append(f"第{int_to_cn(chapter)}章　第{chapter}部分规定")
        subject = SUBJECTS[number % len(SUBJECTS)]
        duty = DUTIES[number % len(DUTIES)]
        lines.append(f"第{int_to_cn(number)}条　{subject}{duty}(第{number}条)。")
        if number % 5 == 0:
            lines.append(f"前款规定的具体办法,由省人民政府另行制定(第{number}条第二款)。")
        if number % 7 == 0:
            lines.append("有关部门应当履行下列职责:")
            lines += [f"({int_to_cn(i)})第{number}条第{i}项的职责;" for i in (1, 2, 3)]
    return "\n".join(lines)


def as_docx(content: str) -> io.BytesIO:
    """A Word file with one paragraph a line, as drafts are typed (full-width spaces kept)."""
    document = docx.Document()
    for line in content.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    out.seek(0)
    out.name = "draft.docx"
    return out
