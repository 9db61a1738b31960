"""A FORMAT.md pipeline file loaded into its own in-memory organization, for the suites that
answer about a pipeline (`ask`, `suggest`)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from copilot.access import AccessRole, Principal, create_organization
from copilot.errors import InvalidInput
from copilot.pipeline.importer import import_pipeline
from copilot.store.database import make_engine, make_session_factory
from copilot.store.migrate import upgrade
from evaluators.suites.base import Case


def case_pipeline(case: Case) -> Path:
    """The case's pipeline file, relative to the cases file."""
    return (Path(case.get("_base_dir", ".")) / str(case.get("pipeline", ""))).resolve()


def load_pipeline(path: Path, now: datetime) -> tuple[sessionmaker[Session], Principal]:
    """A fresh in-memory database holding the pipeline, and an admin of its organization."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read pipeline {path}: {exc}") from exc
    db = make_engine("sqlite://")
    upgrade(db)
    sessions = make_session_factory(db)
    with sessions.begin() as session:
        org = create_organization(session, "eval", "eval", now=now)
        import_pipeline(session, org.id, data, now=now)
        principal = Principal(org_id=org.id, org_slug="eval", role=AccessRole.ADMIN, key_id=0)
    return sessions, principal
