"""Several copies of the app behind nginx on this machine, on loopback: ``make serve-cluster N=2``.

Usage: python -m deploy.cluster [--copies N] [--port PORT] [--base PATH]

Starts N ``streamlit run app.py`` processes on free loopback ports, all at the sub-path
``/atlas/`` (``--server.baseUrlPath``), and Debian's nginx in front of them with
``deploy/atlas.conf``: the same file a server uses, with its upstream list and listen line
replaced by the copies started here. Everything runs in a temporary folder (nginx's
configuration, temporary files and logs) that is removed on exit (Ctrl-C).

The tests (``tests/e2e/test_cluster_browser.py``) and the classroom benchmark
(``benchmarks/load.py``) start the same cluster through :func:`run_cluster`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "atlas.conf"
BASE_PATH = "atlas"
STARTUP_TIMEOUT = 90
# The response header nginx adds to say which copy answered (see deploy/atlas.conf).
COPY_HEADER = "X-Atlas-Copy"
AFFINITY_COOKIE = "atlas_copy"

_UPSTREAM_LINE = re.compile(r"^\s*server 127\.0\.0\.1:\d+ .*;\n", re.MULTILINE)
_LISTEN_LINE = re.compile(r"^(\s*)listen 80;$", re.MULTILINE)
_MAIN_CONF = """\
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/atlas.conf;
}}
"""


def free_port() -> int:
    """A TCP port on loopback that nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_executable() -> str:
    """Debian's nginx (``apt-get install nginx``); /usr/sbin is not on every user's PATH."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not found:
        raise RuntimeError("the cluster needs Debian's nginx: sudo apt-get install nginx")
    return found


def site_config(upstreams: list[int], listen: int, site: str | None = None) -> str:
    """``deploy/atlas.conf`` with its upstream list replaced by ``upstreams`` and listening on loopback.

    Parameters
    ----------
    upstreams : list of int
        The loopback ports of the copies.
    listen : int
        The loopback port nginx listens on.
    site : str, optional
        The configuration's text; defaults to ``deploy/atlas.conf``.

    Returns
    -------
    str
        The configuration for this machine.
    """
    text = NGINX_SITE.read_text(encoding="utf-8") if site is None else site
    lines = "".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n"
                    for port in upstreams)
    first = _UPSTREAM_LINE.search(text)
    if first is None or not _LISTEN_LINE.search(text):
        raise ValueError("the nginx site has no 127.0.0.1 upstream line or no 'listen 80;' line")
    text = text[:first.start()] + lines + _UPSTREAM_LINE.sub("", text[first.start():])
    return _LISTEN_LINE.sub(rf"\1listen 127.0.0.1:{listen};", text)


@dataclass
class Copy:
    """One ``streamlit run`` process of the cluster."""

    port: int
    process: subprocess.Popen

    @property
    def address(self) -> str:
        """How nginx names this copy in ``X-Atlas-Copy``."""
        return f"127.0.0.1:{self.port}"


@dataclass
class Cluster:
    """The copies and the nginx in front of them."""

    url: str
    copies: list[Copy]
    nginx: subprocess.Popen
    work: Path
    base: str = BASE_PATH
    killed: list[int] = field(default_factory=list)

    def copy_at(self, address: str) -> Copy:
        """The copy an ``X-Atlas-Copy`` value names (its last address, after any retries)."""
        last = address.split(",")[-1].strip()
        return next(copy for copy in self.copies if copy.address == last)

    def kill(self, copy: Copy) -> None:
        """``kill -9`` one copy, as a crash would."""
        copy.process.send_signal(signal.SIGKILL)
        copy.process.wait()
        self.killed.append(copy.port)


# glibc gives each thread that allocates its own malloc arena (up to 8 per core) and keeps what
# it freed. Streamlit runs every session's script in its own thread, so at 100,000 events each
# session left ~30 MiB of freed, unreturned memory behind (make load: 57 MiB per session with
# the default, 24 MiB with two arenas). Also set in fitna-atlas@.service and `make run`.
# pandas keeps its strings in pyarrow's pool, mimalloc, which keeps what a script thread freed
# after the thread has ended; the two MIMALLOC_ settings let the thread that frees it (the app's
# sweep of gone sessions) take it back and return it at once. make load's ten 41 MB uploads:
# back to +153 MiB on the warm baseline once the sessions were gone, against +1061 MiB without.
# (pyarrow's system pool, ARROW_DEFAULT_MEMORY_POOL=system, did as well for uploads but doubled
# a 100,000-event session's memory: 66 MiB against 28.)
SERVER_ENV = {"MALLOC_ARENA_MAX": "2", "MIMALLOC_ABANDONED_RECLAIM_ON_FREE": "1",
              "MIMALLOC_PURGE_DELAY": "0"}


def start_copy(port: int, base: str = BASE_PATH, env: dict[str, str] | None = None,
               log: Path | None = None, options: tuple[str, ...] = ()) -> subprocess.Popen:
    """Start one ``streamlit run app.py`` on loopback ``port`` at the sub-path ``base``.

    ``options`` are more of Streamlit's command-line options (``--server.X``, value).
    """
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--server.baseUrlPath", base, "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               *options]
    output = open(log, "w") if log else subprocess.DEVNULL  # closed when the process ends
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1",
                                                    **SERVER_ENV, **(env or {})},
                            stdout=output, stderr=subprocess.STDOUT)


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll ``url`` (a health endpoint) until it answers ``ok``; fail if ``process`` dies first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.read().decode().strip() == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """Stop ``process`` (SIGTERM, then SIGKILL after 20 s) and wait for it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def run_cluster(copies: int = 2, port: int = 0, base: str = BASE_PATH,
                env: dict[str, str] | None = None,
                options: tuple[str, ...] = ()) -> Iterator[Cluster]:
    """Start ``copies`` copies of the app and nginx in front of them; stop everything on exit.

    Parameters
    ----------
    copies : int
        How many ``streamlit run`` processes.
    port : int
        nginx's loopback port; 0 picks a free one.
    base : str
        The sub-path the app is served at.
    env : dict, optional
        Extra environment for the copies (``ATLAS_DATA`` to serve another package).
    options : tuple of str
        More ``streamlit run`` options for every copy.

    Yields
    ------
    Cluster
        Its ``url`` is the app's address through nginx (``http://127.0.0.1:PORT/atlas/``).
    """
    work = Path(tempfile.mkdtemp(prefix="atlas-cluster-"))
    # nginx's workers run as an unprivileged user when it is started as root: let them in.
    work.chmod(0o755)
    started: list[subprocess.Popen] = []
    try:
        ports = [free_port() for _ in range(copies)]
        for number, copy_port in enumerate(ports):
            started.append(start_copy(copy_port, base, env, work / f"copy-{number}.log", options))
        listen = port or free_port()
        (work / "atlas.conf").write_text(site_config(ports, listen), encoding="utf-8")
        (work / "nginx.conf").write_text(_MAIN_CONF.format(work=work), encoding="utf-8")
        nginx = subprocess.Popen([nginx_executable(), "-p", str(work), "-e", str(work / "error.log"),
                                  "-c", str(work / "nginx.conf")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        started.append(nginx)
        cluster = Cluster(f"http://127.0.0.1:{listen}/{base}/",
                          [Copy(p, process) for p, process in zip(ports, started[:copies], strict=True)],
                          nginx, work, base)
        for copy in cluster.copies:
            wait_healthy(f"http://127.0.0.1:{copy.port}/{base}/_stcore/health", copy.process)
        wait_healthy(f"{cluster.url}_stcore/health", nginx)
        yield cluster
    finally:
        for process in reversed(started):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """Start the cluster, print its address and wait for Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=2, help="how many app processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (default 8080)")
    parser.add_argument("--base", default=BASE_PATH, help="the sub-path (default atlas)")
    args = parser.parse_args(argv)
    if args.copies < 1:
        parser.error("--copies must be at least 1")
    print(f"Starting {args.copies} copies and nginx…", flush=True)
    with run_cluster(args.copies, args.port, args.base) as cluster:
        print(f"Serving at {cluster.url} (loopback only); Ctrl-C stops it.")
        for copy in cluster.copies:
            print(f"  copy pid {copy.process.pid} at 127.0.0.1:{copy.port}")
        print(f"  nginx pid {cluster.nginx.pid}; logs in {cluster.work}", flush=True)
        try:
            cluster.nginx.wait()
        except KeyboardInterrupt:
            print("Stopping.")


if __name__ == "__main__":
    main()
