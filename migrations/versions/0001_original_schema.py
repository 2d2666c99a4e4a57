"""The original's tables, as django-vue3-admin's MariaDB schema has them.

Mirrors ``original-schema-mariadb.sql`` (columns, types, nullability, unique sets, indexes);
Django's framework tables (auth_*, django_*, captcha_captchastore) are left out. An adopted
database already has these tables: stamp this revision instead of running it.

Revision ID: 0001_original_schema
Revises:
Create Date: 2025-11-24 10:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from app.core.models import BigId, DateTime6, table_name

# revision identifiers, used by Alembic.
revision = "0001_original_schema"
down_revision = None
branch_labels = None
depends_on = None

# Django's TextField is longtext on MariaDB.
LongText = sa.Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")
# MariaDB stores JSON as longtext CHECK (json_valid(...)), as the original's columns are.
Json = sa.JSON(none_as_null=True)
# tinyint(1) on MariaDB, no CHECK constraint.
Bool = sa.Boolean(create_constraint=False)

# The original's table options, whatever the database's default charset; the collation makes
# unique keys case-insensitive (traps #14). The mariadb:// dialect reads only mariadb_ options.
TABLE_OPTIONS = {
    f"{dialect}_{option}": value
    for dialect in ("mysql", "mariadb")
    for option, value in (
        ("engine", "InnoDB"),
        ("charset", "utf8mb4"),
        ("collate", "utf8mb4_general_ci"),
    )
}


def _name(kind, table, *columns):
    """Return a constraint or index name following the models' naming convention."""
    suffix = "_".join(columns) if columns else ""
    return op.f(f"{kind}_{table}_{suffix}" if suffix else f"{kind}_{table}")


def _core_columns():
    """Return CoreModel's columns before the model's own (the original's column order)."""
    return [
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("description", sa.String(255), nullable=True),
        sa.Column("modifier", sa.String(255), nullable=True),
        sa.Column("dept_belong_id", sa.String(255), nullable=True),
        sa.Column("update_datetime", DateTime6, nullable=True),
        sa.Column("create_datetime", DateTime6, nullable=True),
    ]


def _create_table(name, *items):
    """Create a table with an ``id`` primary key and the original's table options."""
    table = table_name(name)
    op.create_table(
        table,
        *items,
        sa.PrimaryKeyConstraint("id", name=_name("pk", table)),
        **TABLE_OPTIONS,
    )
    return table


def _index(table, *columns):
    """Create a non-unique index."""
    op.create_index(_name("ix", table, *columns), table, list(columns), unique=False)


def _unique(table, *columns):
    """Return a named unique constraint for ``create_table``."""
    return sa.UniqueConstraint(*columns, name=_name("uq", table_name(table), *columns))


def _m2m(name, left, right, right_type=None, index_left=True):
    """Create a Django many-to-many table: int id, the two ids, the unique pair, indexes."""
    table = _create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(left, sa.BigInteger(), nullable=False),
        sa.Column(right, right_type if right_type is not None else sa.BigInteger(), nullable=False),
        _unique(name, left, right),
    )
    if index_left:
        _index(table, left)
    _index(table, right)


def upgrade():
    """Create the original's tables."""
    t = _create_table(
        "api_white_list",
        *_core_columns(),
        sa.Column("url", sa.String(200), nullable=False),
        sa.Column("method", sa.Integer(), nullable=True),
        sa.Column("enable_datasource", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "download_center",
        *_core_columns(),
        sa.Column("task_name", sa.String(255), nullable=False),
        sa.Column("task_status", sa.SmallInteger(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("url", sa.String(100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("md5sum", sa.String(36), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "message_center",
        *_core_columns(),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("content", LongText, nullable=False),
        sa.Column("target_type", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    _m2m("message_center_target_dept", "messagecenter_id", "dept_id")
    _m2m("message_center_target_role", "messagecenter_id", "role_id")

    t = _create_table(
        "message_center_target_user",
        *_core_columns(),
        sa.Column("is_read", Bool, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("messagecenter_id", sa.BigInteger(), nullable=False),
        sa.Column("users_id", sa.BigInteger(), nullable=False),
    )
    _index(t, "creator_id")
    _index(t, "messagecenter_id")
    _index(t, "users_id")

    t = _create_table(
        "role_menu_button_permission",
        *_core_columns(),
        sa.Column("data_range", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("menu_button_id", sa.BigInteger(), nullable=True),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
    )
    _index(t, "creator_id")
    _index(t, "menu_button_id")
    _index(t, "role_id")

    _m2m("role_menu_button_permission_dept", "rolemenubuttonpermission_id", "dept_id")

    t = _create_table(
        "role_menu_permission",
        *_core_columns(),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("menu_id", sa.BigInteger(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
    )
    _index(t, "creator_id")
    _index(t, "menu_id")
    _index(t, "role_id")

    t = _create_table(
        "system_area",
        *_core_columns(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("level", sa.BigInteger(), nullable=False),
        sa.Column("pinyin", sa.String(255), nullable=False),
        sa.Column("initials", sa.String(20), nullable=False),
        sa.Column("enable", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("pcode_id", sa.String(20), nullable=True),
        _unique("system_area", "code"),
    )
    _index(t, "creator_id")
    _index(t, "pcode_id")

    t = _create_table(
        "system_config",
        *_core_columns(),
        sa.Column("title", sa.String(50), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", Json, nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("status", Bool, nullable=False),
        sa.Column("data_options", Json, nullable=True),
        sa.Column("form_item_type", sa.Integer(), nullable=False),
        sa.Column("rule", Json, nullable=True),
        sa.Column("placeholder", sa.String(50), nullable=True),
        sa.Column("setting", Json, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        _unique("system_config", "key", "parent_id"),
    )
    _index(t, "key")
    _index(t, "creator_id")
    _index(t, "parent_id")

    t = _create_table(
        "system_dept",
        *_core_columns(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key", sa.String(64), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(32), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("email", sa.String(32), nullable=True),
        sa.Column("status", Bool, nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        _unique("system_dept", "key"),
    )
    _index(t, "creator_id")
    _index(t, "parent_id")

    t = _create_table(
        "system_dictionary",
        *_core_columns(),
        sa.Column("label", sa.String(100), nullable=True),
        sa.Column("value", sa.String(200), nullable=True),
        sa.Column("type", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(20), nullable=True),
        sa.Column("is_value", Bool, nullable=False),
        sa.Column("status", Bool, nullable=False),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("remark", sa.String(2000), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")
    _index(t, "parent_id")

    t = _create_table(
        "system_field_permission",
        *_core_columns(),
        sa.Column("is_query", Bool, nullable=False),
        sa.Column("is_create", Bool, nullable=False),
        sa.Column("is_update", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("field_id", sa.BigInteger(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
    )
    _index(t, "creator_id")
    _index(t, "field_id")
    _index(t, "role_id")

    t = _create_table(
        "system_file_list",
        *_core_columns(),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("url", sa.String(100), nullable=True),
        sa.Column("file_url", sa.String(255), nullable=False),
        sa.Column("engine", sa.String(100), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("size", sa.String(36), nullable=False),
        sa.Column("md5sum", sa.String(36), nullable=False),
        sa.Column("upload_method", sa.SmallInteger(), nullable=True),
        sa.Column("file_type", sa.SmallInteger(), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "system_login_log",
        *_core_columns(),
        sa.Column("username", sa.String(32), nullable=True),
        sa.Column("ip", sa.String(32), nullable=True),
        sa.Column("agent", LongText, nullable=True),
        sa.Column("browser", sa.String(200), nullable=True),
        sa.Column("os", sa.String(200), nullable=True),
        sa.Column("continent", sa.String(50), nullable=True),
        sa.Column("country", sa.String(50), nullable=True),
        sa.Column("province", sa.String(50), nullable=True),
        sa.Column("city", sa.String(50), nullable=True),
        sa.Column("district", sa.String(50), nullable=True),
        sa.Column("isp", sa.String(50), nullable=True),
        sa.Column("area_code", sa.String(50), nullable=True),
        sa.Column("country_english", sa.String(50), nullable=True),
        sa.Column("country_code", sa.String(50), nullable=True),
        sa.Column("longitude", sa.String(50), nullable=True),
        sa.Column("latitude", sa.String(50), nullable=True),
        sa.Column("login_type", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "system_menu",
        *_core_columns(),
        sa.Column("icon", sa.String(64), nullable=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("is_link", Bool, nullable=False),
        sa.Column("link_url", sa.String(255), nullable=True),
        sa.Column("is_catalog", Bool, nullable=False),
        sa.Column("web_path", sa.String(128), nullable=True),
        sa.Column("component", sa.String(128), nullable=True),
        sa.Column("component_name", sa.String(50), nullable=True),
        sa.Column("status", Bool, nullable=False),
        sa.Column("cache", Bool, nullable=False),
        sa.Column("visible", Bool, nullable=False),
        sa.Column("is_iframe", Bool, nullable=False),
        sa.Column("is_affix", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")
    _index(t, "parent_id")

    t = _create_table(
        "system_menu_button",
        *_core_columns(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("api", sa.String(200), nullable=False),
        sa.Column("method", sa.Integer(), nullable=True),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("menu_id", sa.BigInteger(), nullable=False),
        _unique("system_menu_button", "value"),
    )
    _index(t, "creator_id")
    _index(t, "menu_id")

    t = _create_table(
        "system_menu_field",
        *_core_columns(),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("field_name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(64), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("menu_id", sa.BigInteger(), nullable=False),
    )
    _index(t, "creator_id")
    _index(t, "menu_id")

    t = _create_table(
        "system_operation_log",
        *_core_columns(),
        sa.Column("request_modular", sa.String(64), nullable=True),
        sa.Column("request_path", sa.String(400), nullable=True),
        sa.Column("request_body", LongText, nullable=True),
        sa.Column("request_method", sa.String(8), nullable=True),
        sa.Column("request_msg", LongText, nullable=True),
        sa.Column("request_ip", sa.String(32), nullable=True),
        sa.Column("request_browser", sa.String(64), nullable=True),
        sa.Column("response_code", sa.String(32), nullable=True),
        sa.Column("request_os", sa.String(64), nullable=True),
        sa.Column("json_result", LongText, nullable=True),
        sa.Column("status", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "system_post",
        *_core_columns(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
    )
    _index(t, "creator_id")

    t = _create_table(
        "system_role",
        *_core_columns(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("status", Bool, nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        _unique("system_role", "key"),
    )
    _index(t, "creator_id")

    # Django's AbstractUser columns come first in the original's table.
    t = _create_table(
        "system_users",
        sa.Column("password", sa.String(128), nullable=False),
        sa.Column("last_login", DateTime6, nullable=True),
        sa.Column("is_superuser", Bool, nullable=False),
        sa.Column("first_name", sa.String(150), nullable=False),
        sa.Column("last_name", sa.String(150), nullable=False),
        sa.Column("is_staff", Bool, nullable=False),
        sa.Column("is_active", Bool, nullable=False),
        sa.Column("date_joined", DateTime6, nullable=False),
        *_core_columns(),
        sa.Column("username", sa.String(150), nullable=False),
        sa.Column("email", sa.String(255), nullable=True),
        sa.Column("mobile", sa.String(255), nullable=True),
        sa.Column("avatar", sa.String(255), nullable=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("gender", sa.Integer(), nullable=True),
        sa.Column("user_type", sa.Integer(), nullable=True),
        sa.Column("login_error_count", sa.Integer(), nullable=False),
        sa.Column("pwd_change_count", sa.Integer(), nullable=False),
        sa.Column("creator_id", sa.BigInteger(), nullable=True),
        sa.Column("dept_id", sa.BigInteger(), nullable=True),
        _unique("system_users", "username"),
    )
    _index(t, "creator_id")
    _index(t, "dept_id")

    # The unique pair's index covers users_id where the original has no separate key.
    _m2m("system_users_groups", "users_id", "group_id", sa.Integer(), index_left=False)
    _m2m("system_users_post", "users_id", "post_id")
    _m2m("system_users_role", "users_id", "role_id")
    _m2m(
        "system_users_user_permissions",
        "users_id",
        "permission_id",
        sa.Integer(),
        index_left=False,
    )


def downgrade():
    """Drop the original's tables (and every row in them)."""
    for name in (
        "system_users_user_permissions",
        "system_users_role",
        "system_users_post",
        "system_users_groups",
        "system_users",
        "system_role",
        "system_post",
        "system_operation_log",
        "system_menu_field",
        "system_menu_button",
        "system_menu",
        "system_login_log",
        "system_file_list",
        "system_field_permission",
        "system_dictionary",
        "system_dept",
        "system_config",
        "system_area",
        "role_menu_permission",
        "role_menu_button_permission_dept",
        "role_menu_button_permission",
        "message_center_target_user",
        "message_center_target_role",
        "message_center_target_dept",
        "message_center",
        "download_center",
        "api_white_list",
    ):
        # Dropping a table drops its indexes on both databases.
        op.drop_table(table_name(name))
