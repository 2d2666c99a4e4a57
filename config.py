"""Configuration classes, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

# Example or placeholder secrets that production must never run with.
KNOWN_WEAK_SECRETS = {
    "dev",
    "secret",
    "changeme",
    "change-me",
    "please-change-me",
    "your-secret-key",
    "django-insecure--z8%exyzt7e_%i@1+#1mm=%lb5=^fx_57=1@a+_y7bg5-w%)sm",
    "testing-secret-key-that-is-long-enough-0123456789",
}


def env_str(name: str, default: str | None = None) -> str | None:
    """Return an environment string, treating an empty value as unset."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    """Return an environment integer, or the default when unset."""
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {value!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    """Return an environment boolean (1/true/yes/on are true)."""
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated environment list."""
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


class BaseConfig:
    """Settings shared by every environment."""

    APP_ENV = "base"
    TESTING = False
    SECRET_KEY = env_str("SECRET_KEY")
    JWT_SECRET_KEY = env_str("JWT_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env_str("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_recycle": 3600,
    }
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 10)
    DB_MAX_OVERFLOW = env_int("DB_MAX_OVERFLOW", 20)
    REDIS_URL = env_str("REDIS_URL")
    REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "dvadmin:")
    # Read once at import by app.core.models; repeated here so it shows in the app config.
    TABLE_PREFIX = os.environ.get("TABLE_PREFIX", "dvadmin_")
    TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
    LOG_LEVEL = env_str("LOG_LEVEL", "INFO")

    # Seconds a list total may be reused when no write through the app touched its tables.
    COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", 30)
    CORS_ORIGINS = env_list("CORS_ORIGINS")
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)

    ACCESS_TOKEN_MINUTES = env_int("ACCESS_TOKEN_MINUTES", 24 * 60)
    REFRESH_TOKEN_MINUTES = env_int("REFRESH_TOKEN_MINUTES", 24 * 60)
    TOKEN_ENDPOINT_ENABLED = env_bool("TOKEN_ENDPOINT_ENABLED", False)

    LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 15 * 60)
    LOGIN_IP_MAX_FAILURES = env_int("LOGIN_IP_MAX_FAILURES", 30)
    LOGIN_IP_WINDOW_SECONDS = env_int("LOGIN_IP_WINDOW_SECONDS", 10 * 60)
    CAPTCHA_TTL_SECONDS = env_int("CAPTCHA_TTL_SECONDS", 5 * 60)
    CAPTCHA_IP_MAX_PER_MINUTE = env_int("CAPTCHA_IP_MAX_PER_MINUTE", 60)

    PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
    PASSWORD_MAX_LENGTH = env_int("PASSWORD_MAX_LENGTH", 30)
    PASSWORD_REQUIRE_LETTER = env_bool("PASSWORD_REQUIRE_LETTER", True)
    PASSWORD_REQUIRE_DIGIT = env_bool("PASSWORD_REQUIRE_DIGIT", True)
    PASSWORD_HASH_ITERATIONS = env_int("PASSWORD_HASH_ITERATIONS", 600_000)
    # Production without Redis keeps revocation and lockouts per process: refused unless asked.
    ALLOW_SINGLE_PROCESS = env_bool("ALLOW_SINGLE_PROCESS", False)

    MEDIA_ROOT = env_str("MEDIA_ROOT")  # default: <instance>/media
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    UPLOAD_EXTENSIONS = env_str("UPLOAD_EXTENSIONS")  # default: the file area's built-in list
    SPA_DIST = env_str("SPA_DIST")
    SPA_AT_ROOT = env_bool("SPA_AT_ROOT", False)
    CONFIG_CACHE_TTL_SECONDS = env_int("CONFIG_CACHE_TTL_SECONDS", 86400)
    API_LOG_ENABLE = env_bool("API_LOG_ENABLE", True)
    API_LOG_METHODS = env_str("API_LOG_METHODS", "POST,PUT,PATCH,DELETE")
    API_LOG_BODY_MAX = env_int("API_LOG_BODY_MAX", 10_000)
    LOG_RETENTION_DAYS = env_int("LOG_RETENTION_DAYS", 180)
    EXCEL_IMPORT_MAX_ROWS = env_int("EXCEL_IMPORT_MAX_ROWS", 10_000)
    EXCEL_IMPORT_MAX_ERRORS_SHOWN = env_int("EXCEL_IMPORT_MAX_ERRORS_SHOWN", 20)
    PLUGIN_PATHS = env_str("PLUGIN_PATHS")  # extra plugin folders, os.pathsep-separated
    SWAGGER_REQUIRES_LOGIN = env_bool("SWAGGER_REQUIRES_LOGIN", False)
    PLUGINS = env_list("PLUGINS")
    PLUGINS_DISABLED = env_list("PLUGINS_DISABLED")

    API_TITLE = "dvadmin-flask"
    API_VERSION = "1.0.0"
    OPENAPI_VERSION = "2.0"
    OPENAPI_URL_PREFIX = "/"
    OPENAPI_JSON_PATH = "swagger.json"
    OPENAPI_SWAGGER_UI_PATH = "swagger"
    OPENAPI_SWAGGER_UI_URL = "/swagger-ui-assets/"
    API_SPEC_OPTIONS = {
        "securityDefinitions": {
            "JWT": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`JWT <access token>` or `Bearer <access token>`",
            }
        },
        "security": [{"JWT": []}],
    }

    @classmethod
    def finalize(cls, config: dict, instance_path: str) -> None:
        """Fill derived defaults once the instance folder is known."""
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(instance_path, "dvadmin.sqlite3")
        if not config.get("JWT_SECRET_KEY"):
            config["JWT_SECRET_KEY"] = config.get("SECRET_KEY")


class DevelopmentConfig(BaseConfig):
    """Local development: generated secrets kept in the instance folder, SQLite by default."""

    APP_ENV = "development"
    CORS_ORIGINS = env_list("CORS_ORIGINS", ["http://127.0.0.1:8080", "http://localhost:8080"])

    @classmethod
    def finalize(cls, config: dict, instance_path: str) -> None:
        """Generate a development secret once and keep it in the instance folder."""
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _instance_secret(instance_path)
        super().finalize(config, instance_path)


class TestingConfig(BaseConfig):
    """The test suite: fast hashing, a random secret, database from TEST_DATABASE_URL."""

    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-that-is-long-enough-0123456789"
    SQLALCHEMY_DATABASE_URI = env_str("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = env_str("TEST_REDIS_URL", env_str("REDIS_URL"))
    PASSWORD_HASH_ITERATIONS = 1000
    CORS_ORIGINS = ["http://spa.example.test"]


class ProductionConfig(BaseConfig):
    """Production: refuses to start on a missing or weak secret or an unset database."""

    APP_ENV = "production"

    @classmethod
    def finalize(cls, config: dict, instance_path: str) -> None:
        """Check the secrets and the database URL before anything starts."""
        secret = config.get("SECRET_KEY") or ""
        _check_secret("SECRET_KEY", secret)
        if config.get("JWT_SECRET_KEY"):
            _check_secret("JWT_SECRET_KEY", config["JWT_SECRET_KEY"])
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("DATABASE_URL must be set in production")
        if not config.get("REDIS_URL") and not config.get("ALLOW_SINGLE_PROCESS"):
            raise RuntimeError(
                "REDIS_URL must be set in production (token revocation, lockouts and caches are "
                "shared through it); for a single-process install set ALLOW_SINGLE_PROCESS=true"
            )
        if int(config.get("PASSWORD_HASH_ITERATIONS") or 0) < 600_000:
            raise RuntimeError("PASSWORD_HASH_ITERATIONS must be at least 600000 in production")
        super().finalize(config, instance_path)


def _check_secret(name: str, value: str) -> None:
    if not value:
        raise RuntimeError(f"{name} must be set in production")
    if len(value) < 32:
        raise RuntimeError(f"{name} must be at least 32 characters in production")
    if value.lower() in KNOWN_WEAK_SECRETS or value.startswith("django-insecure"):
        raise RuntimeError(f"{name} is a well-known example value; generate a new one")


def _instance_secret(instance_path: str) -> str:
    import secrets

    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[BaseConfig]:
    """Return the config class named by ``name`` or ``APP_ENV`` (development by default)."""
    key = (name or env_str("APP_ENV", "development")).lower()
    if key not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, got {key!r}")
    return CONFIGS[key]
