"""Turning uploaded files into text: PDFs with a text layer, scanned PDFs and photos (OCR, offline)."""
