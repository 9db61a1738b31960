"""Queued records are indexed in two passes: the fast embedder makes every one searchable first,
then the slow one follows; progress says which records are searchable and which complete."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select

from api.runtime import build_runtime
from api.search_backend import RetrievalBackend
from copilot.access import AccessRole, Principal
from copilot.clock import FixedClock
from copilot.config import Settings
from copilot.search import indexing
from copilot.search.docs import SearchDoc
from copilot.search.service import SearchFilter
from copilot.store.models import Activity
from tests.conftest import NOW, load_fixture, make_org


class PhaseSpy(RetrievalBackend):
    """The real backend, noting which pass indexed which records."""

    calls: list[tuple[str, list[str]]]

    def index_now(
        self, org_id: int, docs: Sequence[SearchDoc], removed: Sequence[str], phase: str = "all"
    ) -> int:
        self.calls.append((phase, sorted(d.record_id for d in docs)))
        return super().index_now(org_id, docs, removed, phase)


def test_every_record_is_searchable_before_the_slow_embedder_runs(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", embedders=["usem3", "hashing"]
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    spy = PhaseSpy(tmp_path / "spy-chroma", None, ["usem3", "hashing"], in_process=True)
    spy.calls = []
    runtime.search.backend = spy
    try:
        org = make_org(runtime, "acme", load_fixture("pipeline", "small.json"))
        with runtime.sessions.begin() as session:
            ids = list(session.scalars(select(Activity.external_id).where(Activity.org_id == org.id)))
            indexing.queue(session, org.id, ids, NOW)
        assert spy.two_phase

        # stop after the first batch of the fast pass: everything queued is searchable already
        runtime.search.drain(batch_size=len(ids), should_stop=lambda: len(spy.calls) >= 1)
        assert spy.calls == [("first", sorted(ids))]
        state = runtime.search.index_status(org.id)
        assert (state.partial, state.searchable, state.indexed, state.complete) == (
            len(ids),
            len(ids),
            0,
            False,
        )
        admin = Principal(org_id=org.id, org_slug="acme", role=AccessRole.ADMIN, key_id=0)
        assert runtime.search.search(admin, "付款", SearchFilter(), 5)
        use, hashing = spy.engine.stores
        assert use.count(org.id) > 0 and hashing.count(org.id) == 0

        runtime.search.drain(batch_size=len(ids))
        assert [phase for phase, _ in spy.calls] == ["first", "rest"]
        assert spy.calls[1][1] == sorted(ids)
        state = runtime.search.index_status(org.id)
        assert state.complete and state.partial == 0
        assert hashing.count(org.id) == use.count(org.id)
    finally:
        spy.close()
        runtime.close()
