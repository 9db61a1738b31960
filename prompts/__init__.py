"""Versioned prompt files (TOML), loaded and validated by `copilot.prompting`."""
