"""Browser fixtures: a real `streamlit run` of the app and Debian's Chromium driven by Playwright.

No browser is downloaded: the tests launch the `chromium` on the PATH (Debian's package, which
`make test` installs). Screenshots and the servers' logs go to artifacts/ (git-ignored) for a person
to look at.
"""

from urllib.parse import urlparse

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from atlas.paths import ROOT
from benchmarks.browser import chromium
from benchmarks.serve import streamlit_server

ARTIFACTS = ROOT / "artifacts"
STARTUP_TIMEOUT = 90
PROJECTOR = {"width": 1280, "height": 720}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture(scope="session")
def server_url():
    """The app served for the whole test session."""
    with streamlit_server(log=ARTIFACTS / "server.log", timeout=STARTUP_TIMEOUT) as served:
        yield served.url


@pytest.fixture
def fresh_server_url():
    """An app server that no page has visited yet (for first-visit behaviour)."""
    with streamlit_server(log=ARTIFACTS / "server-fresh.log", timeout=STARTUP_TIMEOUT) as served:
        yield served.url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, with background networking off (as the benchmark runs it)."""
    with chromium() as launched:
        yield launched


class Requests(list):
    """Every URL a page asked for."""

    def external(self) -> list[str]:
        """The requests that left this machine."""
        return [u for u in self if urlparse(u).scheme in ("http", "https", "ws", "wss")
                and urlparse(u).hostname not in LOCAL_HOSTS]


@pytest.fixture
def requests_seen():
    """The URLs requested by the test's pages."""
    return Requests()


def messages(frames: list) -> list[ForwardMsg]:
    """``frames`` (websocket payloads) decoded as Streamlit's messages."""
    decoded = []
    for frame in frames:
        message = ForwardMsg()
        message.ParseFromString(frame if isinstance(frame, bytes) else frame.encode())
        decoded.append(message)
    return decoded


def run_ended(message: ForwardMsg) -> bool:
    """Whether ``message`` ends a run that drew the page (the whole app's or a fragment's)."""
    return message.WhichOneof("type") == "script_finished" and message.script_finished in (
        ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


class Frames(list):
    """The websocket frames Streamlit sent the test's pages, in order, and their sockets."""

    def __init__(self) -> None:
        super().__init__()
        self.sockets = []

    def watch(self, socket) -> None:
        """Keep every frame ``socket`` receives."""
        self.sockets.append(socket)
        socket.on("framereceived", lambda frame: self.append(frame))

    def since(self, start: int, timeout_ms: int = 30_000) -> list[ForwardMsg]:
        """The messages from frame ``start`` on, once a run among them has ended.

        The page can show a run's elements, and no running indicator, before the run's last
        message has reached the test, so wait for that message on the socket.
        """
        if not any(run_ended(m) for m in messages(self[start:])):
            self.sockets[-1].wait_for_event(
                "framereceived", predicate=lambda frame: run_ended(messages([frame])[0]),
                timeout=timeout_ms)
        return messages(self[start:])


@pytest.fixture
def frames_seen():
    """The websocket frames Streamlit sent the test's pages (:class:`Frames`)."""
    return Frames()


@pytest.fixture
def open_page(browser, server_url, requests_seen, frames_seen, request):
    """Open the app at a query string in a fresh context at projector size; screenshot at end."""
    contexts = []

    def open_(query: str = "", viewport=None, wait_for_charts: bool = True):
        context = browser.new_context(viewport=viewport or PROJECTOR, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.on("request", lambda r: requests_seen.append(r.url))
        page.on("websocket", frames_seen.watch)
        page.goto(f"{server_url}/{query}")
        if wait_for_charts:
            wait_for_app(page)
        else:
            page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=60_000)
            wait_idle(page)
        return page

    yield open_
    ARTIFACTS.mkdir(exist_ok=True)
    for number, context in enumerate(contexts):
        for page in context.pages:
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{number}.png", full_page=True)
        context.close()
    # Offline-first: whatever a test did, no page may have asked anything of another host.
    assert requests_seen.external() == []


def wait_for_app(page) -> None:
    """Wait until both charts are drawn and Streamlit has finished running the script."""
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 2",
                           timeout=60_000)
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until Streamlit shows no running indicator."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
