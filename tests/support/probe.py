"""A test-only resource over ``Role`` that exercises the CRUD core, and a route that crashes."""

from __future__ import annotations

from marshmallow import fields, validate

from app.core.crud import Resource, register_crud
from app.core.listing import auto_filter_spec
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.validation import ApiSchema
from app.extensions import api


class ProbeRoleSchema(ApiSchema):
    """Role input."""

    allow_bulk = True

    name = fields.String(required=True, validate=validate.Length(max=64), metadata={"label": "角色名称"})
    key = fields.String(required=True, validate=validate.Length(max=64), metadata={"label": "权限字符"})
    sort = fields.Integer(load_default=1, metadata={"label": "角色顺序"})
    status = fields.Boolean(load_default=True, metadata={"label": "角色状态"})


def register_probe(app) -> None:
    """Register the probe blueprint on the test app."""
    from blueprints.role.models import Role

    blp = EnvelopeBlueprint("probe", __name__, url_prefix="/api/probe/role")
    resource = Resource(
        model=Role,
        filters=auto_filter_spec(
            Role,
            search=[
                lambda q: Role.name.icontains(q, autoescape=True),
                lambda q: Role.key.icontains(q, autoescape=True),
            ],
            default_ordering=["sort"],
        ),
        create_schema=ProbeRoleSchema,
    )
    register_crud(blp, resource)

    @blp.route("/boom/", methods=["GET"])
    @login_only
    def boom():
        """Crash on purpose."""
        raise RuntimeError("secret internals: password=hunter2")

    api.register_blueprint(blp)
