"""The Streamlit side of the atlas: the only package of atlas/ that imports Streamlit.

- :mod:`atlas.ui.source`: the package shown (the server's, cached per process, or an upload).
- :mod:`atlas.ui.view`: one view state per rerun, read from the URL; callbacks that change it.
- :mod:`atlas.ui.sidebar`: the shared sidebar and banner that ``app.py`` draws once per rerun.
- :mod:`atlas.ui.components`: the card, pickers, tables, keys, links, prose and styles.
- :mod:`atlas.ui.panels`: downloads, the upload form and the validation report.
"""
