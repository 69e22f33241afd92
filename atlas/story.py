"""Story mode: stories read from the data package, a position in one, and what a step shows.

A story is an ordered list of events told one step at a time. The package's ``stories`` and
``story_steps`` tables give the written ones (the loader has already checked them: a step
pointing at an unknown event was left out with a located problem); every package also gets
one story per episode, its events in date order, so a package without stories can be told too.
Everything here is pure: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from atlas import schema
from atlas.dates import describe_edtf
from atlas.detail import EventDetail, card_date, event_detail
from atlas.filters import FilterState
from atlas.package.types import Package

# Ids of the stories made from episodes; a written story's id cannot contain '-' (its
# pattern is ^[a-z0-9_]+$), so the two never collide.
EPISODE_PREFIX = "episode-"
STORY_PARAM = "story"
STEP_PARAM = "step"
VIEW_PARAM = "view"
HANDOUT = "handout"
PARAMS = (STORY_PARAM, STEP_PARAM, VIEW_PARAM)

_PAST, _CURRENT, _COMING = "past", "current", "coming"


@dataclass(frozen=True)
class Story:
    """One story: its words and its steps, in order.

    ``steps`` has one row per step: ``event_id``, ``caption`` (ours, may be empty) and
    ``frame_place``, the place the map is framed on (the step's own ``place_id``, else its
    event's place, else the previous step's; "" before any). ``by_episode`` is True for the
    stories made from the episodes.
    """

    id: str
    title: str
    description: str
    steps: pd.DataFrame
    by_episode: bool = False

    def __len__(self) -> int:
        return len(self.steps)


def read_stories(package: Package) -> dict[str, Story]:
    """Every story of ``package``: the written ones in file order, then one per episode.

    Parameters
    ----------
    package : Package
        The loaded data; its ``stories`` and ``story_steps`` may be empty.

    Returns
    -------
    dict of str to Story
        By id; stories without a step are left out.
    """
    stories: dict[str, Story] = {}
    steps = package.story_steps
    for row in package.stories.itertuples(index=False):
        mine = steps[steps["story_id"] == row.id].sort_values("step", kind="stable")
        if len(mine):
            stories[row.id] = Story(row.id, row.title, row.description,
                                    _with_frames(package, mine[["event_id", "caption", "place_id"]]))
    return stories | episode_stories(package)


def episode_stories(package: Package) -> dict[str, Story]:
    """One story per episode, in the episodes' order: its dated events by date."""
    stories = {}
    for episode in package.episodes.itertuples(index=False):
        mine = _episode_events(package.events, episode.id)
        if mine.empty:
            continue
        steps = pd.DataFrame({"event_id": mine["id"].to_numpy(), "caption": "", "place_id": ""})
        story_id = EPISODE_PREFIX + episode.id
        stories[story_id] = Story(story_id, episode.name, episode.description,
                                  _with_frames(package, steps), by_episode=True)
    return stories


def _with_frames(package: Package, steps: pd.DataFrame) -> pd.DataFrame:
    """Add ``frame_place``: the step's place, else its event's, else the one before."""
    event_places = package.events.set_index("id")["place_id"]
    own = steps["place_id"].fillna("").astype(str)
    of_event = steps["event_id"].map(event_places).fillna("").astype(str)
    frame = own.where(own != "", of_event)
    frame = frame.where(frame != "").ffill().fillna("")
    return steps.assign(frame_place=frame.to_numpy()).reset_index(drop=True)


# --- where in a story the URL points --------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """A story and a step in it (1-based), as read from the URL, with notices on what was not."""

    story: str
    step: int
    notices: tuple[str, ...] = ()


def read_position(query: Mapping[str, str], stories: Mapping[str, Story]) -> Position:
    """Read ``?story=...&step=...``: an unknown story or a step out of range gives a notice.

    The first story and its first step stand in for what cannot be used; a step beyond the
    story's end goes to its last step. With no stories at all, the position is ("", 0).
    """
    if not stories:
        return Position("", 0)
    notices = []
    wanted = str(query.get(STORY_PARAM, "") or "").strip()
    story = wanted if wanted in stories else next(iter(stories))
    if wanted and wanted not in stories:
        notices.append(f"There is no story '{wanted[:40]}'; showing '{stories[story].title}'.")
    raw = str(query.get(STEP_PARAM, "") or "").strip()
    step = 1
    if raw:
        try:
            step = int(raw)
        except ValueError:
            notices.append(f"Ignored step='{raw[:20]}' in the link: a step is a number.")
        else:
            last = len(stories[story])
            if not 1 <= step <= last:
                notices.append(f"This story has steps 1 to {last}; showing step "
                               f"{min(max(step, 1), last)}.")
                step = min(max(step, 1), last)
    return Position(story, step, tuple(notices))


def clamp_step(step: int, story: Story) -> int:
    """``step`` moved into 1..len(story)."""
    return min(max(int(step), 1), max(len(story), 1))


def story_query(story_id: str, step: int, filters: Mapping[str, str] | None = None,
                handout: bool = False) -> dict[str, str]:
    """The Story page's URL parameters: the filters kept, then the story and step."""
    query = dict(filters or {})
    query[STORY_PARAM] = story_id
    if handout:
        query[VIEW_PARAM] = HANDOUT
    else:
        query[STEP_PARAM] = str(step)
    return query


def story_url(story_id: str, step: int, filters: Mapping[str, str] | None = None,
              handout: bool = False) -> str:
    """The relative URL of the Story page at ``step`` of ``story_id`` (from any page)."""
    return "./story?" + urlencode(story_query(story_id, step, filters, handout))


def atlas_url(event_id: str, filters: Mapping[str, str] | None = None) -> str:
    """The relative URL of the Atlas page with the filters kept and ``event_id`` selected."""
    return "./?" + urlencode({**(filters or {}), "event": event_id})


def story_for(package: Package, event_id: str = "", episode: str = "") -> tuple[str, int]:
    """The story to tell from the Atlas, and the step to open: a written story that has
    ``event_id`` first, else the story of its episode (or of ``episode``) at it.

    Cheap enough for every rerun of the Atlas page: the event's step in its episode is counted
    (the events told before it), not found by sorting. Returns ("", 0) when there is no story.
    """
    if not event_id and not episode:
        return "", 0
    steps = package.story_steps
    events = package.events
    if event_id:
        written = steps[steps["event_id"] == event_id]
        if len(written):
            story_id = written["story_id"].iloc[0]
            mine = steps[steps["story_id"] == story_id].sort_values("step", kind="stable")
            return story_id, int((mine["event_id"] == event_id).to_numpy().argmax()) + 1
        found = np.flatnonzero((events["id"] == event_id).to_numpy())
        if len(found):
            return _episode_step(events, int(found[0]))
    if events.empty or not (events["episode"] == episode).any():
        return "", 0
    return EPISODE_PREFIX + episode, 1


def _episode_step(events: pd.DataFrame, position: int) -> tuple[str, int]:
    """The episode story of the event at row ``position``, and its step there."""
    episode = events["episode"].iloc[position]
    dated = (events["episode"] == episode).to_numpy() & events[schema.HAS_DATE].to_numpy(bool)
    if not dated.any():
        return "", 0
    if not dated[position]:
        return EPISODE_PREFIX + episode, 1
    earliest = events[schema.EARLIEST].to_numpy("int64", na_value=0)
    best = events[schema.BEST].to_numpy("int64", na_value=0)
    rows = np.arange(len(events))
    mine_earliest, mine_best = earliest[position], best[position]
    # The order of _episode_events: by earliest, then best, then the rows' own order.
    before = dated & ((earliest < mine_earliest) | ((earliest == mine_earliest) & (
        (best < mine_best) | ((best == mine_best) & (rows < position)))))
    return EPISODE_PREFIX + episode, int(before.sum()) + 1


def story_link(package: Package, state: FilterState, default: FilterState) -> str:
    """The Atlas page's link to the Story page, keeping the filters: the story of the selected
    event (or of the one episode filtered on) at that event, else the first story."""
    episode = state.episodes[0] if len(state.episodes) == 1 else ""
    story_id, step = story_for(package, state.event, episode)
    filters = state.with_(event="").to_query(default)
    return story_url(story_id, step, filters) if story_id else "./story?" + urlencode(filters)


def _episode_events(events: pd.DataFrame, episode: str) -> pd.DataFrame:
    """The dated events of ``episode`` in the order its story tells them."""
    if events.empty:
        return events
    mine = events[(events["episode"] == episode) & events[schema.HAS_DATE].astype(bool)]
    return mine.sort_values([schema.EARLIEST, schema.BEST], kind="stable")


# --- what a step shows ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Everything one step shows: the event's card, its place and its words.

    ``accounts`` holds the sources' words (see :func:`atlas.detail.event_detail`);
    ``sources`` lists each source id once, in order, for the side-by-side columns.
    """

    number: int
    total: int
    event_id: str
    title: str
    date: str
    uncertainty: str
    basis: str
    place: str
    frame_place: str
    summary: str
    caption: str
    detail: EventDetail

    @property
    def counter(self) -> str:
        """'step 4 of 12'."""
        return f"step {self.number} of {self.total}"

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(self.detail.accounts["source_id"]))

    @property
    def disputed(self) -> list[str]:
        """The points on which the sources give different values (date, number, agent...)."""
        fields = self.detail.accounts["differs_field"].fillna("")
        return list(dict.fromkeys(f for f in fields if f))


def sources_height(step: Step, available: int = 610, line: int = 26, chars: int = 80) -> int:
    """The height in pixels left for the sources' boxes under the step's words at 1280x720.

    The words above them take a line per ``chars`` characters of each paragraph; the boxes
    scroll inside, so the page itself never does.
    """
    def lines(text: str, width: int = chars) -> int:
        return -(-len(text) // width) if text else 0

    used = (22 + 16 + lines(step.title, 44) * 46 + 16 + 3 * line + lines(step.uncertainty) * line
            + 16 + lines(step.summary) * line + 16)
    if step.caption:
        used += lines(step.caption) * line + 16
    if step.disputed:
        used += 40 + 16
    return max(140, available - used)


def step_view(package: Package, story: Story, number: int) -> Step:
    """The step ``number`` (1-based, clamped into the story) of ``story``."""
    number = clamp_step(number, story)
    row = story.steps.iloc[number - 1]
    detail = event_detail(package, row["event_id"])
    event = detail.event
    place = event[schema.PLACE_NAME]
    frame = row["frame_place"]
    if not place:
        shown = _place_name(package, frame)
        place = ("no place recorded" + (f" (the map stays on {shown})" if shown else ""))
    return Step(number=number, total=len(story), event_id=row["event_id"], title=event["title"],
                date=card_date(event), uncertainty=uncertainty_words(event), basis=detail.date_basis,
                place=place, frame_place=frame, summary=event["summary"],
                caption=row["caption"], detail=detail)


def _place_name(package: Package, place_id: str) -> str:
    names = package.places.loc[package.places["id"] == place_id, "name"]
    return str(names.iloc[0]) if len(names) else ""


def uncertainty_words(event: pd.Series) -> str:
    """How sure the date is, in words: its precision, and the span it may fall in and why.

    E.g. 'known to the day'; 'known to the day, uncertain: somewhere from 1 May 656 to 17 June
    656'; 'known to the month, approximate: somewhere from June 658 to August 658'; 'known to
    the month: from March 656 to May 656' (an event that lasted).
    """
    if not event[schema.HAS_DATE]:
        return "no usable date"
    precision = event[schema.PRECISION]
    words = f"known to the {precision}" if precision in _CUTS else "known roughly"
    cut = _CUTS.get(precision, 10)
    first = describe_edtf(event[schema.EARLIEST_ISO][:cut])
    last = describe_edtf(event[schema.LATEST_ISO][:cut])
    doubts = " and ".join(word for word, flag in (("approximate", event[schema.APPROXIMATE]),
                                                  ("uncertain", event[schema.UNCERTAIN])) if flag)
    if first == last:
        return words + (f", {doubts}" if doubts else "")
    span = f"from {first} to {last}"
    return f"{words}, {doubts}: somewhere {span}" if doubts else f"{words}: {span}"


# How much of an ISO date each precision keeps ('0656-05-01'[:7] is May 656).
_CUTS = {"day": 10, "month": 7, "year": 4}


def step_states(story: Story, number: int) -> pd.Series:
    """For each step: 'past', 'current' or 'coming' as seen from step ``number``."""
    positions = pd.Series(range(1, len(story) + 1))
    states = pd.Series(_COMING, index=positions.index)
    states[positions < number] = _PAST
    states[positions == number] = _CURRENT
    return states


def story_events(package: Package, story: Story, number: int) -> pd.DataFrame:
    """The story's events in step order, with ``step``, ``state`` and ``frame_place``."""
    events = package.events.set_index("id")
    rows = events.loc[story.steps["event_id"]].reset_index()
    return rows.assign(step=range(1, len(story) + 1), state=step_states(story, number).to_numpy(),
                       frame_place=story.steps["frame_place"].to_numpy())


def handout_steps(package: Package, story: Story) -> list[Step]:
    """Every step of ``story``, for the printable handout."""
    return [step_view(package, story, n) for n in range(1, len(story) + 1)]
