"""A service does not start without its key outside development (issue 7, finding 2)."""

import os
import subprocess
import sys


def start(tmp_path, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ABITARE_DEVELOPMENT", "ABITARE_SECRET_KEY")
    }
    clean.update(ABITARE_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "abitare_chassis.run", "funds", "--migrate-only"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_service_refuses_to_start_without_a_key(tmp_path):
    refused = start(tmp_path)
    assert refused.returncode != 0
    assert "funds: ABITARE_SECRET_KEY is not set" in refused.stderr
    assert not (tmp_path / "funds.db").exists()  # it stopped before touching anything


def test_development_mode_or_a_key_lets_it_start(tmp_path):
    assert start(tmp_path / "dev", ABITARE_DEVELOPMENT="1").returncode == 0
    assert start(tmp_path / "key", ABITARE_SECRET_KEY="a-real-key").returncode == 0
    assert (tmp_path / "key" / "funds.db").exists()
