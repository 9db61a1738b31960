"""The web workspace: server-rendered pages over the same services and scope as the API."""
