"""Input and output schemas of the dept routes."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema


def _drop_blank(data, names: tuple[str, ...]):
    """Treat ``?name=`` (an empty query value) as absent, so a missing value says 必填."""
    return {k: v for k, v in dict(data).items() if not (k in names and v in ("", None))}


class DeptWriteSchema(ApiSchema):
    """Dept create/update body; the SPA PUTs whole rows, computed keys are dropped."""

    allow_bulk = True

    name = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"label": "部门名称"}
    )
    key = fields.String(allow_none=True, validate=validate.Length(max=64), metadata={"label": "关联字符"})
    sort = fields.Integer(allow_none=True, metadata={"label": "显示排序"})
    owner = fields.String(allow_none=True, validate=validate.Length(max=32), metadata={"label": "负责人"})
    phone = fields.String(allow_none=True, validate=validate.Length(max=32), metadata={"label": "联系电话"})
    email = fields.String(allow_none=True, validate=validate.Length(max=32), metadata={"label": "邮箱"})
    status = fields.Boolean(allow_none=True, metadata={"label": "部门状态"})
    parent = fields.Integer(allow_none=True, metadata={"label": "上级部门"})
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class DeptSchema(CoreRowSchema):
    """A dept row as the list, retrieve and write routes return it."""

    name = fields.String()
    key = fields.String(allow_none=True)
    sort = fields.Integer()
    owner = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    status = fields.Boolean(allow_none=True)
    parent = fields.Integer(allow_none=True)
    parent_name = fields.String(metadata={"description": "Absent for root depts."})
    status_label = fields.String(metadata={"example": "启用"})
    has_children = fields.Integer(metadata={"description": "Number of sub-depts."})
    hasChild = fields.Boolean()
    dept_user_count = fields.Integer(metadata={"description": "Users directly in this dept."})


class DeptBriefSchema(ma.Schema):
    """``all_dept`` item."""

    name = fields.String()
    id = fields.Integer()
    parent = fields.Integer(allow_none=True)


class DeptMoveSchema(ApiSchema):
    """``move_up`` / ``move_down`` body."""

    dept_id = fields.Integer(required=True)

    @ma.pre_load
    def _blank(self, data, **_kwargs):
        return _drop_blank(data, ("dept_id",))


class DeptInfoQuerySchema(ApiSchema):
    """``dept_info`` query string."""

    dept_id = fields.Integer(required=True)
    show_all = fields.Integer(load_default=0, validate=validate.OneOf([0, 1]))

    @ma.pre_load
    def _blank(self, data, **_kwargs):
        return _drop_blank(data, ("dept_id", "show_all"))


class GenderCountSchema(ma.Schema):
    """Users of a dept by gender."""

    male = fields.Integer()
    female = fields.Integer()
    unknown = fields.Integer()


class SubDeptCountSchema(ma.Schema):
    """Users of one sub-dept (and below)."""

    name = fields.String()
    count = fields.Integer()


class DeptStatisticsSchema(ma.Schema):
    """``dept_info`` data."""

    dept_name = fields.String()
    dept_user = fields.Integer()
    owner = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    gender = fields.Nested(GenderCountSchema)
    sub_dept_map = fields.List(fields.Nested(SubDeptCountSchema))
