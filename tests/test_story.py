"""Tests of atlas/story.py and of the loader's story tables: reading, validating, positions."""

from dataclasses import replace

import pandas as pd
import pytest

from atlas import story
from atlas.filters import FilterState, Vocabulary
from atlas.package import load_package
from atlas.paths import ROOT
from tests.conftest import tiny_tables, write_package

EXAMPLE = ROOT / "examples" / "siege_717"


@pytest.fixture(scope="module")
def real_stories(real_package):
    """The bundled package's stories."""
    return story.read_stories(real_package)


def story_tables(steps, stories=None):
    """The tiny tables plus a story table and the given step rows."""
    tables = tiny_tables()
    tables["stories"] = pd.DataFrame(stories or [
        {"id": "tiny_story", "title": "A tiny story", "description": "Three steps."}], dtype=str)
    tables["story_steps"] = pd.DataFrame(
        [dict(zip(["story_id", "step", "event_id", "caption", "place_id"], row, strict=True))
         for row in steps], dtype=str)
    return tables


def test_the_bundled_package_has_the_three_written_stories(real_stories):
    """Test that the revolt, Siffin and the fall of Egypt are told, with their titles and steps."""
    written = {k: v for k, v in real_stories.items() if not v.by_episode}
    assert list(written) == ["revolt_656", "siffin_arbitration", "egypt_658"]
    assert written["egypt_658"].title == "The fall of Egypt, 658"
    assert len(written["egypt_658"]) == 12 and len(written["revolt_656"]) == 12
    assert written["revolt_656"].steps["event_id"].iloc[-1] == "uthman_killed"
    assert all(len(s) >= 8 for s in written.values())


def test_every_written_step_has_an_attested_event_and_a_caption(real_package, real_stories):
    """Test that each written step shows an event with quotes, and says something of its own."""
    attested = set(real_package.attestations["event_id"])
    for told in real_stories.values():
        if told.by_episode:
            continue
        assert set(told.steps["event_id"]) <= attested
        assert (told.steps["caption"] != "").all()


def test_the_bundled_story_tables_load_without_a_problem(real_package):
    """Test that the story tables are read, counted and free of problems."""
    assert not [p for p in real_package.problems if p.file.startswith("stor")]
    counts = real_package.counts["story_steps"]
    assert counts.read == counts.shown == len(real_package.story_steps)
    assert real_package.counts["stories"].shown == 3


def test_every_package_gets_one_story_per_episode_in_date_order(real_package, real_stories):
    """Test that each episode with dated events is a story, its steps by earliest date."""
    by_episode = [s for s in real_stories.values() if s.by_episode]
    assert [s.id for s in by_episode] == [story.EPISODE_PREFIX + e for e in real_package.episodes["id"]]
    events = real_package.events.set_index("id")
    for told in by_episode:
        earliest = events.loc[told.steps["event_id"], "earliest"].to_numpy()
        assert (earliest[1:] >= earliest[:-1]).all()


def test_a_package_without_stories_is_told_by_episode(tiny_package):
    """Test that the tiny package (no story files) loads cleanly and gets its episodes' stories."""
    package = tiny_package
    assert package.problems == ()
    assert package.stories.empty and package.story_steps.empty
    stories = story.read_stories(package)
    assert list(stories) == ["episode-revolt", "episode-egypt"]
    assert list(stories["episode-revolt"].steps["event_id"]) == ["camp", "siege"]
    assert stories["episode-revolt"].title == "Revolt"


def test_a_step_pointing_at_an_unknown_event_is_a_located_problem(tmp_path):
    """Test that a step naming no event is reported (file, row, column, value) and left out."""
    data = write_package(tmp_path, story_tables([
        ("tiny_story", "1", "camp", "They arrive.", ""),
        ("tiny_story", "2", "no_such_event", "", ""),
        ("tiny_story", "3", "fall", "", ""),
    ]))
    package = load_package(data, tmp_path / "geo")
    problems = [p for p in package.errors if p.file == "story_steps.csv"]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (3, "event_id", "no_such_event")
    assert problem.code == "fk-missing"
    told = story.read_stories(package)["tiny_story"]
    assert list(told.steps["event_id"]) == ["camp", "fall"]
    count = package.counts["story_steps"]
    assert (count.read, count.shown, count.rejected) == (3, 2, 1)


@pytest.mark.parametrize(("row", "column", "words"), [
    (("nowhere", "1", "camp", "", ""), "story_id", "no such id in stories.csv"),
    (("tiny_story", "first", "camp", "", ""), "step", ""),
    (("tiny_story", "1", "camp", "", "atlantis"), "place_id", "no such id in places.csv"),
    (("tiny_story", "", "camp", "", ""), "step", ""),
])
def test_bad_story_rows_are_located_problems_not_crashes(tmp_path, row, column, words):
    """Test that a bad story id, step number or frame place is reported where it stands."""
    data = write_package(tmp_path, story_tables([("tiny_story", "2", "siege", "", ""), row]))
    package = load_package(data, tmp_path / "geo")
    problems = [p for p in package.problems if p.file == "story_steps.csv"]
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert words in problems[0].message
    assert "tiny_story" in story.read_stories(package)


def test_a_duplicate_step_is_reported_and_the_first_kept(tmp_path):
    """Test that two rows for one step of a story are a located problem, not two steps."""
    data = write_package(tmp_path, story_tables([("tiny_story", "1", "camp", "", ""),
                                                 ("tiny_story", "1", "siege", "", "")]))
    package = load_package(data, tmp_path / "geo")
    problems = [p for p in package.problems if p.file == "story_steps.csv"]
    assert [(p.row, p.value) for p in problems] == [(3, "tiny_story / 1")]
    assert list(story.read_stories(package)["tiny_story"].steps["event_id"]) == ["camp"]


def test_steps_are_told_in_the_order_of_their_numbers_not_their_rows(tmp_path):
    """Test that step 10 follows step 2, whatever the rows' order in the spreadsheet."""
    data = write_package(tmp_path, story_tables([("tiny_story", "10", "fall", "", ""),
                                                 ("tiny_story", "2", "siege", "", ""),
                                                 ("tiny_story", "1", "camp", "", "")]))
    told = story.read_stories(load_package(data, tmp_path / "geo"))["tiny_story"]
    assert list(told.steps["event_id"]) == ["camp", "siege", "fall"]


def test_a_story_without_a_table_description_is_read_from_its_file(tmp_path):
    """Test that a spreadsheet folder with no datapackage.json gets its stories too."""
    data = write_package(tmp_path, story_tables([("tiny_story", "1", "fall", "", "")]))
    (data / "datapackage.json").unlink()
    package = load_package(data, tmp_path / "geo")
    assert list(story.read_stories(package))[0] == "tiny_story"


def test_the_map_frame_carries_forward_over_steps_without_a_place(real_stories):
    """Test that a step with no place keeps the previous step's frame, and its own wins."""
    steps = real_stories["revolt_656"].steps.set_index("event_id")
    assert steps.at["muhammad_joins_egyptian_rebels", "frame_place"] == "fustat"
    assert steps.at["letter_intercepted", "frame_place"] == "medina"
    assert steps.at["camp_at_dhu_khushub", "frame_place"] == "dhu_khushub"
    egypt = real_stories["egypt_658"].steps
    assert egypt["frame_place"].iloc[0] == ""


@pytest.mark.parametrize(("query", "expected", "notice"), [
    ({}, ("revolt_656", 1), ""),
    ({"story": "egypt_658"}, ("egypt_658", 1), ""),
    ({"story": "egypt_658", "step": "4"}, ("egypt_658", 4), ""),
    ({"story": "egypt_658", "step": " 12 "}, ("egypt_658", 12), ""),
    ({"story": "egypt_658", "step": "99"}, ("egypt_658", 12), "steps 1 to 12"),
    ({"story": "egypt_658", "step": "0"}, ("egypt_658", 1), "steps 1 to 12"),
    ({"story": "egypt_658", "step": "four"}, ("egypt_658", 1), "a step is a number"),
    ({"story": "<script>", "step": "3"}, ("revolt_656", 3), "There is no story"),
    ({"story": "episode-siffin", "step": "2"}, ("episode-siffin", 2), ""),
])
def test_the_position_is_read_from_the_url(real_stories, query, expected, notice):
    """Test that story and step come from the link, with a notice for what cannot be used."""
    position = story.read_position(query, real_stories)
    assert (position.story, position.step) == expected
    assert (notice in " ".join(position.notices)) if notice else position.notices == ()


def test_no_stories_give_an_empty_position():
    """Test that a package with nothing to tell gives no position rather than an error."""
    assert story.read_position({"story": "x"}, {}) == story.Position("", 0)


def test_story_urls_keep_the_filters():
    """Test that links to a step and to the Atlas carry the filters with them."""
    url = story.story_url("egypt_658", 3, {"faction": "ali", "axis": "ah"})
    assert url == "./story?faction=ali&axis=ah&story=egypt_658&step=3"
    assert story.story_url("egypt_658", 3, {}, handout=True) == "./story?story=egypt_658&view=handout"
    assert story.atlas_url("kinana_killed", {"faction": "ali", "event": "old"}) == \
        "./?faction=ali&event=kinana_killed"


@pytest.mark.parametrize(("event", "episode", "expected"), [
    ("kinana_killed", "", ("egypt_658", 6)),
    ("uthman_killed", "", ("revolt_656", 12)),
    ("battle_of_the_camel", "", ("episode-camel", 1)),
    ("", "siffin", ("episode-siffin", 1)),
    ("", "", ("", 0)),
    ("no_such_event", "", ("", 0)),
])
def test_the_atlas_finds_the_story_of_an_event_or_episode(real_package, event, episode, expected):
    """Test that 'Tell this episode as a story' opens a written story first, at the event."""
    assert story.story_for(real_package, event, episode) == expected


def test_the_atlas_story_link_agrees_with_the_episode_story(real_package, real_stories):
    """Test that the step the Atlas links to shows the selected event in the episode's story."""
    without_stories = replace(real_package, story_steps=real_package.story_steps.iloc[0:0])
    for event_id in real_package.events.loc[real_package.events["has_date"], "id"]:
        story_id, step = story.story_for(without_stories, event_id)
        assert real_stories[story_id].steps["event_id"].iloc[step - 1] == event_id


def test_the_atlas_story_link_keeps_the_filters_but_not_the_selection(real_package):
    """Test that the link carries the filters and drops the Atlas's own selection."""
    default = Vocabulary.from_package(real_package).default_state()
    state = default.with_(factions=("ali",), event="kinana_killed")
    assert story.story_link(real_package, state, default) == \
        "./story?faction=ali&story=egypt_658&step=6"
    assert story.story_link(real_package, FilterState(start=default.start, end=default.end), default) \
        == "./story?"


def test_a_step_shows_its_event_dates_place_and_disputed_points(real_package, real_stories):
    """Test that step 4 of the fall of Egypt says where it is and what the sources dispute."""
    step = story.step_view(real_package, real_stories["egypt_658"], 4)
    assert step.counter == "step 4 of 12"
    assert step.title == "Ali's help for Egypt fails"
    assert "July or August 658" in step.date and "38 AH" in step.date
    assert step.uncertainty.startswith("known to the month, uncertain")
    assert step.place == "Kufa"
    assert step.sources == ["001", "002"]
    assert step.disputed == ["outcome"]
    assert step.caption.startswith("What did Ali do?")


def test_a_step_without_a_place_says_so_and_names_the_map_frame(real_package, real_stories):
    """Test that an event with no place is not given one: the words say what the map shows."""
    step = story.step_view(real_package, real_stories["revolt_656"], 8)
    assert step.place == "no place recorded (the map stays on Medina)"
    assert step.frame_place == "medina"


@pytest.mark.parametrize(("number", "expected"), [(-3, 1), (0, 1), (5, 5), (12, 12), (40, 12)])
def test_steps_are_clamped_into_the_story(real_package, real_stories, number, expected):
    """Test that a step outside the story is shown as its first or last step."""
    assert story.step_view(real_package, real_stories["egypt_658"], number).number == expected


@pytest.mark.parametrize(("event", "words"), [
    ("uthman_killed", "known to the day"),
    ("egyptian_delegation_arrives", "known to the month"),
    ("uthman_promises_reform", "known to the day, uncertain: somewhere from 1 May 656 to "
                               "17 June 656"),
    ("rebels_march_to_medina", "known to the month, uncertain: somewhere from March 656 to May 656"),
])
def test_the_uncertainty_of_a_date_is_put_in_words(real_package, event, words):
    """Test that precision, uncertainty and the span a date may fall in are said in words."""
    row = real_package.events.set_index("id").loc[event]
    assert story.uncertainty_words(row) == words


@pytest.mark.parametrize(("event", "words"), [
    ("invasion", "known to the year, approximate: somewhere from 657 to 659"),
    ("siege", "known to the month: from May 656 to June 656"),
    ("camp", "known to the day"),
])
def test_approximate_dates_and_spans_are_put_in_words(tiny_package, event, words):
    """Test that an approximate year and an event that lasted are said with their spans."""
    package = tiny_package
    assert story.uncertainty_words(package.events.set_index("id").loc[event]) == words


def test_step_states_run_past_current_coming(real_stories):
    """Test that steps before the current one are past and those after it are coming."""
    states = story.step_states(real_stories["egypt_658"], 3)
    assert list(states) == ["past", "past", "current"] + ["coming"] * 9


def test_story_events_follow_the_steps(real_package, real_stories):
    """Test that the story's events come in step order with their state and frame."""
    events = story.story_events(real_package, real_stories["egypt_658"], 2)
    assert list(events["step"]) == list(range(1, 13))
    assert events["id"].iloc[1] == "amr_army_to_egypt"
    assert events.loc[1, "state"] == "current" and events.loc[1, "frame_place"] == "fustat"


def test_the_sources_get_the_room_the_words_leave(real_package, real_stories):
    """Test that a long summary leaves the sources less room, never less than a readable box."""
    told = real_stories["revolt_656"]
    short = story.step_view(real_package, told, 4)
    long = story.step_view(real_package, told, 7)
    assert story.sources_height(long) < story.sources_height(short) <= 610
    assert story.sources_height(long) >= 140


def test_the_handout_holds_every_step(real_package, real_stories):
    """Test that the printable handout has each step once, in order."""
    steps = story.handout_steps(real_package, real_stories["siffin_arbitration"])
    assert [s.number for s in steps] == list(range(1, 9))
    assert steps[3].place == "Dumat al-Jandal"


def test_the_example_package_has_its_own_story():
    """Test that the siege of Constantinople example is told as a written story."""
    package = load_package(EXAMPLE, EXAMPLE / "geo")
    stories = story.read_stories(package)
    first = next(iter(stories.values()))
    assert not first.by_episode and len(first) >= 8
    assert "Constantinople" in first.title
