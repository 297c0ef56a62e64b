"""Add payment reversals: who reversed a payment, when and why; one payment per quarter and a
reference used once now hold for live (unreversed) payments only, so a quarter paid by mistake
can be paid again once the mistake is reversed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = sa.text("reversed_at IS NULL")


def upgrade():
    with op.batch_alter_table("grant_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reversed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reversal_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_grant_payments_reversed_by_id_users"),
            "users",
            ["reversed_by_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("uq_grant_payments_payment_reference"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("uq_grant_payments_recipient_id_grant_stream_id_financial_year_quarter"),
            type_="unique",
        )
        batch_op.create_index(
            "uq_grant_payments_live_quarter",
            ["recipient_id", "grant_stream_id", "financial_year", "quarter"],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
        batch_op.create_index(
            "uq_grant_payments_live_reference",
            ["payment_reference"],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )


def downgrade():
    # The old constraints cannot hold a reversed payment beside its correction, and a payment is
    # never deleted: refuse rather than lose one.
    reversed_count = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM grant_payments WHERE reversed_at IS NOT NULL")
    )
    if reversed_count:
        raise RuntimeError(
            f"{reversed_count} reversed payments would be lost: not downgrading past 0008"
        )
    with op.batch_alter_table("grant_payments", schema=None) as batch_op:
        batch_op.drop_index("uq_grant_payments_live_reference")
        batch_op.drop_index("uq_grant_payments_live_quarter")
        batch_op.create_unique_constraint(
            batch_op.f("uq_grant_payments_recipient_id_grant_stream_id_financial_year_quarter"),
            ["recipient_id", "grant_stream_id", "financial_year", "quarter"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_grant_payments_payment_reference"), ["payment_reference"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_grant_payments_reversed_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("reversal_reason")
        batch_op.drop_column("reversed_by_id")
        batch_op.drop_column("reversed_at")
