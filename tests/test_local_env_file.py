"""The local .env: make run writes it once (scripts/_lib.sh), settings read it, the environment wins."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOW_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
)


def settings_with(environment):
    base = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "ENV_FILE")}
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_settings_read_the_file_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\nSECRET_KEY=key-from-the-file\nDEBUG=1\n")
    assert settings_with({"ENV_FILE": str(env_file)}) == ["key-from-the-file", "True"]
    assert settings_with({"ENV_FILE": str(env_file), "SECRET_KEY": "key-from-env", "DEBUG": "0"}) == [
        "key-from-env",
        "False",
    ]


def test_make_run_writes_a_private_env_file_once(tmp_path):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    write = ["bash", "-c", f". {ROOT / 'scripts' / '_lib.sh'} && ensure_dotenv"]
    subprocess.run(write, cwd=tmp_path, check=True, capture_output=True)
    env_file = tmp_path / ".env"
    lines = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if not line.startswith("#"))
    assert lines["DEBUG"] == "1"
    assert len(lines["SECRET_KEY"]) >= 50 and len(set(lines["SECRET_KEY"])) >= 5  # check --deploy's rule
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600

    first = env_file.read_text()
    subprocess.run(write, cwd=tmp_path, check=True, capture_output=True)
    assert env_file.read_text() == first
    other = tmp_path / "other"
    (other / ".venv").mkdir(parents=True)
    (other / ".venv" / "bin").symlink_to(tmp_path / ".venv" / "bin")
    subprocess.run(write, cwd=other, check=True, capture_output=True)
    assert (other / ".env").read_text() != first  # a new key for each checkout
