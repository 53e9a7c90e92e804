"""Home: the live figures of the user's role, for their scope, and one monthly chart."""

import streamlit as st

from dashboard import charts, formatting, ui

user = ui.guard("home")

st.title(ui.t("home.title"))
st.caption(ui.md("home.welcome", name=user.display_name, scope=ui.scope_text(user)))

with ui.errors_shown():
    figures = ui.home_figures(user)

if figures.as_of is not None:
    st.caption(ui.t("home.as_of", date=formatting.format_date(figures.as_of, ui.language())))
else:
    st.info(ui.t("home.no_orders_yet"), icon=":material/info:")

ui.metric_grid(figures.metrics)

series = ui.distinct(figures.monthly, "series")
names = {key: ui.t(f"series.{key}") for key in series}
figure = charts.monthly_figure(
    figures.monthly,
    ui.language(),
    series_names=names,
    title=ui.t("home.chart_title", series=", ".join(names.values())),
)
st.plotly_chart(figure, alt=ui.t("home.chart_title", series=", ".join(names.values())))
