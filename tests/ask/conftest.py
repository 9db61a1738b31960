from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from copilot.access import AccessRole, Principal, create_organization
from copilot.ask.service import AskService
from copilot.clock import FixedClock
from copilot.pipeline.importer import import_pipeline
from copilot.pipeline.snapshot import SnapshotCache
from copilot.store.database import make_engine, make_session_factory
from copilot.store.migrate import upgrade
from tests.conftest import load_fixture
from tests.risks.builders import TZ

AS_OF = datetime(2026, 5, 20, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[AskService, sessionmaker[Session], int]]:
    """The demo pipeline (the dev eval set's, copied into tests/fixtures) behind an ask service."""
    engine = make_engine("sqlite://")
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        org = create_organization(session, "demo", "demo", now=AS_OF)
        import_pipeline(session, org.id, load_fixture("pipeline", "demo.json"), now=AS_OF)
        create_organization(session, "other", "other", now=AS_OF)
        org_id = org.id
    yield AskService(sessions, FixedClock(AS_OF), SnapshotCache(), TZ), sessions, org_id


def admin(org_id: int) -> Principal:
    return Principal(org_id=org_id, org_slug="demo", role=AccessRole.ADMIN, key_id=0)


def rep(
    sessions: sessionmaker[Session], org_id: int, ext: str, role: AccessRole = AccessRole.REP
) -> Principal:
    from sqlalchemy import select

    from copilot.store.models import User

    with sessions() as s:
        user = s.scalar(select(User).where(User.org_id == org_id, User.external_id == ext))
        assert user is not None
        return Principal(
            org_id=org_id,
            org_slug="demo",
            role=role,
            key_id=0,
            user_id=user.id,
            user_external_id=ext,
            team=user.team,
        )
