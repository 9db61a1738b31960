"""Fixtures: generated Chinese and English contract PDFs (never the shared eval files)."""

from __future__ import annotations

import pytest

from copilot.contracts.fields import ContractFields, OfflineContractExtractor
from copilot.contracts.pdf import ContractDocument, read_pdf
from tests.contracts.builders import EN_CONTRACT, ZH_CONTRACT, contract_pdf


@pytest.fixture(scope="session")
def zh_pdf() -> bytes:
    return contract_pdf(ZH_CONTRACT, header="合同编号：TEST-001", zh=True, lines_per_page=10)


@pytest.fixture(scope="session")
def en_pdf() -> bytes:
    return contract_pdf(EN_CONTRACT, header="Contract No. T-1", zh=False, lines_per_page=14)


@pytest.fixture(scope="session")
def zh_doc(zh_pdf: bytes) -> ContractDocument:
    return read_pdf(zh_pdf)


@pytest.fixture(scope="session")
def en_doc(en_pdf: bytes) -> ContractDocument:
    return read_pdf(en_pdf)


@pytest.fixture(scope="session")
def zh_fields(zh_doc: ContractDocument) -> ContractFields:
    return OfflineContractExtractor().extract(zh_doc)


@pytest.fixture(scope="session")
def en_fields(en_doc: ContractDocument) -> ContractFields:
    return OfflineContractExtractor().extract(en_doc)
