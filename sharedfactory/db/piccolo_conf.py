"""Piccolo's configuration module; the engine is whichever ``use_database`` installed."""

from piccolo.conf.apps import AppRegistry

from sharedfactory.db.engine import current_engine

DB = current_engine()
APP_REGISTRY = AppRegistry(apps=["sharedfactory.db.piccolo_app"])
