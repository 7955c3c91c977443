"""Law paragraphs (款) as citations resolve them."""

from __future__ import annotations

from generator.model import Law

TEXT = "第一款正文。\n第二款正文，有下列情形之一的：\n（一）情形一；\n（二）情形二。\n第三款正文。"


def test_list_lines_belong_to_their_paragraph() -> None:
    law = Law(id="x", title="某法", level="法律", articles={"34": TEXT})
    assert law.paragraphs("34") == ["第一款正文。", "第二款正文，有下列情形之一的：\n（一）情形一；\n（二）情形二。", "第三款正文。"]
    assert law.article_text("34.3") == "第三款正文。"
    assert law.article_text("34.4") is None


def test_a_paragraph_key_of_its_own_wins() -> None:
    law = Law(id="x", title="某法", level="法律", articles={"34": TEXT, "34.2": "单独收录的第二款。"})
    assert law.article_text("34.2") == "单独收录的第二款。"
