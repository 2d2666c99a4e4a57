"""Non-unique indexes for the queries of the system, log and message areas (decisions #25).

Revision ID: 0003_project_indexes
Revises: 0002_project_additions
Create Date: 2026-11-24 10:00:00

"""

from alembic import op

from app.core.models import table_name

revision = "0003_project_indexes"
down_revision = "0002_project_additions"
branch_labels = None
depends_on = None

INDEXES = [
    ("system_users", "dept_belong", ["dept_belong_id"]),
    ("system_users", "created", ["create_datetime"]),
    ("system_operation_log", "created", ["create_datetime"]),
    ("system_operation_log", "dept_belong", ["dept_belong_id"]),
    ("system_login_log", "created", ["create_datetime"]),
    ("message_center_target_user", "unread", ["users_id", "is_read"]),
]


def upgrade():
    """Create the indexes (additive: the original backend ignores them)."""
    for table, name, columns in INDEXES:
        full = table_name(table)
        op.create_index(f"ix_{full}_{name}", full, columns)


def downgrade():
    """Drop them again."""
    for table, name, _columns in reversed(INDEXES):
        full = table_name(table)
        op.drop_index(f"ix_{full}_{name}", table_name=full)
