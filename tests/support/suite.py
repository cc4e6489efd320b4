"""The whole suite as real processes (four services + gateway) for end-to-end, security,
reliability and browser tests: its own vhost, its own var/ directory, its own port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from abitare_chassis import broker
from abitare_chassis.testing.rabbit import free_port

REPO = Path(__file__).resolve().parents[2]
DEFINITIONS = REPO / "infra" / "rabbitmq" / "definitions.json"
BIN = Path(sys.executable).parent
SERVICES = ("intake", "funds", "housing_stock", "partners")
DEMO_AMBITO = [
    "015195",
    "015192",
    "015050",
    "015071",
    "015082",
    "015101",
    "015140",
    "015202",
    "015244",
]


class Suite:
    def __init__(self, amqp_uri: str, var_dir: Path, extra_env: dict | None = None):
        self.amqp_uri = amqp_uri
        self.var_dir = Path(var_dir)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def env(self, **overrides) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "AMQP_URI": self.amqp_uri,
                "ABITARE_VAR_DIR": str(self.var_dir),
                "ABITARE_RETRY_DELAY_MS": "200",
                "PYTHONUNBUFFERED": "1",
                "ABITARE_DEVELOPMENT": "1",
                "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1,localhost",  # the tests' webhook receivers
            }
        )  # dev keys, plain http: no Secure cookie, no HSTS
        env.pop("ABITARE_FAILPOINT", None)
        env.update(self.extra_env)
        env.update({k: v for k, v in overrides.items() if v is not None})
        return env

    def database_url(self, service: str) -> str:
        return f"sqlite:///{self.var_dir / (service + '.db')}"

    # -- lifecycle ---------------------------------------------------------------------------
    def prepare(self):
        broker.declare(self.amqp_uri, broker.load_definitions(DEFINITIONS))
        for service in SERVICES:
            self._run([str(BIN / "abitare-service"), service, "--migrate-only"])
        self._run([str(BIN / "abitare-gateway"), "seed-demo"])

    def _run(self, cmd):
        subprocess.run(
            cmd,
            env=self.env(),
            check=True,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def start_service(self, service: str, **env):
        log = self.var_dir / f"{service}.log"
        self.logs[service] = log
        self.processes[service] = subprocess.Popen(
            [str(BIN / "abitare-service"), service],
            env=self.env(**env),
            cwd=REPO,
            stdout=open(log, "ab"),
            stderr=subprocess.STDOUT,
        )

    def start_gateway(self, **env):
        log = self.var_dir / "gateway.log"
        self.logs["gateway"] = log
        self.processes["gateway"] = subprocess.Popen(
            [
                str(BIN / "abitare-gateway"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env(**env),
            cwd=REPO,
            stdout=open(log, "ab"),
            stderr=subprocess.STDOUT,
        )

    def start(self):
        self.prepare()
        for service in SERVICES:
            self.start_service(service)
        self.start_gateway()
        self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = 90):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")
            try:
                last = requests.get(f"{self.base_url}/readyz", timeout=5)
                if last.status_code == 200:
                    return
            except requests.RequestException as exc:
                last = exc
            time.sleep(0.5)
        raise TimeoutError(f"suite not healthy: {getattr(last, 'text', last)}")

    def kill(self, name: str, sig=signal.SIGKILL):
        proc = self.processes.pop(name)
        if proc.poll() is None:
            proc.send_signal(sig)
        proc.wait(timeout=30)
        return proc.returncode

    def wait_exit(self, name: str, timeout: float = 30) -> int:
        proc = self.processes.pop(name)
        return proc.wait(timeout=timeout)

    def stop(self, grace: float = 10):
        """SIGTERM everyone, then SIGKILL whoever has not left within ``grace`` seconds (a nameko
        service whose vhost is already gone can hang in its shutdown): no process outlives a
        test."""
        procs = [self.processes.pop(name) for name in list(self.processes)]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs.get(name)
        if not path or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # -- API helpers -------------------------------------------------------------------------
    def client_token(self, istat: str) -> str:
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token",
            timeout=10,
            json={"client_id": f"comune-{istat}", "client_secret": f"demo-secret-{istat}"},
        )
        response.raise_for_status()
        return response.json()["access_token"]

    def api(self, istat: str) -> requests.Session:
        return self.bearer_session(self.client_token(istat))

    def partner_api(self, client_id: str, client_secret: str) -> requests.Session:
        """A partner's own system (a partner client), with its token."""
        response = requests.post(
            f"{self.base_url}/api/v1/auth/token",
            timeout=10,
            json={"client_id": client_id, "client_secret": client_secret},
        )
        response.raise_for_status()
        return self.bearer_session(response.json()["access_token"])

    def bearer_session(self, token: str) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        session.base = self.base_url
        return session


def operator_session(suite: Suite, username: str, password: str) -> requests.Session:
    """A logged-in operator, as the browser would be (session cookie + CSRF token from the form)."""
    import re

    session = requests.Session()
    page = session.get(f"{suite.base_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{suite.base_url}/login",
        timeout=10,
        allow_redirects=False,
        data={"username": username, "password": password, "csrf_token": token},
    )
    assert response.status_code in (302, 303), response.text
    return session
