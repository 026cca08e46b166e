"""Alembic migrations of the store, configured in code (no ``alembic.ini`` needed): see :mod:`..migrate`."""
