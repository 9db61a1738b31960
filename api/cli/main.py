"""The `copilot` command: every command group, assembled."""

from __future__ import annotations

from api.cli import ask, contracts, evals, risks
from api.cli.core import app

evals.register(app)
contracts.register(app)
risks.register(app)
ask.register(app)

__all__ = ["app"]

if __name__ == "__main__":
    app()
