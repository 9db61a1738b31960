"""The `copilot` command: every command group, assembled."""

from __future__ import annotations

from api.cli import ask, collab, contracts, evals, rhythm, risks, workers
from api.cli.backup import register as register_backup
from api.cli.core import app
from api.cli.data import register as register_data

evals.register(app)
contracts.register(app)
risks.register(app)
ask.register(app)
collab.register(app)
rhythm.register(app)
workers.register(app)
register_data(app)
register_backup(app)

__all__ = ["app"]

if __name__ == "__main__":
    app()
