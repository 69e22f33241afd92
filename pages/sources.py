"""The Sources page: each source's record, its coverage, and its full text with every quote marked."""

import streamlit as st

from atlas.compare import coverage
from atlas.filters import apply_filters
from atlas.passages import cited_share, passages_html, text_passages, uncited_gaps
from atlas.ui import components as ui
from atlas.ui import view


@view.page_content
def sources_page(shown: view.View) -> None:
    package, state = shown.package, shown.state
    sources = package.sources.set_index("id", drop=False)

    st.title("Sources")
    ui.show_notices(shown.notices)
    chosen = view.page_choice(shown, "src", set(sources.index),
                              default=sources.index[0] if len(sources) else "")
    selection = apply_filters(package, state)
    events = selection.matching
    st.markdown(f"**{selection.summary}** Coverage below counts the events the filters show.")

    table = coverage(package, events)
    st.dataframe(
        table.drop(columns="alone_ids").rename(columns={
            "source_id": "Id", "label": "Source", "events": "Events attested",
            "alone": "Attested only here", "differs": "Differing versions", "episodes": "Episodes"}),
        hide_index=True, width="stretch")

    if not chosen:
        st.info("The data package has no sources.")
        return

    st.radio("Source to read", list(sources.index), key=view.page_key("src"), horizontal=True,
             format_func=lambda i: f"{sources.at[i, 'short']} ({i})", on_change=view.param_changed,
             args=("src",))
    source = sources.loc[chosen]
    st.subheader(ui.plain(source["title"]))
    record = [f"**Work:** {ui.plain(source['work_title'])}",
              f"**Author:** {ui.plain(source['author'] or 'unknown')}",
              f"**Kind:** {ui.plain(source['kind'])} · **Licence:** {ui.plain(source['licence'])}"]
    if source["publisher"] or source["year"]:
        published = " ".join(filter(None, [source["publisher"], source["year"]]))
        record.append(f"**Published:** {ui.plain(published)}")
    st.markdown("  \n".join(record))
    if source["note"]:
        st.caption(ui.plain(source["note"]))

    row = table[table["source_id"] == chosen].iloc[0]
    titles = package.events.set_index("id")["title"]
    if row["alone"]:
        st.markdown(f"**Attested only by this source ({row['alone']}):** " + "; ".join(
            f"[{ui.plain(titles.get(e, e))}]({ui.event_link(e)})" for e in row["alone_ids"]))

    text = package.texts.get(chosen, "")
    mine = package.attestations[package.attestations["source_id"] == chosen]
    passages = text_passages(text, mine)
    gaps = uncited_gaps(text, passages)
    st.markdown(f"#### Full text · {cited_share(passages):.0%} of it quoted by events · "
                f"{len(gaps)} uncited passage(s)")
    st.caption("Highlighted: words an event quotes (click to open it on the Atlas; [1], [2] when "
               "several events quote them). Dotted: quoted by an event the filters hide. "
               "Plain: no event cites it, a gap in the extraction or text with no datable event.")
    ui.source_text(passages_html(text, passages, titles.to_dict(), ui.event_link,
                                 in_view=set(events["id"])))
    if gaps:
        with st.expander(f"The {len(gaps)} uncited passage(s), for checking the extraction"):
            for gap in gaps:
                st.text(f"characters {gap.start}–{gap.end}: {text[gap.start:gap.end].strip()}")


sources_page()
