from decimal import Decimal
from pathlib import Path

import pytest

from sharedfactory.settings import Settings, SettingsError


def test_defaults_follow_the_contract():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///./sharedfactory.db"
    assert settings.mqtt_url is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.data_dir == Path("./data")


def test_environment_is_read_only_when_asked():
    settings = Settings.from_env(
        {
            "SHAREDFACTORY_DATABASE_URL": "postgresql://u:p@127.0.0.1:5432/sf",
            "SHAREDFACTORY_PORT": "9000",
        }
    )
    assert settings.database_url.startswith("postgresql://")
    assert settings.port == 9000


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SHAREDFACTORY_DATABASE_URL", "mysql://root@localhost/sf"),
        ("SHAREDFACTORY_PORT", "eighty"),
        ("SHAREDFACTORY_PORT", "70000"),
        ("SHAREDFACTORY_MQTT_URL", "http://broker:1883"),
    ],
)
def test_invalid_setting_names_the_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({variable: value})


def test_secret_key_is_generated_once_into_the_data_directory(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = settings.resolved_secret_key()
    assert len(first) > 40
    assert settings.resolved_secret_key() == first
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0


def test_the_electricity_tariff_defaults_to_the_business_tariff():
    assert Settings.from_env({}).electricity_tariff == Decimal("1444.70")
    tariff = {"SHAREDFACTORY_ELECTRICITY_TARIFF": "1699.53"}
    assert Settings.from_env(tariff).electricity_tariff == Decimal("1699.53")


@pytest.mark.parametrize("value", ["0", "-1444.70", "murah", "NaN", "Infinity", "sNaN"])
def test_an_electricity_tariff_that_is_no_price_names_the_variable(value):
    with pytest.raises(SettingsError, match="SHAREDFACTORY_ELECTRICITY_TARIFF"):
        Settings.from_env({"SHAREDFACTORY_ELECTRICITY_TARIFF": value})


def test_web_workers_default_to_one_and_refuse_what_is_not_a_count():
    assert Settings.from_env({}).web_workers == 1
    assert Settings.from_env({"SHAREDFACTORY_WEB_WORKERS": "4"}).web_workers == 4
    for value in ("0", "-2", "dua", "65", ""):
        with pytest.raises(SettingsError, match="SHAREDFACTORY_WEB_WORKERS"):
            Settings.from_env({"SHAREDFACTORY_WEB_WORKERS": value})
