"""Alembic migrations of the scrubwatch database (SQLite and PostgreSQL alike)."""
