"""Why a contract file cannot be read; each message tells the user what to do next."""

from __future__ import annotations

from copilot.errors import InputTooLarge, InvalidInput


class ContractFileError(InvalidInput):
    """A contract file that cannot be turned into text."""

    code = "invalid_contract_file"


class NotAPdf(ContractFileError):
    """The bytes are not a PDF (an image, a Word file, plain text renamed to .pdf)."""

    code = "not_a_pdf"


class EncryptedPdf(ContractFileError):
    """The PDF is password-protected."""

    code = "encrypted_pdf"


class CorruptPdf(ContractFileError):
    """The PDF is damaged or truncated."""

    code = "corrupt_pdf"


class NeedsOcr(ContractFileError):
    """The PDF has no text layer (a scan or photos of pages)."""

    code = "needs_ocr"


class PdfTooLarge(InputTooLarge):
    """The PDF exceeds the page or byte limit."""

    code = "pdf_too_large"
