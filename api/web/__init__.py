"""The web workspace: server-rendered pages (Jinja2) over the same services as the API, with the
same scopes, Chinese by default with an English switch, and charts from the package itself."""
