"""The `copilot` command line; `api.cli.main` assembles it."""
