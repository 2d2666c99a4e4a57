"""A job used by the tests."""

import sqlalchemy as sa

from app.core.jobs import job
from app.extensions import db


@job
def rename_role(role_id: int, name: str) -> None:
    """Rename a role (stands in for any job that writes)."""
    from blueprints.role.models import Role

    db.session.execute(sa.update(Role).where(Role.id == role_id).values(name=name))
    db.session.commit()
