"""games, seats and turns

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "games",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("scenario", sa.String(100), nullable=False),
        sa.Column("scenario_hash", sa.String(100), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("turn_days", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.Column("created", sa.Float, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
    )
    op.create_table(
        "seats",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("game_id", sa.String(32), sa.ForeignKey("games.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("side", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=True, index=True),
        sa.Column("ended", sa.Boolean, nullable=False),
        sa.Column("orders", sa.JSON, nullable=False),
        sa.UniqueConstraint("game_id", "side"),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("game_id", sa.String(32), sa.ForeignKey("games.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("day0", sa.Integer, nullable=False),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("orders", sa.JSON, nullable=False),
        sa.Column("digests", sa.JSON, nullable=False),
        sa.Column("frames", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
        sa.UniqueConstraint("game_id", "n"),
    )


def downgrade() -> None:
    op.drop_table("turns")
    op.drop_table("seats")
    op.drop_table("games")
