"""Schemas of the message center routes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.openapi import CoreRowSchema
from app.core.validation import ApiSchema

NOT_BLANK = "该字段不能为空。"
TARGET_TYPES = "0 users, 1 roles (their members), 2 depts (their users), 3 every active user"


def _ids(label: str, **kwargs) -> fields.List:
    return fields.List(fields.Integer(), allow_none=True, metadata={"label": label}, **kwargs)


class MessageCreateSchema(ApiSchema):
    """A new message and whom it goes to; only the list matching ``target_type`` is used."""

    title = fields.String(
        required=True,
        validate=[validate.Length(min=1, error=NOT_BLANK), validate.Length(max=100)],
        metadata={"label": "标题"},
    )
    content = fields.String(
        required=True, validate=validate.Length(min=1, error=NOT_BLANK), metadata={"label": "内容"}
    )
    target_type = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=3),
        metadata={"label": "目标类型", "description": TARGET_TYPES},
    )
    target_user = _ids("目标用户", load_default=None)
    target_role = _ids("目标角色", load_default=None)
    target_dept = _ids("目标部门", load_default=None)
    description = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class MessageUpdateSchema(ApiSchema):
    """A message update: fields left out keep their values; new targets re-resolve recipients."""

    title = fields.String(
        required=True,
        validate=[validate.Length(min=1, error=NOT_BLANK), validate.Length(max=100)],
        metadata={"label": "标题"},
    )
    content = fields.String(
        required=True, validate=validate.Length(min=1, error=NOT_BLANK), metadata={"label": "内容"}
    )
    target_type = fields.Integer(
        validate=validate.Range(min=0, max=3), metadata={"label": "目标类型", "description": TARGET_TYPES}
    )
    target_user = _ids("目标用户")
    target_role = _ids("目标角色")
    target_dept = _ids("目标部门")
    description = fields.String(
        allow_none=True, validate=validate.Length(max=255), metadata={"label": "描述"}
    )


class UserBriefSchema(Schema):
    """A target user, as much as the SPA shows of it."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()


class RoleBriefSchema(Schema):
    """A target role."""

    id = fields.Integer()
    name = fields.String()
    key = fields.String()


class DeptBriefSchema(Schema):
    """A target dept."""

    id = fields.Integer()
    name = fields.String()
    parent = fields.Integer(allow_none=True)


class MessageSchema(CoreRowSchema):
    """A message with its targets (``target_user`` only for ``target_type`` 0)."""

    title = fields.String()
    content = fields.String()
    target_type = fields.Integer()
    target_user = fields.List(fields.Integer())
    target_role = fields.List(fields.Integer())
    target_dept = fields.List(fields.Integer())
    user_info = fields.List(fields.Nested(UserBriefSchema))
    role_info = fields.List(fields.Nested(RoleBriefSchema))
    dept_info = fields.List(fields.Nested(DeptBriefSchema))


class ReceivedMessageSchema(MessageSchema):
    """A message I received, with my read flag."""

    is_read = fields.Boolean()
