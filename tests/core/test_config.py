"""Config selection and the production refusals (differences #1, decisions #28)."""

import pytest

from config import DevelopmentConfig, ProductionConfig, config_for

GOOD = "k" * 20 + "Q7v9wZ2xR4tY6uI8oP0a"


def finalize(cls, tmp_path, **config):
    cfg = {
        "SQLALCHEMY_DATABASE_URI": None,
        "JWT_SECRET_KEY": None,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PASSWORD_HASH_ITERATIONS": 600_000,
        **config,
    }
    cls.finalize(cfg, str(tmp_path))
    return cfg


def test_app_env_selects_the_config(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    assert config_for() is ProductionConfig
    monkeypatch.delenv("APP_ENV")
    assert config_for() is DevelopmentConfig
    with pytest.raises(RuntimeError, match="APP_ENV"):
        config_for("staging")


def test_flask_debug_does_not_select_production(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "0")
    assert config_for() is DevelopmentConfig


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (None, "must be set"),
        ("short", "at least 32"),
        ("django-insecure--z8%exyzt7e_%i@1+#1mm=%lb5=^fx_57=1@a+_y7bg5-w%)sm", "well-known"),
        ("testing-secret-key-that-is-long-enough-0123456789", "well-known"),
    ],
)
def test_production_refuses_weak_secrets(tmp_path, secret, message):
    with pytest.raises(RuntimeError, match=message):
        finalize(ProductionConfig, tmp_path, SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_needs_a_database_url(tmp_path):
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        finalize(ProductionConfig, tmp_path, SECRET_KEY=GOOD)


def test_production_with_good_settings(tmp_path):
    cfg = finalize(ProductionConfig, tmp_path, SECRET_KEY=GOOD, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert cfg["JWT_SECRET_KEY"] == GOOD


def test_development_generates_and_keeps_a_secret(tmp_path):
    first = finalize(DevelopmentConfig, tmp_path, SECRET_KEY=None)
    second = finalize(DevelopmentConfig, tmp_path, SECRET_KEY=None)
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (
        first["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
        and str(tmp_path) in first["SQLALCHEMY_DATABASE_URI"]
    )
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_needs_redis_unless_single_process(tmp_path):
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        finalize(
            ProductionConfig, tmp_path, SECRET_KEY=GOOD, SQLALCHEMY_DATABASE_URI="sqlite://", REDIS_URL=None
        )
    cfg = finalize(
        ProductionConfig,
        tmp_path,
        SECRET_KEY=GOOD,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        REDIS_URL=None,
        ALLOW_SINGLE_PROCESS=True,
    )
    assert cfg["SECRET_KEY"] == GOOD


def test_production_refuses_cheap_hashing(tmp_path):
    with pytest.raises(RuntimeError, match="600000"):
        finalize(
            ProductionConfig,
            tmp_path,
            SECRET_KEY=GOOD,
            SQLALCHEMY_DATABASE_URI="sqlite://",
            PASSWORD_HASH_ITERATIONS=1000,
        )
