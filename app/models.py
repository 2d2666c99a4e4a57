"""Import every model module so ``db.metadata`` is complete (migrations, tests, the CLI)."""

from __future__ import annotations

import blueprints.area.models as area_models
import blueprints.dept.models as dept_models
import blueprints.dictionary.models as dictionary_models
import blueprints.download.models as download_models
import blueprints.file.models as file_models
import blueprints.log.models as log_models
import blueprints.menu.models as menu_models
import blueprints.message.models as message_models
import blueprints.permission.models as permission_models
import blueprints.role.models as role_models
import blueprints.system_config.models as system_config_models
import blueprints.user.models as user_models
import blueprints.whitelist.models as whitelist_models

__all__ = [
    "area_models",
    "dept_models",
    "dictionary_models",
    "download_models",
    "file_models",
    "log_models",
    "menu_models",
    "message_models",
    "permission_models",
    "role_models",
    "system_config_models",
    "user_models",
    "whitelist_models",
]
