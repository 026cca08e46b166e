"""Give every document a version number, so that two people editing the same object never overwrite each other
silently (a write names the version it started from; see ``Writer.replace_document``).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
#: shown by ``kansenmonitor db history``
description_nl = "Documenten (zoals programma's) krijgen een versienummer, zodat niemand ongemerkt andermans wijziging overschrijft."


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_column("version")
