"""The command line: help for every sub-command, clear errors for bad settings (exit 2)."""

import os
import subprocess
import sys

import pytest

COMMANDS = [
    "demo",
    "serve",
    "migrate",
    "seed",
    "ingest",
    "simulate",
    "devices",
    "users",
    "audit",
    "backup",
    "restore",
]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sharedfactory.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_sub_command_prints_help(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert f"sharedfactory {command}" in result.stdout


def test_unknown_database_scheme_is_one_clear_line(tmp_path):
    result = run("migrate", SHAREDFACTORY_DATABASE_URL="mysql://root@localhost/sf")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "sharedfactory: SHAREDFACTORY_DATABASE_URL: unknown scheme 'mysql' "
        "(use sqlite:///PATH or postgresql://user:pass@host:port/db)"
    ]


def test_unreachable_database_names_the_setting():
    result = run("migrate", SHAREDFACTORY_DATABASE_URL="postgresql://sf:sf@127.0.0.1:9/sf")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("sharedfactory: SHAREDFACTORY_DATABASE_URL: cannot reach")


def test_seed_refuses_a_start_that_is_not_a_monday():
    result = run("seed", "--start", "2026-12-08")
    assert result.returncode == 2
    assert "is not a Monday" in result.stderr


def test_migrate_and_seed_on_a_new_sqlite_file(tmp_path):
    env = {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
    }
    for _ in range(2):
        assert run("migrate", **env).returncode == 0
    first, second = run("seed", **env), run("seed", **env)
    assert first.returncode == second.returncode == 0
    assert "demo cluster written" in first.stderr
    assert "nothing seeded" in second.stderr
    assert (tmp_path / "data" / "secret_key").exists()


def test_machine_login_for_an_unknown_machine_is_refused(tmp_path):
    env = {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
    }
    assert run("migrate", **env).returncode == 0
    result = run("devices", "password", "atlantis-1", **env)
    assert result.returncode == 2
    assert result.stderr.strip() == "sharedfactory: machine: machine 'atlantis-1' does not exist"


def test_users_add_reads_the_password_from_standard_input(tmp_path):
    env = {
        "SHAREDFACTORY_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "SHAREDFACTORY_DATA_DIR": str(tmp_path / "data"),
    }
    assert run("migrate", **env).returncode == 0
    command = [
        sys.executable,
        "-m",
        "sharedfactory.cli",
        "users",
        "add",
        "Auditor@Example.ID",
        "--role",
        "auditor",
    ]
    ok = subprocess.run(
        command,
        input="rahasia-sekali-2026\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "login auditor@example.id (auditor) created" in ok.stderr
    short = subprocess.run(
        [*command[:5], "b@example.id", "--role", "auditor"],
        input="pendek\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert short.returncode == 2
    assert short.stderr.strip() == "sharedfactory: password: at least 10 characters"
