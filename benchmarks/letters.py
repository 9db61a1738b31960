"""Seconds per photo: reading confirmation letters offline (RapidOCR) and finding the three elements.

    python -m benchmarks.letters [--photos 8]

Photos are drawn like phone shots (rotated, blurred, JPEG) at 1240 px wide; one scanned A4-like
PDF page is read too.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.letter_photos import letter_photo, scanned_pdf
from copilot.documents.ocr import RapidOcr
from copilot.documents.reading import read_document
from copilot.letters.elements import read_letter


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=8)
    args = parser.parse_args(argv)
    ocr = RapidOcr()
    started = time.perf_counter()
    ocr._load()
    print(f"OCR model load: {time.perf_counter() - started:.2f} s")
    seconds: list[float] = []
    complete = 0
    for n in range(args.photos):
        data = letter_photo(angle=(-2.0 + 0.5 * n), blur=0.6 + 0.1 * (n % 4))
        t = time.perf_counter()
        read = read_document(data, ocr, max_bytes=20_000_000, max_pages=20)
        reading = read_letter(read.text)
        seconds.append(time.perf_counter() - t)
        complete += reading.complete
    print(
        f"photos: {args.photos}, mean {statistics.mean(seconds):.2f} s, min {min(seconds):.2f} s, "
        f"max {max(seconds):.2f} s per photo; all three elements found in {complete}/{args.photos}"
    )
    t = time.perf_counter()
    read = read_document(scanned_pdf(), ocr, max_bytes=20_000_000, max_pages=20)
    print(f"scanned PDF page: {time.perf_counter() - t:.2f} s, complete: {read_letter(read.text).complete}")


if __name__ == "__main__":
    main()
