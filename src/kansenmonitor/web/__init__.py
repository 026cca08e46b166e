"""The web application: server-rendered pages and the ``/v1`` API (see ``docs/web.md``)."""
