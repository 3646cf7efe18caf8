"""Real servers for tests that need one (the browser tests, the demo's serving): a free port, and
waiting for a started server to answer."""

import socket
import subprocess
import time
from urllib.request import urlopen

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(server: subprocess.Popen, url: str, seconds: float = 20) -> None:
    """Returns once ``url``/healthz answers; stops the server and fails the test if it never does."""
    for _ in range(int(seconds * 10)):
        try:
            urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 (our own server on 127.0.0.1)
            return
        except OSError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("the server did not start")
