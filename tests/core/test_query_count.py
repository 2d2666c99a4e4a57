"""A list page costs the same number of statements at 20 rows and at 200."""

from app.core.passwords import make_hash
from app.extensions import db
from tests.support.factories import make_user
from tests.support.queries import statements_for


def test_probe_list_is_constant(client, app, login_as):
    from blueprints.role.models import Role

    auth = login_as(make_user(app, superuser=True, stored_hash=make_hash("x")))
    with app.app_context():
        db.session.add_all(
            Role(name=f"r{i}", key=f"k{i}", sort=i, status=True, creator_id=1) for i in range(200)
        )
        db.session.commit()
    statements_for(app, client, "get", "/api/probe/role/?limit=1", headers=auth)  # compiles the grants
    small = statements_for(app, client, "get", "/api/probe/role/?limit=20", headers=auth)
    large = statements_for(app, client, "get", "/api/probe/role/?limit=200", headers=auth)
    assert small == large == 4  # token user, count, page, creator/modifier names
