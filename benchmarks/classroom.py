"""A classroom of Streamlit sessions: real websocket clients speaking Streamlit's own protobufs.

Each :class:`Student` does what a browser tab does on the wire: it fetches the page (which gives
it the proxy's affinity cookie and Streamlit's XSRF cookie), opens ``/_stcore/stream`` with them,
asks for a script run (``BackMsg.rerun_script`` with the URL's query string, the page and the
widget values it has set) and reads ``ForwardMsg``s until the run has finished. It keeps the
widgets the app drew (their ids, labels and options), the pages of the navigation and the query
string the app wrote, so that its next request is the one a browser would send after a click:
a faction chosen, an event picked, the window narrowed, another page opened.

It uploads a file as the browser's file_uploader does: it asks the server for an upload URL over
the websocket (``BackMsg.file_urls_request``), PUTs the file there as a multipart form with the
XSRF cookie's token in ``X-Xsrftoken``, then reruns with the widget's new state (the file's id).

It does not draw anything, run the charts' JavaScript or fetch the static files and the base map
(the browser's cache would hold them after the first visit); what it measures is the server's
side of an interaction: from sending the request to the end of the run's messages.
"""

from __future__ import annotations

import asyncio
import random
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

RUN_TIMEOUT_S = 120
_WIDGETS = ("multiselect", "selectbox", "slider", "radio", "button", "file_uploader")
# A filter's change reruns only the page's content: that run ends as a fragment's.
_DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
         ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


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
    # What st.error / st.warning boxes said, in order: (the alert's format, its text).
    alerts: list[tuple[int, str]] = field(default_factory=list)
    session_id: str = ""
    received: int = 0
    _states: dict[str, WidgetState] = field(default_factory=dict)
    _cookies: dict[str, str] = field(default_factory=dict)
    _file_urls: dict[str, asyncio.Future] = field(default_factory=dict)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)
    _socket: object = None
    _reader: asyncio.Task | None = None

    async def open(self) -> float:
        """Fetch the page, open the websocket and run the app: seconds until the run ended."""
        start = time.perf_counter()
        cookies = self._cookies = await asyncio.to_thread(self._fetch_page)
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
            self.session_id = message.new_session.initialize.session_id or self.session_id
        elif kind == "file_urls_response":
            waiting = self._file_urls.pop(message.file_urls_response.response_id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message.file_urls_response)
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
            elif which == "alert":
                self.alerts.append((element.alert.format, element.alert.body))
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

    async def upload(self, label: str, name: str, data: bytes) -> float:
        """Choose the file ``name`` holding ``data`` in the uploader called ``label``; wait for the rerun.

        As the browser does: ask for an upload URL over the websocket, PUT the file there, then
        rerun with the uploader's state naming the file. Returns the seconds it all took.
        """
        widget = self.widgets.get(label)
        if widget is None or widget.kind != "file_uploader":
            raise LookupError(f"no file uploader {label!r} on the page")
        start = time.perf_counter()
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.session_id = self.session_id
        request.file_urls_request.file_names.append(name)
        answer = asyncio.get_running_loop().create_future()
        self._file_urls[request.file_urls_request.request_id] = answer
        await self._socket.send(request.SerializeToString())
        response = await asyncio.wait_for(answer, RUN_TIMEOUT_S)
        if response.error_msg or not response.file_urls:
            raise RuntimeError(f"no upload URL: {response.error_msg}")
        urls = response.file_urls[0]
        await asyncio.to_thread(self._put, urls.upload_url, name, data)
        state = WidgetState(id=widget.id)
        info = state.file_uploader_state_value.uploaded_file_info.add(
            name=name, size=len(data), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        self._states[widget.id] = state
        await self._run()
        return time.perf_counter() - start

    def _put(self, path: str, name: str, data: bytes) -> None:
        """PUT one file as Streamlit's uploader does: a multipart form, the XSRF token in a header."""
        parts = urlsplit(self.url)
        boundary = uuid.uuid4().hex
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
                '\r\nContent-Type: application/zip\r\n\r\n').encode()
        request = urllib.request.Request(
            f"{parts.scheme}://{parts.netloc}{parts.path}{path.lstrip('/')}",
            data=head + data + f"\r\n--{boundary}--\r\n".encode(), method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                     "X-Xsrftoken": self._cookies.get("_streamlit_xsrf", ""),
                     "Cookie": "; ".join(f"{k}={v}" for k, v in self._cookies.items()),
                     "Origin": f"{parts.scheme}://{parts.netloc}"})
        with urllib.request.urlopen(request, timeout=RUN_TIMEOUT_S) as reply:
            reply.read()

    def said(self, since: int = 0, kind: int = Alert.ERROR) -> list[str]:
        """What the alerts of ``kind`` (st.error by default) said since the ``since``-th alert."""
        return [body for format_, body in self.alerts[since:] if format_ == kind]

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


# The upload form on the About page (atlas/ui/panels.py) and the banner an admitted upload gets.
UPLOAD_PAGE = "About and data"
UPLOAD_LABEL = "A data package as one .zip, or its CSV files (events.csv at least)"
SHOW_BUTTON = "Show this data"
SHOWN = "You are viewing uploaded data"


@dataclass
class Brought:
    """One visitor's upload: seconds from choosing the file to the end of the run after "Show
    this data" (None if it failed), whether the package is now shown, and what the page said."""

    seconds: float | None
    admitted: bool
    said: str = ""
    error: str = ""


async def bring_data(url: str, name: str, data: bytes, together: asyncio.Barrier,
                     brought: list[Brought]) -> Student:
    """A visitor who opens the atlas, goes to the upload form and, with the others of
    ``together`` at the same moment, uploads ``data`` as ``name`` and presses "Show this data"."""
    student = Student(url, random.Random(0))
    try:
        await student.open()
        await student.visit(UPLOAD_PAGE)
    except Exception as error:  # noqa: BLE001 (measured, not raised)
        await together.wait()
        brought.append(Brought(None, False, error=f"{type(error).__name__}: {error}"))
        return student
    await together.wait()
    start = time.perf_counter()
    alerts = len(student.alerts)
    try:
        await student.upload(UPLOAD_LABEL, name, data)
        await student.choose(SHOW_BUTTON, lambda options: None)
    except Exception as error:  # noqa: BLE001
        brought.append(Brought(None, False, error=f"{type(error).__name__}: {error}"))
        return student
    admitted = any(text.startswith(SHOWN) for text in student.said(alerts, Alert.WARNING))
    brought.append(Brought(time.perf_counter() - start, admitted,
                           " ".join(student.said(alerts)), "; ".join(student.errors)))
    return student
