"""English contracts from CUAD v1 (The Atticus Project, CC BY 4.0): parties, signing date, term end and
governing place read from the original contract PDFs, scored against the dataset's normalised answers.

The dataset itself is not stored here (its 510 PDFs are ~100 MB). Point the evaluator at a copy:

    python -m evaluators.suites.cuad --source /path/to/CUAD_v1            # an unzipped CUAD_v1.zip
    python -m evaluators.suites.cuad --source /work/.mirror/<owner>+<name>/repo   # a bare git snapshot

`evaluators/data/cuad/heldout.jsonl` fixes which contracts are scored (60 by default) and their gold
labels; `--write-labels` rebuilds that file from the dataset's `master_clauses.csv`. See
`evaluators/data/CUAD.md` for the matching rules and provenance.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from copilot.contracts.fields import ContractExtractor, OfflineContractExtractor
from copilot.contracts.pdf import ContractDocument, read_pdf
from copilot.errors import InvalidInput

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "cuad"
HELDOUT = DATA_DIR / "heldout.jsonl"
FIELDS = ("parties", "signing_date", "term_end", "governing_place")
SOURCE_URL = "https://www.atticusprojectai.org/cuad (Zenodo record 4595826)"

# -- Reading a copy of the dataset ------------------------------------------------------------------


class CuadSource:
    """A CUAD v1 release: an unpacked folder, or a bare git repository that holds one somewhere."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git = (path / "HEAD").is_file() and (path / "objects").is_dir()
        if not self.git and not path.is_dir():
            raise InvalidInput(f"{path} is neither a CUAD_v1 folder nor a bare git snapshot")
        self.files = self._list()
        masters = [f for f in self.files if PurePosixPath(f).name == "master_clauses.csv"]
        if not masters:
            raise InvalidInput(
                f"no master_clauses.csv under {path}: pass the CUAD_v1 folder of the CUAD release "
                f"({SOURCE_URL}) or a git snapshot holding it"
            )
        self.root = str(PurePosixPath(masters[0]).parent)
        self._pdfs: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        for f in self.files:
            p = PurePosixPath(f)
            if f.startswith(self._under("full_contract_pdf")) and p.suffix.lower() == ".pdf":
                self._pdfs.setdefault(_stem_key(p.name), f)
            elif f.startswith(self._under("full_contract_txt")) and p.suffix.lower() == ".txt":
                self._texts.setdefault(_stem_key(p.name[: -len(p.suffix)]), f)

    def _under(self, name: str) -> str:
        return f"{self.root}/{name}/" if self.root not in ("", ".") else f"{name}/"

    def _list(self) -> list[str]:
        if self.git:
            out = _git(self.path, "ls-tree", "-r", "--name-only", "-z", "HEAD")
            return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
        return [p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()]

    def read(self, relpath: str) -> bytes:
        """The bytes of one file of the release."""
        if self.git:
            return _git(self.path, "show", f"HEAD:{relpath}")
        return (self.path / relpath).read_bytes()

    def master_rows(self) -> list[dict[str, str]]:
        """The rows of `master_clauses.csv` (one per contract)."""
        master = f"{self.root}/master_clauses.csv" if self.root not in ("", ".") else "master_clauses.csv"
        text = self.read(master).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    def pdf_path(self, filename: str) -> str | None:
        """Where the contract's PDF lies in the release (file names differ in case and extension)."""
        return self._pdfs.get(_stem_key(filename))

    def text_path(self, filename: str) -> str | None:
        """Where the release's text version of the contract lies, if it has one."""
        return self._texts.get(_stem_key(filename))


def _git(git_dir: Path, *args: str) -> bytes:
    """Read-only git plumbing on a bare snapshot (fixed arguments, no shell)."""
    git = shutil.which("git")
    if git is None:
        raise InvalidInput(
            "reading a git snapshot needs `git` on PATH; pass an unpacked CUAD_v1 folder instead"
        )
    try:
        return subprocess.run([git, f"--git-dir={git_dir}", *args], check=True, capture_output=True).stdout  # noqa: S603
    except subprocess.CalledProcessError as exc:
        raise InvalidInput(
            f"cannot read {args[-1]} from {git_dir}: {exc.stderr.decode(errors='replace')}"
        ) from exc


def _stem_key(name: str) -> str:
    stem = name[: -len(PurePosixPath(name).suffix)] if PurePosixPath(name).suffix.lower() == ".pdf" else name
    return unicodedata.normalize("NFC", stem).lower()


# -- Gold labels from master_clauses.csv --------------------------------------------------------------

_GOLD_DATE_RE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s*$")


def gold_date(answer: str) -> date | None:
    """`5/8/14` -> 2014-05-08; two-digit years below 50 are 20xx. None for blanks (`[]/[]/2019`)."""
    m = _GOLD_DATE_RE.match(answer)
    if m is None:
        return None
    month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year < 100:
        year += 2000 if year < 50 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def gold_labels(row: dict[str, str], text: str | None = None) -> dict[str, Any]:
    """The labels one contract is scored on; a field whose answer is blank or unusable is left out.

    Party answers that are not names (`(individually a "Party", collectively the "Parties")`) are dropped,
    and so is a name that does not occur in the contract's text (a typo in the answer), when the text is
    given; with fewer than two names left the contract has no parties label."""
    labels: dict[str, Any] = {}
    names = [n.strip() for n in row.get("Parties-Answer", "").split(";") if n.strip()]
    names = [
        n
        for n in names
        if norm_name(n)
        and not _NOT_A_NAME_RE.search(_unbracket(n))
        and not re.fullmatch(r"\s*[\w.-]+\s+and\s+[\w.-]+\s*", _unbracket(n))  # `Stryker and Conformis`
    ]
    if text is not None:
        squashed = _squash(text)
        names = [n for n in names if norm_name(n) in squashed]
    if len(names) >= 2:
        labels["parties"] = [{"name": n} for n in names]
    signed = gold_date(row.get("Agreement Date-Answer", ""))
    if signed is not None:
        labels["signing_date"] = signed.isoformat()
    expiry = row.get("Expiration Date-Answer", "").strip()
    if expiry.lower() == "perpetual":
        labels["term_end"] = None  # the contract runs until terminated: no end date to find
    elif (end := gold_date(expiry)) is not None:
        labels["term_end"] = end.isoformat()
    place = row.get("Governing Law-Answer", "").strip()
    if place and ";" not in place:
        labels["governing_place"] = place
    return labels


_NOT_A_NAME_RE = re.compile(r"(?i)\b(?:referred\s+to|collectively|individually|each\s+of|foregoing)\b")


def select(rows: Iterable[dict[str, str]], n: int, offset: int = 0) -> list[dict[str, str]]:
    """A reproducible sample: contracts ordered by the SHA-1 of their file name, `n` from `offset`."""
    ordered = sorted(
        rows, key=lambda r: hashlib.sha1(r["Filename"].encode("utf-8"), usedforsecurity=False).hexdigest()
    )
    picked = [r for r in ordered if len(gold_labels(r)) >= 2]
    return picked[offset : offset + n]


def build_cases(source: CuadSource, n: int, offset: int = 0) -> list[dict[str, Any]]:
    """Cases (id, file, PDF path, labels) for `n` sampled contracts whose PDF is in the release; party
    names are checked against the release's text version of the contract when it has one."""
    cases: list[dict[str, Any]] = []
    root = f"{source.root}/" if source.root not in ("", ".") else ""
    for row in select(source.master_rows(), n + 40, offset):
        pdf = source.pdf_path(row["Filename"])
        if pdf is None:
            continue
        txt = source.text_path(row["Filename"])
        text = source.read(txt).decode("utf-8", "replace") if txt else None
        labels = gold_labels(row, text)
        if len(labels) < 2:
            continue
        cases.append(
            {
                "id": f"cuad-{len(cases) + 1 + offset:04d}",
                "file": row["Filename"],
                "pdf": pdf[len(root) :],
                "labels": labels,
            }
        )
        if len(cases) == n:
            break
    return cases


# -- Matching ------------------------------------------------------------------------------------------

_ROLE_LABEL_RE = re.compile(
    r"^\s*(?:party\s*[ab12]|buyer|purchaser|seller|supplier|vendor|customer|client|licensor|licensee"
    r"|company|contractor|consultant|distributor|provider)\s*[:：]\s*",
    re.I,
)
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）")


def _unbracket(text: str) -> str:
    prev = None
    while prev != text:
        prev, text = text, _BRACKETED_RE.sub(" ", text)
    return text


def norm_name(name: str) -> str:
    """A party name for comparing: case, punctuation, spaces, bracketed notes, quoted defined terms, a
    trade name (`d/b/a X`) and a role label (`Buyer:`) dropped."""
    text = unicodedata.normalize("NFKC", name)
    text = _ROLE_LABEL_RE.sub("", text)
    text = _QUOTED_TERM_RE.sub(" ", _unbracket(text))
    text = _TRADE_NAME_RE.split(text)[0]
    return re.sub(r"[\W_]+", "", text.lower())


_QUOTED_TERM_RE = re.compile(r"[\"“”][^\"“”]*[\"“”]")
_TRADE_NAME_RE = re.compile(r"(?i),?\s+(?:d/b/a/?|dba|doing\s+business\s+as|t/a|trading\s+as)\s")


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def parties_match(labelled: list[dict[str, str]], predicted: Any) -> bool:
    """Both predicted parties are labelled parties, and not the same one."""
    if not isinstance(predicted, dict):
        return False
    wanted = {norm_name(p["name"]) for p in labelled}
    got = [norm_name(predicted.get(k) or "") for k in ("party_a", "party_b")]
    return all(g and g in wanted for g in got) and got[0] != got[1]


def place_match(place: str, predicted: Any) -> bool:
    """Every comma-separated part of the labelled place (`Ontario, Canada`) occurs in the governing law
    or, failing that, in the venue read from the contract (case, spaces and punctuation ignored)."""
    if not isinstance(predicted, dict):
        return False
    text = " ".join(str(predicted.get(k) or "") for k in ("governing_law", "venue"))
    return all(_squash(part) in _squash(text) for part in place.split(",") if part.strip())


def field_correct(name: str, expected: Any, fields: dict[str, Any]) -> bool:
    """Whether the extracted fields match one label (see `evaluators/data/CUAD.md`)."""
    if name == "parties":
        return parties_match(expected, fields.get("parties"))
    if name == "signing_date":
        return bool(fields.get("signing_date") == expected)
    if name == "term_end":
        term = fields.get("term")
        end = term.get("end") if isinstance(term, dict) else None
        return bool(end == expected)
    if name == "governing_place":
        return place_match(expected, fields.get("dispute_resolution"))
    raise InvalidInput(f"unknown CUAD field {name!r}")


# -- Running -------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    case_id: str
    fields: dict[str, Any] | None
    error: str | None = None


def read_cases(path: Path) -> list[dict[str, Any]]:
    """The cases of a labels file (JSON Lines)."""
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist; build it with --write-labels")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(
    cases: list[dict[str, Any]],
    load: Callable[[dict[str, Any]], ContractDocument],
    extractor: ContractExtractor | None = None,
) -> list[Outcome]:
    """Extract every case's fields; a contract that cannot be read is an error, scored as wrong."""
    extractor = extractor or OfflineContractExtractor()
    outcomes: list[Outcome] = []
    for case in cases:
        try:
            outcomes.append(Outcome(case["id"], extractor.extract(load(case)).normalised()))
        except Exception as exc:
            outcomes.append(Outcome(case["id"], None, f"{type(exc).__name__}: {exc}"))
    return outcomes


def score(cases: list[dict[str, Any]], outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """(correct, labelled) per field and overall."""
    by_id = {o.case_id: o for o in outcomes}
    table = {name: [0, 0] for name in FIELDS}
    for case in cases:
        out = by_id.get(case["id"])
        for name in FIELDS:
            if name not in case["labels"]:
                continue
            table[name][1] += 1
            if out is not None and out.fields is not None:
                table[name][0] += field_correct(name, case["labels"][name], out.fields)
    result = {k: (v[0], v[1]) for k, v in table.items()}
    result["all"] = (sum(v[0] for v in table.values()), sum(v[1] for v in table.values()))
    return result


def render_table(result: dict[str, tuple[int, int]]) -> str:
    """The per-field table: correct/total and share."""
    lines = [f"{'field':16s} {'correct':>9s} {'share':>6s}"]
    for name, (right, total) in result.items():
        share = right / total if total else 0.0
        lines.append(f"{name:16s} {right:>4d}/{total:<4d} {share:6.2f}")
    return "\n".join(lines)


def misses(cases: list[dict[str, Any]], outcomes: list[Outcome]) -> Iterable[str]:
    """One line per wrong field: what was labelled and what was read."""
    by_id = {o.case_id: o for o in outcomes}
    shown = {"parties": "parties", "signing_date": "signing_date", "term_end": "term"}
    for case in cases:
        out = by_id[case["id"]]
        if out.fields is None:
            yield f"{case['id']} error: {out.error}"
            continue
        for name in FIELDS:
            if name in case["labels"] and not field_correct(name, case["labels"][name], out.fields):
                got = out.fields.get(shown.get(name, "dispute_resolution"))
                want = case["labels"][name]
                if name == "parties":
                    want = [p["name"] for p in want]
                yield f"{case['id']} {name}: want {want!r} got {json.dumps(got, ensure_ascii=False)[:200]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evaluators.suites.cuad", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--source", type=Path, help="CUAD_v1 folder or a bare git snapshot holding it")
    parser.add_argument("--labels", type=Path, default=HELDOUT, help="cases to score (JSON Lines)")
    parser.add_argument("--write-labels", action="store_true", help="rebuild --labels from the source")
    parser.add_argument("-n", type=int, default=60, help="contracts to sample with --write-labels")
    parser.add_argument("--offset", type=int, default=0, help="skip this many sampled contracts")
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    args = parser.parse_args(argv)
    if args.source is None:
        parser.error(f"--source is required: a copy of CUAD v1 ({SOURCE_URL})")
    try:
        source = CuadSource(args.source)
        if args.write_labels:
            cases = build_cases(source, args.n, args.offset)
            args.labels.parent.mkdir(parents=True, exist_ok=True)
            args.labels.write_text(
                "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
            )
            print(f"wrote {len(cases)} cases to {args.labels}")
            return 0
        cases = read_cases(args.labels)
        root = f"{source.root}/" if source.root not in ("", ".") else ""
        outcomes = run(cases, lambda case: read_pdf(source.read(root + case["pdf"]), name=case["file"]))
    except InvalidInput as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    result = score(cases, outcomes)
    if args.misses:
        for line in misses(cases, outcomes):
            print(line)
    if args.json:
        print(json.dumps({k: {"correct": r, "total": t} for k, (r, t) in result.items()}))
    else:
        print(render_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
