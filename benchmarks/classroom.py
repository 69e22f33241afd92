"""A classroom of Streamlit sessions: real websocket clients speaking Streamlit's own protobufs.

Each :class:`Student` does what a browser tab does on the wire: it fetches the page (which gives
it the proxy's affinity cookie and Streamlit's XSRF cookie), opens ``/_stcore/stream`` with them,
asks for a script run (``BackMsg.rerun_script`` with the URL's query string, the page and the
widget values it has set) and reads ``ForwardMsg``s until the run has finished. It keeps the
widgets the app drew (their ids, labels and options), the pages of the navigation and the query
string the app wrote, so that its next request is the one a browser would send after a click:
a faction chosen, an event picked, the window narrowed, another page opened.

It does not draw anything, run the charts' JavaScript or fetch the static files and the base map
(the browser's cache would hold them after the first visit); what it measures is the server's
side of an interaction: from sending the request to the end of the run's messages.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

RUN_TIMEOUT_S = 120
_WIDGETS = ("multiselect", "selectbox", "slider", "radio", "button")
_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)


@dataclass
class Widget:
    """A widget the app drew: its id, kind, label and options (as the browser shows them)."""

    id: str
    kind: str
    label: str
    options: list[str]


@dataclass
class Student:
    """One browser tab's session over the websocket, at ``url`` (the app's address, ending in /)."""

    url: str
    rng: random.Random
    widgets: dict[str, Widget] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    page_hash: str = ""
    query: str = ""
    errors: list[str] = field(default_factory=list)
    received: int = 0
    _states: dict[str, WidgetState] = field(default_factory=dict)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _socket: object = None
    _reader: asyncio.Task | None = None

    async def open(self) -> float:
        """Fetch the page, open the websocket and run the app: seconds until the run ended."""
        start = time.perf_counter()
        cookies = await asyncio.to_thread(self._fetch_page)
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        xsrf = cookies.get("_streamlit_xsrf", "")
        self._socket = await connect(
            f"{scheme}://{parts.netloc}{parts.path}_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                                "Origin": f"{parts.scheme}://{parts.netloc}"},
            max_size=None, open_timeout=RUN_TIMEOUT_S, ping_interval=None)
        self._reader = asyncio.create_task(self._read())
        await self._run()
        return time.perf_counter() - start

    def _fetch_page(self) -> dict[str, str]:
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(self.url, timeout=RUN_TIMEOUT_S) as reply:
            reply.read()
        with opener.open(f"{self.url}_stcore/health", timeout=RUN_TIMEOUT_S) as reply:
            reply.read()
        return {cookie.name: cookie.value for cookie in jar}

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                self.received += len(data)
                message = ForwardMsg()
                message.ParseFromString(data)
                self._handle(message)
        except Exception as error:  # noqa: BLE001 (a lost connection is a measured error)
            self.errors.append(f"connection: {type(error).__name__}: {error}")
        finally:
            self._finished.set()

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = message.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.pages = {page.page_name: page.page_script_hash
                          for page in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                self.errors.append(f"app: {element.exception.type}: {element.exception.message}")
            elif which in _WIDGETS:
                proto = getattr(element, which)
                self.widgets[proto.label] = Widget(proto.id, which, proto.label,
                                                   list(getattr(proto, "options", [])))
        elif kind == "script_finished" and message.script_finished in _DONE:
            self._finished.set()

    async def _run(self, trigger: WidgetState | None = None) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend([*self._states.values(), *([trigger] if trigger else [])])
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.url
        self._finished.clear()
        errors = len(self.errors)
        await self._socket.send(message.SerializeToString())
        await asyncio.wait_for(self._finished.wait(), RUN_TIMEOUT_S)
        if self._reader.done() and len(self.errors) == errors:
            self.errors.append("connection closed")

    async def choose(self, label: str, pick) -> float:
        """Set the widget called ``label`` to ``pick(options)`` and wait for the rerun."""
        widget = self.widgets.get(label)
        if widget is None:
            raise LookupError(f"no widget {label!r} on the page")
        state = WidgetState(id=widget.id)
        value = pick(widget.options)
        if widget.kind == "button":
            state.trigger_value = True
        elif widget.kind in ("multiselect", "slider"):
            state.string_array_value.data.extend(value)
        else:
            state.string_value = value
        if widget.kind != "button":
            self._states[widget.id] = state
        return await self._timed(state if widget.kind == "button" else None)

    async def visit(self, page: str) -> float:
        """Open the page called ``page`` from the navigation and wait for its run."""
        self.page_hash = self.pages[page]
        return await self._timed()

    async def _timed(self, trigger: WidgetState | None = None) -> float:
        start = time.perf_counter()
        await self._run(trigger)
        return time.perf_counter() - start

    async def close(self) -> None:
        """Close the websocket, as closing the tab does."""
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


def lesson(rng: random.Random) -> list[tuple[str, str, object]]:
    """A student's ten interactions: (name, widget label or page, how to pick the value)."""
    def one(options):
        return [rng.choice(options)]

    def some_event(options):
        return rng.choice(options[1:] or options)

    def narrower(options):
        first = rng.randrange(0, max(1, len(options) - 24))
        return [options[first], options[min(len(options) - 1, first + rng.randrange(12, 24))]]

    def other(options):
        return rng.choice(options[1:])

    return [
        ("choose a faction", "Factions", one),
        ("read an event", "Event to read", some_event),
        ("narrow the window", "Date window", narrower),
        ("lanes by place", "Timeline lanes", other),
        ("open Compare", "page:Compare the sources", None),
        ("choose a source", "Sources", one),
        ("open People", "page:People", None),
        ("AH calendar", "Calendar", other),
        ("back to the Atlas", "page:Atlas", None),
        ("reset the view", "Reset", lambda options: None),
    ]


def interactions() -> list[str]:
    """The names of a lesson's interactions, in order."""
    return [name for name, _, _ in lesson(random.Random(0))]


@dataclass
class Timing:
    """One interaction of one student: its name and seconds, or the error it met."""

    name: str
    seconds: float | None
    error: str = ""


async def attend(url: str, seed: int, think: tuple[float, float], arrive_within: float,
                 timings: list[Timing]) -> Student:
    """One student: arrive, open the Atlas, do the lesson with think time between steps."""
    rng = random.Random(seed)
    student = Student(url, rng)
    await asyncio.sleep(rng.uniform(0, arrive_within))
    try:
        timings.append(Timing("open the Atlas", await student.open()))
    except Exception as error:  # noqa: BLE001 (measured, not raised)
        timings.append(Timing("open the Atlas", None, f"{type(error).__name__}: {error}"))
        return student
    for name, target, pick in lesson(rng):
        await asyncio.sleep(rng.uniform(*think))
        errors = len(student.errors)
        try:
            if target.startswith("page:"):
                seconds = await student.visit(target[5:])
            else:
                seconds = await student.choose(target, pick)
            error = "; ".join(student.errors[errors:])
            timings.append(Timing(name, None if error else seconds, error))
        except Exception as error:  # noqa: BLE001
            timings.append(Timing(name, None, f"{type(error).__name__}: {error}"))
    return student
