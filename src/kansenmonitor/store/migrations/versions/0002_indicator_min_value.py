"""Keep the catalogue's lower bound of an indicator (``min_value``) in the store, next to ``max_value``.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
#: shown by ``kansenmonitor db history``
description_nl = 'Indicatoren bewaren ook hun ondergrens uit de catalogus.'


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("min_value", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("min_value")
