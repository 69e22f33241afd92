"""One helper to serve a Streamlit script for the browser tests and the benchmarks.

:func:`streamlit_server` starts ``streamlit run`` on a free loopback port, writes everything the
server prints to a log file (so its output never fills a pipe nobody reads), waits for the
health endpoint with a timeout (failing early, with the log's tail, if the process dies), and
stops the process cleanly on exit. Used by ``tests/e2e/conftest.py`` and ``benchmarks/browser.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from atlas.paths import DATA_ENVS, GEO_ENVS, ROOT
from deploy.cluster import free_port, stop, wait_healthy

STARTUP_TIMEOUT = 90
# Read from the environment by the app; a server gets only the ones the caller passes, so that a
# variable set in the shell (e.g. ATLAS_DATA) does not change what the tests or benchmark serve.
PACKAGE_VARIABLES = DATA_ENVS + GEO_ENVS


@dataclass(frozen=True)
class Served:
    """A running server: its address, process id and log file."""

    url: str
    pid: int
    log: Path


def _tail(log: Path, chars: int = 3000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


@contextmanager
def streamlit_server(script: Path = ROOT / "app.py", env: dict[str, str] | None = None, *,
                     log: Path | None = None, timeout: float = STARTUP_TIMEOUT) -> Iterator[Served]:
    """Run ``streamlit run script`` on a free port until the block ends.

    Parameters
    ----------
    script : pathlib.Path
        The Streamlit script; the app by default.
    env : dict, optional
        Environment variables for the server, over this process's own (without the package
        variables :data:`PACKAGE_VARIABLES`, which only ``env`` can set).
    log : pathlib.Path, optional
        Where to write the server's output; a temporary file (removed afterwards) by default.
    timeout : float
        Seconds to wait for the health endpoint.

    Yields
    ------
    Served
        The server's URL (``http://localhost:PORT``), process id and log file.
    """
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    base = {k: v for k, v in os.environ.items() if k not in PACKAGE_VARIABLES}
    with tempfile.TemporaryDirectory() as folder:
        log = log or Path(folder) / "server.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w", encoding="utf-8") as output:
            process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                       env={**base, "PYTHONUNBUFFERED": "1", **(env or {})})
        url = f"http://localhost:{port}"
        try:
            try:
                wait_healthy(f"{url}/_stcore/health", process, timeout)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}; the server printed:\n{_tail(log)}") from None
            yield Served(url, process.pid, log)
        finally:
            stop(process)
