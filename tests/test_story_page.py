"""AppTest over the Story page: the real data, the tiny package and the siege example."""

import re

import pytest
import streamlit as st

from atlas.paths import DATA_ENV, GEO_ENV, ROOT
from atlas.ui import view
from tests.test_app import markdown_text, run_app, tiny_app  # noqa: F401 - tiny_app is a fixture

PAGE = "pages/story.py"
EXAMPLE = ROOT / "examples" / "siege_717"


def story_app(query=None):
    """Run the app on the Story page with ``query`` in the URL."""
    return run_app(query, page=PAGE)


def heading(at) -> str:
    """The step's heading as the page writes it (inside the live region's markdown)."""
    html_text = next(m.value for m in at.markdown if '<h2 class="story-title">' in m.value)
    return re.search(r'<h2 class="story-title">(.*?)</h2>', html_text)[1]


def live_region(at) -> str:
    """What the live region shows on screen (a screen reader also hears the step's title)."""
    html_text = next(m.value for m in at.markdown if 'aria-live="polite"' in m.value)
    return re.search(r'aria-live="polite" aria-atomic="true">(.*?)<span', html_text)[1]


def announced_title(at) -> str:
    """The step title the live region adds for screen readers."""
    html_text = next(m.value for m in at.markdown if 'aria-live="polite"' in m.value)
    return re.search(r'<span class="story-sr">: (.*?)</span>', html_text)[1]


def button(at, label):
    """The button labelled ``label``."""
    return next(b for b in at.button if b.label == label)


def test_a_link_opens_its_step_of_the_fall_of_egypt():
    """Test that ?story=egypt_658&step=4 shows step 4 with its words, sources and both figures."""
    at = story_app({"story": "egypt_658", "step": "4"})
    assert not at.exception and not at.error
    assert heading(at) == "Ali&#x27;s help for Egypt fails"
    assert live_region(at) == "Step 4 of 12 · The fall of Egypt, 658"
    assert announced_title(at) == heading(at)
    text = markdown_text(at)
    assert "**Date:** July or August 658 · Muharram to Rabi' I 38 AH" in text
    assert "known to the month, uncertain" in text
    assert "**Place:** Kufa" in text
    assert "**The sources differ on:** outcome" in text
    assert "**Narrative ch\\. 2**" in text and "**Encyclopedia**" in text
    assert "> According to one account Ali" in text
    assert len(at.get("plotly_chart")) == 2
    assert at.selectbox(key=view.page_key("story")).value == "egypt_658"
    assert dict(at.query_params) == {"story": "egypt_658", "step": "4"}


def test_the_chooser_offers_the_written_stories_then_the_episodes():
    """Test that 'The fall of Egypt, 658' can be chosen, and choosing a story starts it at 1."""
    at = story_app({"story": "revolt_656", "step": "5"})
    chooser = at.selectbox(key=view.page_key("story"))
    labels = list(chooser.options)
    assert labels[:3] == ["The revolt of 656, to Uthman's death", "Siffin and the arbitration",
                          "The fall of Egypt, 658"]
    assert "Episode: The Camel" in labels
    at = chooser.select("egypt_658").run()
    assert not at.exception
    assert live_region(at).startswith("Step 1 of 12")
    assert at.query_params["story"] == "egypt_658" and at.query_params["step"] == "1"


def test_next_previous_first_and_last_move_through_the_story():
    """Test that the step buttons move one step, or to either end, and rewrite the URL."""
    at = story_app({"story": "egypt_658", "step": "4"})
    at = button(at, "Next").click().run()
    assert live_region(at).startswith("Step 5 of 12") and at.query_params["step"] == "5"
    at = button(at, "Previous").click().run()
    at = button(at, "Previous").click().run()
    assert at.query_params["step"] == "3"
    at = button(at, "Last").click().run()
    assert heading(at) == "Ali mourns Muhammad" and button(at, "Next").disabled
    at = button(at, "First").click().run()
    assert at.query_params["step"] == "1" and button(at, "Previous").disabled


def test_the_step_buttons_have_keyboard_shortcuts():
    """Test that the arrow keys, Home and End are bound to the step buttons."""
    at = story_app({"story": "egypt_658", "step": "4"})
    shortcuts = {b.label: b.proto.shortcut for b in at.button}
    assert shortcuts == {"Previous": "left", "Next": "right", "First": "home", "Last": "end"}


@pytest.mark.parametrize(("query", "notice", "step"), [
    ({"story": "nonsense", "step": "2"}, "There is no story", "Step 2 of 12"),
    ({"story": "egypt_658", "step": "77"}, "steps 1 to 12", "Step 12 of 12"),
    ({"story": "egypt_658", "step": "<b>"}, "a step is a number", "Step 1 of 12"),
])
def test_a_bad_link_gives_a_notice_and_a_step(query, notice, step):
    """Test that an unknown story or a bad step is said politely, and a step is still shown."""
    at = story_app(query)
    assert not at.exception and not at.error
    assert any(notice in i.value for i in at.info)
    assert live_region(at).startswith(step)


def test_the_step_links_to_the_atlas_keeping_the_filters():
    """Test that 'Open this event on the Atlas' carries the filters from the link and the event."""
    at = story_app({"story": "egypt_658", "step": "6", "faction": "ali", "axis": "ah"})
    assert not at.exception
    assert "[Open this event on the Atlas](./?faction=ali&axis=ah&event=kinana_killed)" in \
        markdown_text(at)
    assert at.query_params["faction"] == "ali" and at.query_params["story"] == "egypt_658"


def test_the_atlas_links_to_the_story_of_the_selected_event():
    """Test that the Atlas page's story link opens the story that tells the selected event."""
    at = run_app({"event": "kinana_killed", "faction": "ali"})
    assert not at.exception
    assert "(./story?faction=ali&story=egypt_658&step=6)" in markdown_text(at)


def test_the_handout_lays_out_every_step():
    """Test that the printable handout shows each step's title, date and quotes, once."""
    at = story_app({"story": "siffin_arbitration", "view": "handout"})
    assert not at.exception and not at.error
    titles = [m.value for m in at.markdown if m.value.startswith("### ")]
    assert len(titles) == 8 and titles[0] == "### 1. Ali's army marches to Siffin"
    assert at.title[0].value == "Siffin and the arbitration"
    text = markdown_text(at)
    assert text.count("**Date:**") == 8
    assert "How the date is known:" in text
    assert not at.get("plotly_chart") and not at.button


def test_the_tiny_package_is_told_by_episode(tiny_app):  # noqa: F811 - the fixture
    """Test that a package without stories gets its episodes' stories on the page."""
    at = story_app()
    assert not at.exception and not at.error
    assert live_region(at) == "Step 1 of 2 · Revolt"
    assert heading(at) == "Rebels camp"
    at = button(at, "Next").click().run()
    assert heading(at) == "Siege"


def test_the_tiny_package_shows_a_source_date_in_dispute(tiny_app):  # noqa: F811 - the fixture
    """Test that a source's differing date is marked on its step."""
    at = story_app({"story": "episode-egypt"})
    steps = [heading(at)]
    while not button(at, "Next").disabled:
        at = button(at, "Next").click().run()
        steps.append(heading(at))
    assert sorted(steps) == ["Defeat", "Fall of Fustat", "Invasion"]
    at = story_app({"story": "episode-egypt", "step": str(steps.index("Invasion") + 1)})
    assert ":material/flag: *Differs on date:* 658]" in markdown_text(at)


def test_the_example_has_its_own_story(monkeypatch):
    """Test that examples/siege_717 opens on its written story and steps through it."""
    for name in ("ATLAS_DATA", "ATLAS_GEO"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(DATA_ENV, str(EXAMPLE))
    monkeypatch.setenv(GEO_ENV, str(EXAMPLE / "geo"))
    st.cache_resource.clear()
    try:
        at = story_app()
        assert not at.exception and not at.error
        assert live_region(at) == "Step 1 of 10 · The siege of Constantinople, 717-718"
        at = button(at, "Last").click().run()
        assert heading(at) == "The siege is lifted"
    finally:
        st.cache_resource.clear()


def test_hostile_text_on_the_story_page_is_shown_as_text(tmp_path, monkeypatch):
    """Test that markup in titles, summaries and quotes reaches the page escaped."""
    from tests.conftest import XSS_TEXT, hostile_tables, write_package

    data = write_package(tmp_path, hostile_tables(), text=XSS_TEXT)
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(GEO_ENV, str(tmp_path / "geo"))
    for query in ({"story": "episode-revolt", "step": "2"}, {"story": "episode-revolt",
                                                             "view": "handout"}):
        at = story_app(query)
        assert not at.exception
        for element in [*at.markdown, *at.caption, *at.title]:
            value = element.value
            if value.startswith("<style>"):
                continue
            assert not re.search(r"(?<!\\)<(img|script)", value), value
            assert "](javascript:" not in value, value
