"""The classroom benchmark (``make load``): many real Streamlit sessions at once, one process and two.

Usage: python -m benchmarks.load [--sessions N] [--big-sessions N] [--big-events N] [--think A B]
                                 [--scenarios single,cluster,big] [--out FILE]

Scenarios, each against real servers started here on loopback (never another host):

- ``single``: one ``streamlit run app.py`` with the bundled data and ``--sessions`` students;
- ``cluster``: the same students through nginx in front of two copies (``deploy/cluster.py``);
- ``big``: one process with a synthetic package of ``--big-events`` events (``benchmarks/synth.py``,
  seed 0) and ``--big-sessions`` students.

Each student (``benchmarks/classroom.py``: a websocket client speaking Streamlit's protobufs)
arrives within the first 5 s, opens the Atlas, then does ten interactions (a faction, an event,
the window, the lanes, the Compare page, a source, the People page, the calendar, back to the
Atlas, Reset) with a think time drawn between ``--think`` seconds, all from a seeded generator.
A warm-up session visits each process first, so a package's cold load is not counted. The
servers run as deployed (``deploy/cluster.py``'s ``SERVER_ENV``: two malloc arenas).

Reported per scenario: errors, p50/p95 seconds per interaction and over all, the server's CPU
seconds per interaction, its peak resident memory (VmHWM, summed over copies) and the resident
memory per session (VmRSS with every student connected after the lesson, minus VmRSS after the
warm-up, over the students); and after the students close, VmRSS once the server has dropped
their sessions. The results go to their own section of ``benchmarks/results.md``, beside
``make bench``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from benchmarks.synth import write_package
from deploy.cluster import SERVER_ENV, free_port, run_cluster, start_copy, stop, wait_healthy

from .classroom import Timing, attend, interactions
from .uploads import UPLOAD_EVENTS, UploadOutcome, package_zip, render_uploads, uploads

RESULTS = ROOT / "benchmarks" / "results.md"
START, END = "<!-- make load: start -->", "<!-- make load: end -->"
SCENARIOS = ("single", "cluster", "big", "uploads")
SEED = 0
ARRIVE_WITHIN_S = 5.0
MIB = 1024 * 1024
# The servers here drop a closed tab's session after SESSION_TTL_S (the app's config says 120 s,
# which would make the benchmark wait); memory is read SETTLE_S after that.
SESSION_TTL_S = 5
SETTLE_S = SESSION_TTL_S + 10.0
OPTIONS = ("--server.disconnectedSessionTTL", str(SESSION_TTL_S))


@dataclass
class Served:
    """Where the students connect, and the server processes to watch."""

    url: str
    pids: list[int]
    # Each process's own address, to warm every copy up (through nginx a visit reaches one).
    direct: list[str]


@contextmanager
def one_process(env: dict[str, str] | None = None, log: Path | None = None):
    """One ``streamlit run`` at /atlas/ on a free loopback port (its output to ``log``, if given)."""
    port = free_port()
    process = start_copy(port, env=env, log=log, options=OPTIONS)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/atlas/_stcore/health", process)
        url = f"http://127.0.0.1:{port}/atlas/"
        yield Served(url, [process.pid], [url])
    finally:
        stop(process)


@contextmanager
def two_copies():
    """Two copies behind nginx."""
    with run_cluster(copies=2, options=OPTIONS) as cluster:
        yield Served(cluster.url, [copy.process.pid for copy in cluster.copies],
                     [f"http://{copy.address}/{cluster.base}/" for copy in cluster.copies])


def _status(pid: int, field: str) -> int:
    """A VmRSS/VmHWM line of /proc/PID/status, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory(pids: list[int], field: str = "VmRSS") -> int:
    """Resident (or peak, ``VmHWM``) memory of ``pids`` together, in bytes."""
    return sum(_status(pid, field) for pid in pids)


@dataclass
class Outcome:
    """What one scenario measured."""

    name: str
    events: str
    sessions: int
    copies: int
    timings: list[Timing]
    cpu_s: float
    wall_s: float
    rss_warm: int
    rss_full: int
    rss_after: int
    peak: int

    def ok(self) -> list[float]:
        """Seconds of every interaction that worked (the opening excluded)."""
        return [t.seconds for t in self.timings if t.seconds is not None and t.name != OPEN]

    def errors(self) -> list[Timing]:
        """The interactions that failed."""
        return [t for t in self.timings if t.seconds is None]


OPEN = "open the Atlas"


async def _classroom(served: Served, sessions: int, think: tuple[float, float]) -> Outcome:
    for url in served.direct:
        warm = await attend(url, 10_000, think=(0, 0), arrive_within=0, timings=[])
        await warm.close()
    await asyncio.sleep(SETTLE_S)
    rss_warm = memory(served.pids)
    cpu_before = sum(_cpu_seconds(pid) for pid in served.pids)
    timings: list[Timing] = []
    start = time.perf_counter()
    students = await asyncio.gather(*(
        attend(served.url, SEED + number, think, ARRIVE_WITHIN_S, timings)
        for number in range(sessions)))
    # Every student has done the lesson and is still connected.
    wall = time.perf_counter() - start
    cpu = sum(_cpu_seconds(pid) for pid in served.pids) - cpu_before
    rss_full = memory(served.pids)
    await asyncio.gather(*(student.close() for student in students))
    await asyncio.sleep(SETTLE_S)
    return Outcome("", "", sessions, len(served.pids), timings, cpu, wall, rss_warm, rss_full,
                   memory(served.pids), memory(served.pids, "VmHWM"))


def classroom(served: Served, sessions: int, think: tuple[float, float]) -> Outcome:
    """Run ``sessions`` students against ``served`` and measure the server."""
    return asyncio.run(_classroom(served, sessions, think))


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def seconds(value: float) -> str:
    """'0.42 s' or '850 ms'."""
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def cpu_account(o: Outcome, think: tuple[float, float], cores: int) -> str:
    """What limits the interaction p95 of ``o``, in its own measured numbers (one Markdown line).

    The students ask for ``students / mean think time`` runs a second if the server answered at
    once; each costs the measured CPU seconds per run, so the work asked for is their product, in
    cores. A process runs Python one thread at a time, so it gives about one core, and the
    machine ``cores``. Above what they can give, runs queue and the wait, not the run, makes p95.
    """
    runs = len(o.ok()) + len([t for t in o.timings if t.name == OPEN])
    if not runs or not o.wall_s:
        return f"- *{o.name}*: no runs measured."
    per_run = o.cpu_s / runs
    asked_rate = o.sessions / (sum(think) / 2)
    asked = asked_rate * per_run
    usable = min(o.copies, cores)
    busy = o.cpu_s / o.wall_s
    ok = o.ok()
    p95 = percentile(ok, .95) if ok else float("nan")
    line = (f"- *{o.name}*: {o.sessions} students thinking {think[0]:g}–{think[1]:g} s (mean "
            f"{sum(think) / 2:g} s) ask for {asked_rate:.1f} runs/s × {per_run:.2f} s of CPU = "
            f"**{asked:.1f} cores**; {o.copies} process(es) on {cores} cores can give at most "
            f"about {usable} (one each: Python runs one thread at a time, NumPy and Arrow "
            f"only briefly outside it) and gave {busy:.2f} on average. ")
    if asked >= usable:
        line += (f"The work asked for is {asked / usable:.1f}× what they can give, so runs queue: "
                 f"interaction p95 {seconds(p95)} is mostly waiting. ")
    else:
        line += (f"That is {asked / usable:.0%} of what they can give; queueing grows steeply "
                 f"as it nears 100%: interaction p95 {seconds(p95)}. ")
    line += (f"No queue needs under {usable / asked_rate:.2f} s of CPU per run; a p95 under "
             f"1 s needs a run well under 1 s and the processes under about 70% busy, i.e. "
             f"under {0.7 * usable / asked_rate:.2f} s of CPU per run with {o.copies} process(es).")
    return line


def render(outcomes: list[Outcome], think: tuple[float, float], minutes: float,
           uploaded: UploadOutcome | None = None) -> str:
    """The Markdown section of benchmarks/results.md."""
    cores = os.cpu_count()
    lines = [START, "", "# Classroom benchmark", "",
             f"Measured with `make load` in {minutes:.1f} minutes on {cores} logical cores "
             f"({platform.machine()}), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
             f"{os.getloadavg()[0]:.2f} at the end. Written by `benchmarks/load.py`; do not edit "
             "by hand.", "",
             f"Each student is a real Streamlit websocket session (`benchmarks/classroom.py`, "
             f"Streamlit's own protobufs, no browser): it opens the Atlas, then does ten "
             f"interactions with {think[0]:g}–{think[1]:g} s of think time. Times are from "
             "the request to the end of the run's messages, on the server's side of the wire "
             "(no drawing).", "",
             "| Scenario | Package | Students | Copies | Errors | Open the Atlas p50 / p95 | "
             "Interaction p50 | Interaction p95 | CPU per interaction | Peak memory | "
             "Memory per session | After the students left |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for o in outcomes:
        opened = [t.seconds for t in o.timings if t.name == OPEN and t.seconds is not None]
        ok = o.ok()
        done = len(ok) + len([t for t in o.timings if t.name == OPEN])
        per_session = (o.rss_full - o.rss_warm) / max(1, o.sessions)
        lines.append(
            f"| {o.name} | {o.events} | {o.sessions} | {o.copies} | {len(o.errors())} | "
            + (f"{seconds(percentile(opened, .5))} / {seconds(percentile(opened, .95))}"
               if opened else "–")
            + (f" | {seconds(percentile(ok, .5))} | {seconds(percentile(ok, .95))}" if ok
               else " | – | –")
            + f" | {seconds(o.cpu_s / max(1, done))} | {o.peak / MIB:.0f} MiB | "
            f"{per_session / MIB:.1f} MiB | {o.rss_after / MIB:.0f} MiB (warm: "
            f"{o.rss_warm / MIB:.0f} MiB) |")
    lines += ["", "Per interaction, p50 / p95:", "",
              "| Interaction | " + " | ".join(o.name for o in outcomes) + " |",
              "|---|" + "---|" * len(outcomes)]
    names = [OPEN, *interactions()]
    for name in names:
        cells = []
        for o in outcomes:
            values = [t.seconds for t in o.timings if t.name == name and t.seconds is not None]
            cells.append(f"{seconds(percentile(values, .5))} / {seconds(percentile(values, .95))}"
                         if values else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if outcomes:
        lines += ["", "What limits the interaction p95 (computed from this run's numbers):", ""]
        lines += [cpu_account(o, think, cores or 1) for o in outcomes]
    errors = [(o.name, t) for o in outcomes for t in o.errors()]
    if errors:
        lines += ["", "Errors (first 10):", ""]
        lines += [f"- {name}: {t.name}: {t.error[:200]}" for name, t in errors[:10]]
    lines += ["", "- *CPU per interaction*: the server processes' CPU seconds (user + system) "
              "during the lesson over the runs they served (openings included); above 1 core "
              "× wall time ÷ runs, requests queue.",
              "- *Memory per session*: resident memory with every student connected after the "
              "lesson, minus the resident memory after a warm-up visit, over the students. "
              "*Peak memory*: VmHWM of the processes, summed over copies. *After the students "
              f"left*: resident memory {SETTLE_S:.0f} s after they closed their websockets (the "
              f"servers here drop a closed tab's session after {SESSION_TTL_S} s)."]
    if uploaded is not None:
        lines += render_uploads(uploaded, SESSION_TTL_S)
    lines += ["", END]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str, start: str = START, end: str = END) -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) into ``path``.

    What lies outside the markers (``make bench``'s results) is kept; a file without the markers
    gets the section at its end.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section.rstrip("\n") + after
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + section
    path.write_text(text, encoding="utf-8")


def keep_section(path: Path, text: str, start: str = START, end: str = END) -> str:
    """``text`` with the section between ``start`` and ``end`` of ``path`` appended, if it has one."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if start in old and end in old:
        section = start + old.split(start, 1)[1].split(end, 1)[0] + end
        return text.rstrip("\n") + "\n\n" + section + "\n"
    return text


def main(argv: list[str] | None = None) -> None:
    """Run the scenarios, print and write the results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="students with the real data")
    parser.add_argument("--big-sessions", type=int, default=10, help="students at --big-events")
    parser.add_argument("--big-events", type=int, default=100_000)
    parser.add_argument("--upload-visitors", type=int, default=10,
                        help="visitors who upload at once in the uploads scenario")
    parser.add_argument("--upload-events", type=int, default=UPLOAD_EVENTS,
                        help="events in the package they upload (52,000 make a ~40 MB zip)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 8.0), metavar=("MIN", "MAX"))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help="comma-separated, of: " + ", ".join(SCENARIOS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    chosen = [s for s in args.scenarios.split(",") if s]
    if not chosen or set(chosen) - set(SCENARIOS):
        parser.error(f"--scenarios takes some of {', '.join(SCENARIOS)}")
    think = tuple(args.think)
    started = time.perf_counter()
    outcomes = []
    uploaded = None
    with ExitStack() as stack:
        for name in chosen:
            print(f"{name}…", flush=True)
            if name == "uploads":
                root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atlas-load-")))
                archive = package_zip(root / "package.zip", args.upload_events)
                with one_process() as served:
                    uploaded = asyncio.run(uploads(
                        served.url, lambda pids=served.pids: memory(pids),
                        lambda pids=served.pids: memory(pids, "VmHWM"), args.upload_visitors,
                        archive, args.upload_events, SETTLE_S, {**os.environ, **SERVER_ENV}))
                print(f"  {len(uploaded.admitted())} admitted, {len(uploaded.refused())} refused, "
                      f"{len(uploaded.failed())} failed", flush=True)
                continue
            if name == "big":
                root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="atlas-load-")))
                data, geo = write_package(root / "big", args.big_events, seed=SEED)
                with one_process({DATA_ENV: str(data), GEO_ENV: str(geo)}) as served:
                    outcome = classroom(served, args.big_sessions, think)
                outcome.name, outcome.events = "one process, big", f"synthetic {args.big_events:,}"
            else:
                with (one_process() if name == "single" else two_copies()) as served:
                    outcome = classroom(served, args.sessions, think)
                outcome.name = "one process" if name == "single" else "two copies + nginx"
                outcome.events = "real data"
            outcomes.append(outcome)
            print(f"  {len(outcome.ok())} interactions, {len(outcome.errors())} errors", flush=True)
    section = render(outcomes, think, (time.perf_counter() - started) / 60, uploaded)
    print(section)
    write_section(args.out, section)
    print(f"Written to {args.out}")


if __name__ == "__main__":
    main()
