"""Home: the live figures of the user's role, for their scope, and one monthly chart."""

import streamlit as st

from dashboard import charts, ui
from dashboard.identity.user import User
from dashboard.ui import home, labels, tables


def render(user: User) -> None:
    st.title(ui.t("home.title"))
    st.caption(ui.md("home.welcome", name=user.display_name, scope=labels.scope_text(user)))
    with ui.errors_shown():
        figures = home.home_figures(user)
    if figures.as_of is not None:
        st.caption(ui.t("home.as_of", date=labels.format_date(figures.as_of)))
    else:
        st.info(ui.t("home.no_orders_yet"), icon=":material/info:")
    tables.metric_grid(figures.metrics)
    names = {key: ui.t(f"series.{key}") for key in figures.series}
    title = ui.t("home.chart_title", series=", ".join(names.values()))
    figure = charts.monthly_figure(figures.monthly, ui.language(), series_names=names, title=title)
    st.plotly_chart(figure, alt=title)


user = ui.guard("home")
render(user)
