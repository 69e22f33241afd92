"""The Story page: a story told one step at a time, the timeline and the map following.

One step fills a 1280x720 screen: its title, date, place, summary and each source's words side
by side; arrow keys step through, Home and End go to the first and last step; the story and
step live in the URL. With ``view=handout`` the whole story is laid out for printing.
"""

import functools

import streamlit as st

from atlas import escape, story
from atlas.story_figures import story_map_figure, story_timeline_figure
from atlas.ui import charts, source, view
from atlas.ui import components as ui


def as_html(text: str) -> str:
    """Data text for an HTML block: tags and Markdown links shown as typed, never obeyed.

    On one line: a blank line would end the HTML block and let Markdown read the rest.
    """
    one_line = " ".join(str(text).split())
    return escape.html(one_line).replace("[", "&#91;").replace("]", "&#93;")


def step_facts(step: story.Step) -> None:
    """The step's date (CE and AH, its uncertainty in words), place, summary and caption."""
    st.markdown(f"**Date:** {ui.plain(step.date)}  \n"
                f":gray[{ui.plain(step.uncertainty)}]  \n"
                f"**Place:** {ui.plain(step.place)}")
    st.markdown(ui.plain(step.summary))
    if step.caption:
        st.markdown(f":blue[:material/record_voice_over: *{ui.plain(step.caption)}*]")


def step_sources(step: story.Step, height: int | None = None) -> None:
    """Each source's words side by side, the point in dispute marked where they differ."""
    accounts = step.detail.accounts
    if step.disputed:
        st.markdown(":orange-background[:material/flag: **The sources differ on:** "
                    + ui.plain(", ".join(step.disputed)) + "]")
    if accounts.empty:
        st.caption("No source's words are recorded for this event.")
        return
    with st.container(key="story_sources" if height else None):
        for column, source_id in zip(st.columns(len(step.sources)), step.sources, strict=True):
            mine = accounts[accounts["source_id"] == source_id]
            with column, st.container(border=True, height=height or "content"):
                st.markdown(f"**{ui.plain(mine['source_label'].iloc[0])}** · "
                            f"{ui.plain(mine['source_title'].iloc[0])}")
                for account in mine.itertuples(index=False):
                    ui.source_account(account, marked=True)


def handout_step(step: story.Step) -> None:
    """One step of the printable handout: its title, date, place, summary and the quotes."""
    with st.container(border=True, key=f"handout_step_{step.number}"):
        st.markdown(f"### {step.number}. {ui.plain(step.title)}")
        step_facts(step)
        st.caption(f"How the date is known: {ui.plain(step.basis)}")
        step_sources(step)


def go_to(step: int) -> None:
    """Callback of the step buttons."""
    view.set_params(**{story.STEP_PARAM: str(step)})


def new_story() -> None:
    """Callback of the story chooser: a new story starts at its first step."""
    view.set_params(**{story.STORY_PARAM: st.session_state[view.page_key("story")],
                       story.STEP_PARAM: "1"})


@view.page_content
def story_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    ui.stop_unless_usable(package)

    filters = state.to_query(shown.default)
    stories = source.cached_stories()
    if not stories:
        st.title("Stories")
        st.info("This data package has no dated events, so there is no story to tell.",
                icon=":material/info:")
        return

    position = story.read_position({name: values[-1] for name, values in shown.page.items()}, stories)
    ui.show_notices([*shown.notices, *position.notices])
    chosen = stories[position.story]
    number = position.step
    handout = shown.page.get(story.VIEW_PARAM, ("",))[-1] == story.HANDOUT
    ui.style("story.css")

    if handout:
        view.set_params(**{story.STORY_PARAM: chosen.id, story.STEP_PARAM: ""})
        st.title(ui.plain(chosen.title))
        st.markdown(ui.plain(chosen.description))
        st.markdown(f"[Back to the story]({story.story_url(chosen.id, 1, filters)}) · "
                    "Print this page or save it as PDF with your browser (Ctrl+P).",
                    unsafe_allow_html=False)
        for step in story.handout_steps(package, chosen):
            handout_step(step)
        return

    view.set_params(**{story.STORY_PARAM: chosen.id, story.STEP_PARAM: str(number)})
    st.session_state[view.page_key("story")] = chosen.id
    step = charts.cached("story_step", (chosen.id, number),
                         lambda: story.step_view(package, chosen, number))
    last = len(chosen)

    bar = st.columns([2.7, 1.25, 1.1, 1.05, 1.0, 2.0], vertical_alignment="center")
    bar[0].selectbox("Story", list(stories), key=view.page_key("story"), on_change=new_story,
                     format_func=lambda i: ("Episode: " if stories[i].by_episode else "")
                     + stories[i].title, label_visibility="collapsed")
    bar[1].button("Previous", shortcut="Left", on_click=go_to, args=(number - 1,),
                  disabled=number == 1, width="stretch")
    bar[2].button("Next", shortcut="Right", on_click=go_to, args=(number + 1,),
                  disabled=number == last, width="stretch", type="primary")
    bar[3].button("First", shortcut="Home", on_click=go_to, args=(1,), disabled=number == 1,
                  width="stretch")
    bar[4].button("Last", shortcut="End", on_click=go_to, args=(last,), disabled=number == last,
                  width="stretch")
    bar[5].markdown(f"[Open this event on the Atlas]({story.atlas_url(step.event_id, filters)})  \n"
                    f"[Printable handout]({story.story_url(chosen.id, 1, filters, handout=True)})")

    words, figures = st.columns([11, 9], gap="medium")
    with words:
        # A live region: a screen reader reads the new step out after every move.
        st.markdown(f'<p class="story-live" role="status" aria-live="polite" aria-atomic="true">'
                    f'{as_html(step.counter.capitalize())} · {as_html(chosen.title)}'
                    f'<span class="story-sr">: {as_html(step.title)}</span></p>'
                    f'<h2 class="story-title">{as_html(step.title)}</h2>',
                    unsafe_allow_html=True)
        step_facts(step)
        step_sources(step, height=story.sources_height(step))
    with figures:
        # Built once per step for the server (a class steps through the same story).
        @functools.cache
        def events():
            return story.story_events(package, chosen, number)

        st.plotly_chart(charts.cached("story_map", (chosen.id, number),
                                      lambda: story_map_figure(package, events(), height=300)),
                        key="story_map", config=ui.PLOTLY_CONFIG, width="stretch")
        st.plotly_chart(charts.cached("story_timeline", (chosen.id, number, state.axis),
                                      lambda: story_timeline_figure(events(), package.factions,
                                                                    axis=state.axis, height=272)),
                        key="story_timeline", config=ui.PLOTLY_CONFIG, width="stretch")


st.set_page_config(initial_sidebar_state="collapsed")
story_page()
