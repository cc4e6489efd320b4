"""A private RabbitMQ node for tests: its own port, data directory and node name, so a test can
stop and restart it without touching anyone else's broker. Needs ``rabbitmq-server`` installed;
as root the node runs as the ``rabbitmq`` user (which must own its files)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def rabbitmq_installed() -> bool:
    return (RABBIT_BIN / "rabbitmq-server").exists() or shutil.which("rabbitmq-server") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class PrivateRabbit:
    """``start()``, ``stop_app()``/``start_app()`` (a broker restart: all connections drop),
    ``shutdown()``; ``amqp_uri(vhost)``, ``create_vhost()`` through the management API."""

    def __init__(self, port: int | None = None, management: bool = True):
        self.port = port or free_port()
        self.management_port = free_port() if management else None
        self.dist_port = free_port()
        self.nodename = f"abitare{self.port}@localhost"
        self.dir = Path(tempfile.mkdtemp(prefix=f"abitare-rabbit-{self.port}-"))
        self._as_rabbitmq = os.geteuid() == 0

    # -- process control -------------------------------------------------------------------
    def _bin(self, name: str) -> str:
        path = RABBIT_BIN / name
        return str(path) if path.exists() else name

    def _env(self) -> dict:
        env = dict(os.environ)
        env.update(
            {
                "HOME": "/var/lib/rabbitmq" if self._as_rabbitmq else str(self.dir),
                "RABBITMQ_NODENAME": self.nodename,
                "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"),
                "RABBITMQ_LOG_BASE": str(self.dir / "log"),
                "RABBITMQ_PID_FILE": str(self.dir / "pid"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.dir / "enabled_plugins"),
                "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq"),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.dir / "advanced.config"),
            }
        )
        return env

    def _run(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self._as_rabbitmq:
            cmd = ["runuser", "-u", "rabbitmq", "--", *cmd]
        return subprocess.run(
            cmd,
            env=self._env(),
            check=check,
            timeout=timeout,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def _ctl(self, *args: str, check: bool = True, timeout: float = 120):
        return self._run(
            self._bin("rabbitmqctl"), "-n", self.nodename, *args, check=check, timeout=timeout
        )

    def start(self) -> PrivateRabbit:
        plugins = "[rabbitmq_management]." if self.management_port else "[]."
        (self.dir / "enabled_plugins").write_text(plugins + "\n")
        conf = [
            f"listeners.tcp.default = {self.port}",
            "loopback_users = none",
            "log.console = false",
            "log.file.level = warning",
        ]
        if self.management_port:
            conf.append(f"management.tcp.port = {self.management_port}")
            conf.append("management.tcp.ip = 127.0.0.1")
        (self.dir / "rabbitmq.conf").write_text("\n".join(conf) + "\n")
        (self.dir / "advanced.config").write_text("[].\n")
        if self._as_rabbitmq:
            subprocess.run(["chown", "-R", "rabbitmq:rabbitmq", str(self.dir)], check=True)
        self._run(self._bin("rabbitmq-server"), "-detached")
        self._ctl("wait", str(self.dir / "pid"), "--timeout", "90")
        self._wait_port(True)
        if self.management_port:
            self._wait_management()
        return self

    def _wait_port(self, up: bool, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while port_open(self.port) != up:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"rabbit port {self.port} did not become {'open' if up else 'closed'}"
                )
            time.sleep(0.2)

    def _wait_management(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._api("GET", "/api/overview")
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def stop_app(self):
        """Stop the broker (connections drop, port closes); data and node stay."""
        self._ctl("stop_app")
        self._wait_port(False)

    def start_app(self):
        self._ctl("start_app")
        self._wait_port(True)

    def restart(self, down_seconds: float = 0.0):
        self.stop_app()
        time.sleep(down_seconds)
        self.start_app()

    def shutdown(self):
        self._ctl("shutdown", check=False, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- management API --------------------------------------------------------------------
    def _api(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.management_port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(b"guest:guest").decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return json.loads(raw) if raw else None

    def create_vhost(self, name: str) -> str:
        self._api("PUT", f"/api/vhosts/{name}", {})
        self._api(
            "PUT",
            f"/api/permissions/{name}/guest",
            {"configure": ".*", "write": ".*", "read": ".*"},
        )
        return self.amqp_uri(name)

    def delete_vhost(self, name: str):
        try:
            self._api("DELETE", f"/api/vhosts/{name}")
        except Exception:
            pass

    def queue_depth(self, vhost: str, queue: str) -> int:
        return self._api("GET", f"/api/queues/{vhost}/{urllib.request.quote(queue, safe='')}")[
            "messages"
        ]

    def amqp_uri(self, vhost: str = "/") -> str:
        vhost_part = "" if vhost == "/" else vhost
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost_part}"
