"""Routes under ``/api/system/api_white_list/``: the standard resource routes.

Reads need their button; every write (create, update, delete, ``multiple_delete``) is for
superusers only, checked before anything else once the button check passed.
"""

from __future__ import annotations

from flask import request

from app.core.crud import register_crud
from app.core.openapi import EnvelopeBlueprint
from blueprints.whitelist import services
from blueprints.whitelist.schemas import ApiWhiteListSchema

blp = EnvelopeBlueprint(
    "api_white_list", __name__, url_prefix="/api/system/api_white_list", description="API whitelist"
)

register_crud(blp, services.resource, ApiWhiteListSchema)

READ_ENDPOINTS = {"ApiWhiteList_get_by_ids"}


@blp.before_request
def writes_are_for_superusers():
    """Whitelist writes by a non-superuser: code 4000 before the id is even looked up."""
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        if endpoint not in READ_ENDPOINTS:
            services.require_superuser()
