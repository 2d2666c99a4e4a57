"""Routes under ``/api/system/system_config/`` and the public ``/api/init/`` bootstrap routes."""

from __future__ import annotations

from flask import Flask

from app.core import envelope
from app.core.crud import register_crud
from app.core.errors import ApiError
from app.core.openapi import EnvelopeBlueprint, login_only, public
from app.core.openapi import envelope as envelope_doc
from blueprints.system_config import cache, services
from blueprints.system_config.schemas import (
    AssociationTableSchema,
    ConfigSchema,
    InitDictionaryQuerySchema,
    InitSettingsQuerySchema,
    RelationInfoQuerySchema,
    SaveContentItemSchema,
    TableDataQuerySchema,
)

blp = EnvelopeBlueprint(
    "system_config", __name__, url_prefix="/api/system/system_config", description="System config"
)
init_blp = EnvelopeBlueprint(
    "init", __name__, url_prefix="/api/init", description="SPA bootstrap: settings, dictionaries"
)

BLUEPRINTS = (blp, init_blp)


@blp.route("/save_content/", methods=["PUT"])
@blp.arguments(SaveContentItemSchema)
@blp.response(200, envelope_doc())
def save_content(body):
    """Save a group's items: each is updated (with ``id``) or created; all or nothing."""
    if not isinstance(body, list):
        raise ApiError("数据格式错误：应为 JSON 数组")
    services.resource.save_content(body)
    return envelope.detail(None, "保存成功")


@blp.route("/get_association_table/", methods=["GET"])
@blp.response(200, envelope_doc(AssociationTableSchema, "list"))
def get_association_table():
    """The tables (and their columns) a foreign-key config may point at."""
    return envelope.detail(services.association_tables(), "获取成功")


@blp.route("/get_table_data/<int:id>/", methods=["GET"])
@blp.arguments(TableDataQuerySchema, location="query")
@blp.response(200, envelope_doc(None, "page"))
def get_table_data(args, id):  # noqa: A002 - the path parameter is named id (decisions #10)
    """Rows of the table a foreign-key config points at (allow-listed columns, paginated)."""
    return services.resource.table_data(id, args.get("search"))


@blp.route("/get_relation_info/", methods=["GET"])
@blp.arguments(RelationInfoQuerySchema, location="query")
@blp.response(200, envelope_doc(ConfigSchema))
def get_relation_info(args):
    """The group holding the config whose value is one of ``relationIds``."""
    data = services.resource.relation_info(args.get("varName"), args.get("table"), args.get("relationIds"))
    return envelope.detail(data, "查询成功")


register_crud(blp, services.resource, ConfigSchema)


@init_blp.route("/settings/", methods=["GET"])
@init_blp.arguments(InitSettingsQuerySchema, location="query")
@init_blp.response(200, envelope_doc())
@public
def init_settings(args):
    """Front-end settings as ``{"group.key": value}`` (``?key=login|base`` selects prefixes)."""
    return envelope.detail(services.init_settings(args["key"]))


@init_blp.route("/dictionary/", methods=["GET"])
@init_blp.arguments(InitDictionaryQuerySchema, location="query")
@init_blp.response(200, envelope_doc(None, "list"))
@login_only
def init_dictionary(args):
    """Enabled dictionaries (``dictionary_key=all``) or one dictionary's values."""
    return envelope.listing(services.init_dictionary(args["dictionary_key"]), "获取成功")


def register(app: Flask) -> None:
    """Keep the shared caches in step with every committed config or dictionary write."""
    cache.install()
