"""``make load``'s upload scenario: many visitors upload a big package at the same moment.

Each visitor is a real Streamlit websocket session (``benchmarks/classroom.py``) that opens the
atlas, goes to the About page's upload form and, at the same moment as the others, uploads the
same zip through Streamlit's own upload path (an upload URL asked for over the websocket, the
file PUT to ``/_stcore/upload_file/…`` with the XSRF token) and presses "Show this data". The
server's upload budget (``atlas/budget.py``, ``ATLAS_UPLOAD_BUDGET_MB``) admits some and refuses
the rest with a message. Then every visitor closes the tab, and the server's resident memory is
read again once Streamlit has dropped their sessions, to compare with the warm baseline.

The zip is a synthetic package (``benchmarks/synth.py``, seed 0) stored without compression, so
the upload's size is the package's size.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from atlas.budget import budget_from_env
from benchmarks.synth import write_package

from .classroom import UPLOAD_PAGE, Brought, Student, bring_data

SEED = 0
# About 0.8 MB of package files per 1,000 synthetic events: 52,000 events make a ~40 MB zip.
UPLOAD_EVENTS = 52_000
SAMPLE_S = 0.25


def package_zip(path: Path, n_events: int = UPLOAD_EVENTS) -> Path:
    """Write a synthetic package of ``n_events`` as one stored (uncompressed) zip at ``path``.

    The tables and texts are at the top of the zip and the layers under ``geo/``, as the upload
    form asks.
    """
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as work:
        data, geo = write_package(Path(work) / "package", n_events, seed=SEED)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zipped:
            for folder, prefix in ((data, ""), (geo, "geo/")):
                for file in sorted(folder.rglob("*")):
                    if file.is_file():
                        zipped.write(file, prefix + file.relative_to(folder).as_posix())
    return path


@dataclass
class UploadOutcome:
    """What the upload scenario measured on one server process (bytes and seconds)."""

    visitors: int
    zip_bytes: int
    events: int
    budget: int
    brought: list[Brought]
    rss_warm: int
    rss_during: int
    rss_holding: int
    rss_after: int
    peak: int
    after_s: float
    samples: list[tuple[float, int]] = field(default_factory=list)

    def admitted(self) -> list[Brought]:
        """The uploads the server took and shows."""
        return [b for b in self.brought if b.admitted]

    def refused(self) -> list[Brought]:
        """The uploads that ran but were not shown (the budget's refusal, or another)."""
        return [b for b in self.brought if b.seconds is not None and not b.admitted]

    def failed(self) -> list[Brought]:
        """The uploads that did not complete (a connection or protocol error)."""
        return [b for b in self.brought if b.seconds is None]


async def _sample(read, samples: list[tuple[float, int]], stop: asyncio.Event) -> None:
    start = time.perf_counter()
    while not stop.is_set():
        samples.append((time.perf_counter() - start, read()))
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_S)
        except TimeoutError:
            pass


async def _visit_and_leave(url: str) -> None:
    student = Student(url, random.Random(0))
    await student.open()
    await student.visit(UPLOAD_PAGE)
    await student.close()


async def uploads(url: str, read_rss, read_peak, visitors: int, archive: Path, events: int,
                  settle_s: float, env: dict[str, str] | None = None) -> UploadOutcome:
    """Measure ``visitors`` simultaneous uploads of ``archive`` to the server at ``url``.

    Parameters
    ----------
    url : str
        The app's address (ending in /).
    read_rss, read_peak : callable
        Return the server's resident memory now and its peak (VmHWM), in bytes.
    visitors : int
        How many sessions upload at once.
    archive : pathlib.Path
        The zip they upload.
    events : int
        How many events it holds (for the report).
    settle_s : float
        How long after the tabs close to read memory again (the server's session TTL and more).
    env : dict, optional
        The server's environment, to report its upload budget.
    """
    data = archive.read_bytes()
    await _visit_and_leave(url)
    await asyncio.sleep(settle_s)
    rss_warm = read_rss()
    samples: list[tuple[float, int]] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample(read_rss, samples, stop))
    brought: list[Brought] = []
    together = asyncio.Barrier(visitors)
    students = await asyncio.gather(*(bring_data(url, archive.name, data, together, brought)
                                      for _ in range(visitors)))
    stop.set()
    await sampler
    rss_holding = read_rss()
    await asyncio.gather(*(student.close() for student in students))
    await asyncio.sleep(settle_s)
    return UploadOutcome(visitors, len(data), events, budget_from_env(env or {}), brought,
                         rss_warm, max((rss for _, rss in samples), default=rss_holding),
                         rss_holding, read_rss(), read_peak(), settle_s, samples)


def render_uploads(o: UploadOutcome, ttl_s: float) -> list[str]:
    """The upload scenario's lines of the results section (Markdown)."""
    mib = 2**20
    done = [b.seconds for b in o.brought if b.seconds is not None]
    said = sorted({b.said for b in o.refused() if b.said})
    lines = ["", "## Many uploads at once", "",
             f"{o.visitors} visitors, each a real websocket session, upload the same "
             f"{o.zip_bytes / 1e6:.0f} MB zip (a synthetic package of {o.events:,} events, "
             "stored uncompressed) at the same moment through Streamlit's upload path (an upload "
             "URL over the websocket, a PUT to `/_stcore/upload_file/…` with the XSRF token), "
             "press \"Show this data\" and, once every upload has been answered, close their "
             f"tabs. One process with the bundled data, upload budget {o.budget / mib:.0f} MiB "
             f"(`ATLAS_UPLOAD_BUDGET_MB`); this server drops a closed tab's session after "
             f"{ttl_s:g} s (`--server.disconnectedSessionTTL {ttl_s:g}`; the shipped "
             "configuration says 120 s).", "",
             "| Uploads | Admitted | Refused | Failed | Upload to answer, slowest | "
             "Memory, warm | Highest during | Holding the admitted | Peak (VmHWM) | "
             "After the tabs closed |",
             "|---|---|---|---|---|---|---|---|---|---|",
             f"| {o.visitors} | {len(o.admitted())} | {len(o.refused())} | {len(o.failed())} | "
             + (f"{max(done):.1f} s" if done else "–")
             + f" | {o.rss_warm / mib:.0f} MiB | {o.rss_during / mib:.0f} MiB | "
             f"{o.rss_holding / mib:.0f} MiB | {o.peak / mib:.0f} MiB | "
             f"{o.rss_after / mib:.0f} MiB ({(o.rss_after - o.rss_warm) / mib:+.0f} MiB on the "
             "warm baseline) |"]
    if said:
        lines += ["", "What the refused visitors read:", ""]
        lines += [f"> {text}" for text in said]
    failures = [b.error for b in o.failed()] + [b.error for b in o.brought if b.error and b.seconds]
    if failures:
        lines += ["", "Errors (first 5):", ""] + [f"- {text[:200]}" for text in failures[:5]]
    lines += ["", f"- *Highest during*: the largest resident memory sampled every {SAMPLE_S:g} s "
              "from the moment the uploads start to the last answer. *Holding the admitted*: "
              "with every visitor still connected. *After the tabs closed*: "
              f"{o.after_s:.0f} s after the websockets closed, so Streamlit has ended the sessions."]
    return lines
