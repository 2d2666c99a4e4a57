"""Unbound extension singletons, bound to an app in ``create_app``."""

from __future__ import annotations

from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_sock import Sock
from flask_sqlalchemy import SQLAlchemy

from app.core.models import Base
from app.core.openapi import EnvelopeApi

# Rows stay loaded after commit: a response built from them needs no second round trip.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
jwt = JWTManager()
api = EnvelopeApi()
sock = Sock()
