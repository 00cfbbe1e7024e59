"""seeds as 64-bit integers (stavka takes seeds 0..2**63-1 everywhere)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite stores any integer in 8 bytes already; batch mode rebuilds its tables only
    # where the column type must change (PostgreSQL: int4 -> int8 in place)
    for table in ("games", "sweeps"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("seed", existing_type=sa.Integer, type_=sa.BigInteger,
                               existing_nullable=False)


def downgrade() -> None:
    for table in ("games", "sweeps"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("seed", existing_type=sa.BigInteger, type_=sa.Integer,
                               existing_nullable=False)
