"""The `copilot` command: every command group, assembled."""

from __future__ import annotations

from api.cli import ask, collab, contracts, evals, rhythm, risks
from api.cli.core import app

evals.register(app)
contracts.register(app)
risks.register(app)
ask.register(app)
collab.register(app)
rhythm.register(app)

__all__ = ["app"]

if __name__ == "__main__":
    app()
