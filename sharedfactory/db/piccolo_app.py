"""The Piccolo app that owns every table and the migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from sharedfactory.db.registry import TABLES

APP_CONFIG = AppConfig(
    app_name="sharedfactory",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(TABLES),
    migration_dependencies=[],
    commands=[],
)
