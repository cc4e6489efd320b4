"""The embedded run (`make run`) under supervisord: kill -9 each process in turn while referrals
keep arriving. The others keep running and answering (not restarted with it, as honcho did), the
killed one is back within seconds, and in the end every referral exists exactly once everywhere."""

import os
import signal
import subprocess
import threading
import time

import requests

from abitare_chassis.testing.services import wait_for
from tests.support.load import submit_with_retries
from tests.support.suite import BIN, REPO, SERVICES, Suite

SGM = "015195"
PROCESSES = (*SERVICES, "gateway")
DOWNSTREAM = {"funds": "funds_file", "housing_stock": "housing_need"}


class Supervised:
    """supervisord with infra/supervisord.conf, in the suite's own var dir, vhost and port."""

    def __init__(self, suite: Suite):
        self.suite = suite
        (suite.var_dir / "log").mkdir(exist_ok=True)
        self.env = suite.env(
            ABITARE_HOME=str(REPO),
            ABITARE_BIN=str(BIN),
            GATEWAY_HOST="127.0.0.1",
            GATEWAY_PORT=str(suite.port),
        )
        self.process = None

    def start(self) -> "Supervised":
        self.process = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(REPO / "infra/supervisord.conf")],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        wait_for(
            lambda: all(self.pid(name) for name in PROCESSES),
            timeout=60,
            message="every process running",
        )
        self.wait_ready()
        return self

    def ctl(self, *args: str) -> str:
        return subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(REPO / "infra/supervisord.conf"), *args],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.strip()

    def pid(self, name: str) -> int:
        answer = self.ctl("pid", name)
        return int(answer) if answer.isdigit() else 0

    def pids(self) -> dict[str, int]:
        return {name: self.pid(name) for name in PROCESSES}

    def wait_ready(self, timeout: float = 60):
        def ready():
            try:
                return requests.get(f"{self.suite.base_url}/readyz", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, timeout=timeout, interval=0.2, message="the suite ready")

    def stop(self):
        """Stop supervisord (it stops its processes); kill whatever is left: no process outlives
        the test."""
        children = [pid for pid in self.pids().values() if pid]
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def count_rows(suite, service, table):
    import sqlite3

    with sqlite3.connect(suite.var_dir / f"{service}.db", timeout=30) as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def test_each_process_killed_under_load_is_back_and_nothing_is_lost(private_rabbit, tmp_path):
    suite = Suite(private_rabbit.create_vhost("supervised"), tmp_path)
    suite.prepare()
    supervised = Supervised(suite).start()
    try:
        token = suite.client_token(SGM)
        deadline = time.monotonic() + 300
        accepted, stop, errors = [], threading.Event(), []

        def load(worker: int):
            index = worker
            try:
                while not stop.is_set():
                    accepted.append(submit_with_retries(suite.base_url, token, index, deadline))
                    index += 4
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)

        workers = [threading.Thread(target=load, args=(w,), daemon=True) for w in range(4)]
        for worker in workers:
            worker.start()
        wait_for(lambda: len(accepted) >= 20, timeout=60, message="load flowing")
        comeback = {}
        for name in PROCESSES:
            before = supervised.pids()
            killed_at = time.monotonic()
            os.kill(before[name], signal.SIGKILL)
            wait_for(
                lambda: supervised.pid(name) not in (0, before[name]),
                timeout=30,
                message=f"{name} restarted",
            )
            if name not in ("gateway", "intake"):
                # intake and the gateway answer while the other service is away
                listing = requests.get(
                    f"{suite.base_url}/api/v1/referrals",
                    timeout=10,
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert listing.status_code == 200, listing.text
            supervised.wait_ready()
            comeback[name] = time.monotonic() - killed_at
            after = supervised.pids()
            assert {n: p for n, p in after.items() if n != name} == {
                n: p for n, p in before.items() if n != name
            }, "another process was restarted"
            count = len(accepted)
            wait_for(lambda: len(accepted) > count + 5, timeout=60, message="load after restart")
        stop.set()
        for worker in workers:
            worker.join(60)
        assert errors == []
        assert all(seconds < 30 for seconds in comeback.values()), comeback
        ids = {referral_id for referral_id, _ in accepted}
        assert len(ids) == len(accepted)
        assert count_rows(suite, "intake", "referral") == len(ids)
        for service, table in DOWNSTREAM.items():
            wait_for(
                lambda: count_rows(suite, service, table) >= len(ids),
                timeout=120,
                message=f"{service} to catch up",
            )
            assert count_rows(suite, service, table) == len(ids), service
        print(
            "back within (s):",
            {n: round(s, 1) for n, s in comeback.items()},
            "referrals:",
            len(ids),
        )
    finally:
        supervised.stop()
