from __future__ import annotations

from collections.abc import Iterator

import pytest

from evaluators.scripted_openai import ScriptedOpenAI, serve


@pytest.fixture
def openai_server() -> Iterator[ScriptedOpenAI]:
    with serve() as server:
        yield server
