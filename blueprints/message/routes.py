"""Routes under ``/api/system/message_center/``.

The standard routes, except that retrieve also lets a recipient read a message outside their
data scope and marks their receipt read; plus ``get_self_receive/`` and ``get_newest_msg/``
(login only, differences #11). Bulk create is not offered: one message has one target set.
"""

from __future__ import annotations

from flask.views import MethodView

from app.core import envelope
from app.core.crud import IdsSchema, KeysSchema, parse_ids
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.message import services
from blueprints.message.schemas import (
    MessageCreateSchema,
    MessageSchema,
    MessageUpdateSchema,
    ReceivedMessageSchema,
)

blp = EnvelopeBlueprint(
    "message_center", __name__, url_prefix="/api/system/message_center", description="Messages"
)
resource = services.resource


class MessagePartialSchema(MessageUpdateSchema):
    """PATCH body: any subset of the update fields."""


@blp.route("/")
class MessageList(MethodView):
    @blp.response(200, envelope_doc(MessageSchema, "page"))
    def get(self):
        """Messages I created (within my data scope), newest first."""
        return resource.list_response()

    @blp.arguments(MessageCreateSchema)
    @blp.response(200, envelope_doc(MessageSchema))
    def post(self, body):
        """Send a message: its recipients are resolved at once (is_read false)."""
        return envelope.detail(resource.serialize_one(resource.create(body)[0]), "新增成功")


@blp.route("/<int:id>/")
class MessageItem(MethodView):
    @blp.response(200, envelope_doc(MessageSchema))
    def get(self, id):  # noqa: A002 - the path parameter is named id (decisions #10)
        """Read a message (in my scope, or sent to me); my receipt becomes read."""
        return envelope.detail(resource.serialize_one(resource.read_one(id)), "获取成功")

    @blp.arguments(MessageUpdateSchema)
    @blp.response(200, envelope_doc(MessageSchema))
    def put(self, body, id):  # noqa: A002
        """Update a message; new targets re-resolve its recipients (read flags kept)."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.arguments(MessagePartialSchema(partial=True))
    @blp.response(200, envelope_doc(MessageSchema))
    def patch(self, body, id):  # noqa: A002
        """Update some fields of a message."""
        return envelope.detail(resource.serialize_one(resource.update(id, body)), "更新成功")

    @blp.response(200, envelope_doc())
    def delete(self, id):  # noqa: A002
        """Delete a message with its receipts and target links."""
        resource.delete([resource.get_or_400(id)])
        return envelope.detail([], "删除成功")


@blp.route("/multiple_delete/", methods=["DELETE"])
@blp.arguments(KeysSchema)
@blp.response(200, envelope_doc(None, "list"))
def multiple_delete(body):
    """Delete the messages whose ids are in ``keys`` (only those in my data scope)."""
    if body.get("keys") is None:
        raise ApiError("未获取到keys字段", 400)
    resource.delete(resource.visible(parse_ids(body["keys"], "keys")))
    return envelope.listing([], "删除成功")


@blp.route("/get_by_ids/", methods=["POST"])
@blp.arguments(IdsSchema)
@blp.response(200, envelope_doc(MessageSchema, "list"))
def get_by_ids(body):
    """Messages by id (only those in my data scope); ``data`` is null for no ids."""
    ids = parse_ids(body.get("ids"), "ids")
    if not ids:
        return envelope.detail(None)
    return envelope.detail(resource.serialize(resource.visible(ids)))


@blp.route("/get_self_receive/", methods=["GET"])
@blp.response(200, envelope_doc(ReceivedMessageSchema, "page"))
@login_only
def get_self_receive():
    """Messages sent to me, newest first, each with my ``is_read``."""
    return resource.received_response()


@blp.route("/get_newest_msg/", methods=["GET"])
@blp.response(200, envelope_doc(ReceivedMessageSchema))
@login_only
def get_newest_msg():
    """The message of my newest receipt, or ``data: null``."""
    return envelope.detail(resource.newest_received(), "获取成功")
