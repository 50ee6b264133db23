"""Scrub waves: signed removals, waves, the story index, their cursors, wave alerts.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("outlets", sa.JSON(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("still_published", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waves")),
    )
    op.create_index("ix_waves_ended_at", "waves", ["ended_at"], unique=False)
    op.create_table(
        "wave_removals",
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(length=255), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("removed", sa.Text(), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["changes.id"], name=op.f("fk_wave_removals_change_id_changes")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_wave_removals_article_id_articles")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_wave_removals_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_wave_removals")),
    )
    op.create_index("ix_wave_removals_detected_at", "wave_removals", ["detected_at"], unique=False)
    op.create_index("ix_wave_removals_wave_id", "wave_removals", ["wave_id"], unique=False)
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("outlet", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_story_articles_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_story_articles")),
    )
    op.create_table(
        "story_keys",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], name=op.f("fk_story_keys_article_id_articles")
        ),
        sa.PrimaryKeyConstraint("key", "article_id", name=op.f("pk_story_keys")),
    )
    op.create_index("ix_story_keys_article_id", "story_keys", ["article_id"], unique=False)
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("wave_id", sa.Integer(), nullable=True))
    op.create_table(
        "wave_cursor",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_wave_cursor")),
    )


def downgrade() -> None:
    op.drop_table("wave_cursor")
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_column("wave_id")
    op.drop_index("ix_story_keys_article_id", table_name="story_keys")
    op.drop_table("story_keys")
    op.drop_table("story_articles")
    op.drop_index("ix_wave_removals_wave_id", table_name="wave_removals")
    op.drop_index("ix_wave_removals_detected_at", table_name="wave_removals")
    op.drop_table("wave_removals")
    op.drop_index("ix_waves_ended_at", table_name="waves")
    op.drop_table("waves")
