"""Clause segmentation: Chinese and English numbering schemes, nesting and plain enumerations."""

from __future__ import annotations

from copilot.contracts.clauses import leaves, segment, titles
from copilot.contracts.pdf import ContractDocument


def _doc(text: str) -> ContractDocument:
    return ContractDocument.from_text(text)


def test_articles_and_subclauses_zh() -> None:
    clauses = segment(_doc("前言\n第一条 合同标的\n1.1 设备\n1.2 技术\n第二条 价款\n总价100万元。"))
    assert [c.heading for c in clauses] == ["", "第一条 合同标的", "1.1 设备", "1.2 技术", "第二条 价款"]
    assert clauses[2].parent == 1 and clauses[4].parent is None
    assert clauses[1].text.endswith("1.2 技术")


def test_chapters_give_titles_to_untitled_articles() -> None:
    clauses = segment(_doc("第一章 验收\n第一条 到货后10日内验收。\n第二章 其他\n第二条 一式两份。"))
    article = next(i for i, c in enumerate(clauses) if c.number == "第一条")
    assert titles(clauses, article) == ["", "验收"]


def test_zh_enumeration_with_parenthesised_items() -> None:
    clauses = segment(_doc("一、付款\n（一）预付30%；\n（二）尾款70%。\n二、交货\n三日内交货。"))
    assert [c.style for c in clauses] == ["zh_enum", "paren_cn", "paren_cn", "zh_enum"]
    assert set(leaves(clauses)) == {1, 2, 3}


def test_plain_numbered_list_inside_a_clause_is_not_a_new_clause() -> None:
    clauses = segment(_doc("1. Scope\nThe parties agree:\n1. first item\n2. second item\n2. Price\nUSD 10."))
    assert [c.heading for c in clauses] == ["1 Scope", "2 Price"]
    assert "2. second item" in clauses[0].text


def test_english_articles_and_run_in_titles() -> None:
    clauses = segment(
        _doc("ARTICLE I DEFINITIONS\nText.\nARTICLE II TERM\n2.1 Termination. Either party may end.")
    )
    assert [c.style for c in clauses] == ["article_en", "article_en", "dotted"]
    assert clauses[0].heading == "ARTICLE I DEFINITIONS"
    assert clauses[-1].title == "Termination"


def test_label_title_and_spans() -> None:
    doc = _doc("3.1 交货期限：合同签订后30日内交货。")
    clause = segment(doc)[0]
    assert clause.title == "交货期限"
    assert doc.text[clause.start : clause.end] == clause.text and clause.pages == (1,)
