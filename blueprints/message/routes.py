"""Routes under ``/api/system/message_center/``.

The standard routes, except that retrieve also lets a recipient read a message outside their
data scope and marks their receipt read; plus ``get_self_receive/`` and ``get_newest_msg/``
(login only, differences #11). Bulk create is not offered: one message has one target set.
"""

from __future__ import annotations

from app.core import envelope
from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint, login_only
from app.core.openapi import envelope as envelope_doc
from blueprints.message import services
from blueprints.message.schemas import MessageSchema, ReceivedMessageSchema

blp = EnvelopeBlueprint(
    "message_center", __name__, url_prefix="/api/system/message_center", description="Messages"
)
resource = services.resource


register_crud(blp, resource, MessageSchema)


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
