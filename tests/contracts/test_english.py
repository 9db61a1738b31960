"""English agreements: parties without role labels or truncation, amounts in words and other currencies,
terms with computed ends, instalments, arbitration and courts, governing law. Each test writes the
structure it covers with made-up names; none copies a phrase from an eval document."""

from __future__ import annotations

from typing import Any

import pytest

from copilot.contracts.fields import OfflineContractExtractor
from copilot.contracts.parties_en import read_name
from copilot.contracts.pdf import ContractDocument, read_pdf
from tests.contracts.builders import english_pdf

INTRO = 'This Agreement is made by and between Alder Foods Inc. ("Buyer") and Birch Tools LLC ("Seller").'


def fields(*lines: str) -> dict[str, Any]:
    return OfflineContractExtractor().extract(ContractDocument.from_text("\n".join(lines))).normalised()


@pytest.mark.parametrize(
    ("intro", "a", "b"),
    [
        (
            'This Sales Contract is made by and between Qinghe Trading Co., Ltd. (hereinafter "Buyer") and '
            'Hollis Machinery (Taicang) Co., Ltd. (hereinafter "Seller").',
            "Qinghe Trading Co., Ltd.",
            "Hollis Machinery (Taicang) Co., Ltd.",
        ),
        (  # seller named first: the buyer is still party A
            "This Agreement is entered into between Marlow Components GmbH & Co. KG, "
            "a German limited partnership "
            '("Supplier"), and Pine Street Bakeries, Inc., a Delaware corporation ("Customer").',
            "Pine Street Bakeries, Inc.",
            "Marlow Components GmbH & Co. KG",
        ),
        (
            "THIS AGREEMENT is dated 3 May 2026 and made BETWEEN:\n"
            "(1) Fenwick Optics Limited, a company incorporated in England and Wales (company number 0123) "
            '("Supplier"); and\n(2) Sable Retail (Shenzhen) Co., Ltd. ("Customer").',
            "Sable Retail (Shenzhen) Co., Ltd.",
            "Fenwick Optics Limited",
        ),
        (  # no `between`: names defined where they stand
            'Keel Analytics, LLC, with offices at 10 Dock Road, Boston ("Consultant") and Orchard Health, '
            'Inc. ("Client") agree to the terms of this Consulting Agreement.',
            "Orchard Health, Inc.",
            "Keel Analytics, LLC",
        ),
        (
            "This Purchase Contract is made by and between:\nBuyer: Larch Hospitality Pte. Ltd.\n"
            "Address: 5 Harbour Walk, Singapore\nSeller: Tamsin Textiles S.A. de C.V.\nAddress: Monterrey",
            "Larch Hospitality Pte. Ltd.",
            "Tamsin Textiles S.A. de C.V.",
        ),
        (
            'This Agreement is made between The Ash and Elm Company ("Licensor") and Quarry Media, '
            'Inc. d/b/a Quarry Studios ("Licensee").',
            "Quarry Media, Inc. d/b/a Quarry Studios",
            "The Ash and Elm Company",
        ),
    ],
)
def test_parties_as_written(intro: str, a: str, b: str) -> None:
    assert fields(intro)["parties"] == {"party_a": a, "party_b": b}


def test_party_name_reader_keeps_suffixes_and_drops_labels() -> None:
    text = "Party B (Seller): Corvid Instruments (Suzhou) Co., Ltd., a company with its address at 1 Road"
    name = read_name(text, 0)
    assert name is not None and name.name == "Corvid Instruments (Suzhou) Co., Ltd." and name.role == "b"
    assert read_name('Acme Holdings Limited ("Acme")', 0) is not None
    assert read_name("WHEREAS, the parties wish", 0) is None
    assert read_name("1200 Harbor Boulevard, Suite 4", 0) is None


def test_latin_name_under_a_chinese_label_is_not_cut_at_the_first_space() -> None:
    f = fields(
        "甲方：Northwind Retail (Shanghai) Co., Ltd.",
        "乙方：上海恒拓机械有限公司",
        "第一条 标的",
        "乙方向甲方供货。",
    )
    assert f["parties"] == {
        "party_a": "Northwind Retail (Shanghai) Co., Ltd.",
        "party_b": "上海恒拓机械有限公司",
    }


@pytest.mark.parametrize(
    ("line", "amount", "currency"),
    [
        ("The total contract price is Two Hundred Thousand US Dollars (USD 200,000).", 200000, "USD"),
        (
            "The Contract Price shall be EUR 86,400 (say Euros eighty-six thousand four hundred).",
            86400,
            "EUR",
        ),
        ("Buyer shall pay Seller a total of HK$ 300,000 for the Goods.", 300000, "HKD"),
        ("The price for the Equipment is £45,000.", 45000, "GBP"),
        ("The aggregate purchase price of the Products is Euro 10,000.", 10000, "EUR"),
        ("Total Contract Value: RMB 1,000,000 (tax included).", 1000000, "CNY"),
    ],
)
def test_amounts_keep_their_currency(line: str, amount: float, currency: str) -> None:
    assert fields(INTRO, "1. Price", line)["contract_amount"] == {"amount": amount, "currency": currency}


@pytest.mark.parametrize(
    "lines",
    [
        ("1. Price", "The total price is USD 100,000.", "2. Payment",
         "Buyer shall pay 30% upon signing, 60% upon delivery, and 10% after acceptance."),
        ("1. Price", "The total price is USD 100,000.", "2. Payment",
         "The Contract Price shall be paid in three installments as follows:",
         "(a) thirty percent (30%) within ten (10) days after signing;",
         "(b) sixty percent (60%) upon delivery;",
         "(c) the remaining ten percent (10%) upon final acceptance."),
        ("1. Price", "The total contract price is USD 200,000.", "2. Payment",
         "Buyer shall pay USD 60,000 upon signing, USD 120,000 upon delivery and USD 20,000 "
         "after acceptance."),
        ("1. Price", "The total price is USD 100,000.", "2. Payment Terms",
         "2.1 Advance payment: 30% of the Contract Price within 7 days of signing.",
         "2.2 Second payment: 60% of the Contract Price against shipping documents.",
         "2.3 Balance: the remainder within 30 days after acceptance."),
    ],
)  # fmt: skip
def test_instalments(lines: tuple[str, ...]) -> None:
    assert fields(INTRO, *lines)["payment_terms"] == {"installments_pct": [30.0, 60.0, 10.0]}


def test_equal_instalments() -> None:
    f = fields(INTRO, "1. Fees", "The fee of USD 9,000 is payable in three equal installments.")
    assert f["payment_terms"] == {"installments_pct": [33.33, 33.33, 33.33]}


@pytest.mark.parametrize(
    ("lines", "term"),
    [
        (
            ("1. Term", "This Agreement shall commence on March 1, 2026 and expire on February 28, 2027."),
            {"start": "2026-03-01", "end": "2027-02-28", "months": 12},
        ),
        (
            ('This Agreement is entered into as of April 6, 2026 (the "Effective Date").', "1. Term",
             "This Agreement shall remain in force for a period of three (3) years from the Effective Date."),
            {"start": "2026-04-06", "end": "2029-04-06", "months": 36},
        ),
        (
            ("This Agreement is made on 10 January 2026.", "1. Term",
             "The term of this Agreement shall commence on the date hereof and end on the second anniversary "
             "of the Effective Date."),
            {"start": "2026-01-10", "end": "2028-01-10", "months": 24},
        ),
        (
            ("This Agreement is made on 10 January 2026.", "1. Term",
             "This Agreement shall continue through December 31, 2026 unless terminated earlier."),
            {"start": "2026-01-10", "end": "2026-12-31", "months": None},  # not a whole number of months
        ),
    ],
)  # fmt: skip
def test_term_start_end_and_length(lines: tuple[str, ...], term: dict[str, Any]) -> None:
    f = fields(INTRO, *lines)
    assert f["term"] == term


def test_notice_periods_and_surviving_obligations_are_not_the_term() -> None:
    f = fields(
        INTRO,
        "1. Confidentiality",
        "The obligations of confidentiality shall remain in effect for five (5) years after the termination "
        "of this Agreement.",
        "2. Termination",
        "Either party may terminate this Agreement upon thirty (30) days' written notice.",
    )
    assert f["term"] is None and f["termination"]["notice_days"] == 30


@pytest.mark.parametrize(
    ("clause", "method", "venue_has", "law"),
    [
        (
            "Any dispute arising out of this Agreement shall be finally settled by arbitration in Singapore "
            "under the SIAC Rules.",
            "arbitration",
            ["SIAC", "Singapore"],
            None,
        ),
        (
            "All disputes shall be finally resolved by arbitration administered by the "
            "Hong Kong International "
            'Arbitration Centre ("HKIAC"). The seat of the arbitration shall be Hong Kong. This Agreement is '
            "governed by the laws of Hong Kong.",
            "arbitration",
            ["Hong Kong International Arbitration Centre (HKIAC)", "Hong Kong"],
            "Hong Kong",
        ),
        (
            "This Agreement shall be governed by the laws of the State of New York. "
            "The parties submit to the "
            "exclusive jurisdiction of the courts of the State of New York.",
            "litigation",
            ["courts of the State of New York"],
            "the State of New York",
        ),
        (  # a governing law and no forum: litigated, before a court the contract does not name
            "This Agreement shall be governed by and construed in accordance with the laws of "
            "England and Wales.",
            "litigation",
            [],
            "England and Wales",
        ),
    ],
)
def test_dispute_resolution(clause: str, method: str, venue_has: list[str], law: str | None) -> None:
    d = fields(INTRO, "1. Governing Law and Disputes", clause)["dispute_resolution"]
    assert d["method"] == method and d["governing_law"] == law
    if venue_has:
        assert all(part in d["venue"] for part in venue_has), d
    else:
        assert d["venue"] is None


def test_court_of_competent_jurisdiction_is_no_venue() -> None:
    d = fields(
        INTRO,
        "1. Severability",
        "If any provision is held invalid by a court of competent jurisdiction, the rest remains in force.",
    )["dispute_resolution"]
    assert d is None


def test_signing_date_sources() -> None:
    made = fields(
        "THIS AGREEMENT is made this 14th day of November 2025 by and between "
        'Alder Foods Inc. ("Buyer") and Birch Tools LLC ("Seller").'
    )
    assert made["signing_date"] == "2025-11-14"
    witness = fields(
        INTRO,
        "1. Scope",
        "Seller supplies tools under the mutual NDA dated June 1, 2024.",
        "IN WITNESS WHEREOF, the parties have executed this Agreement on March 3, 2026.",
    )
    assert witness["signing_date"] == "2026-03-03"  # never the other document's date
    blocks = fields(
        INTRO, "IN WITNESS WHEREOF, the parties sign below.", "Date: 1/26/2026", "Date: 1/27/2026"
    )
    assert blocks["signing_date"] == "2026-01-27"  # the later signature makes the agreement


def test_english_contract_read_from_a_pdf() -> None:
    text = "\n".join(
        [
            "SUPPLY AGREEMENT",
            'This Supply Agreement is entered into on February 2, 2026 (the "Effective Date") by and between '
            'Gannet Coffee Roasters Ltd. ("Buyer") and Heron Packaging (Ningbo) Co., Ltd. ("Seller").',
            "1. Price",
            "1.1 The total contract price is Seventy Thousand US Dollars (USD 70,000).",
            "2. Payment",
            "2.1 Buyer shall pay 40% upon signing and the balance upon delivery.",
            "3. Term",
            "3.1 This Agreement shall remain in force for two (2) years from the Effective Date.",
            "4. Disputes",
            "4.1 Disputes shall be submitted to the China International Economic and Trade Arbitration "
            'Commission ("CIETAC") for arbitration in Shanghai. '
            "This Agreement is governed by the laws of the People's Republic of China.",
        ]
    )
    f = OfflineContractExtractor().extract(read_pdf(english_pdf(text, lines_per_page=12))).normalised()
    assert f["parties"] == {
        "party_a": "Gannet Coffee Roasters Ltd.",
        "party_b": "Heron Packaging (Ningbo) Co., Ltd.",
    }
    assert f["contract_amount"] == {"amount": 70000.0, "currency": "USD"}
    assert f["payment_terms"] == {"installments_pct": [40.0, 60.0]}
    assert f["signing_date"] == "2026-02-02"
    assert f["term"] == {"start": "2026-02-02", "end": "2028-02-02", "months": 24}
    d = f["dispute_resolution"]
    assert d["method"] == "arbitration" and "CIETAC" in d["venue"] and "Shanghai" in d["venue"]
    assert d["governing_law"] == "the People's Republic of China"
