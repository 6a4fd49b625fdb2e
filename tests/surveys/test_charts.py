from surveys.charts import bar_chart, chart_for, pie_chart, stacked_chart


def test_labels_are_escaped_in_svg():
    items = [{"name": "x", "label": "<script>alert(1)</script>", "count": 1, "percent": 100.0}]
    for svg in (bar_chart(items), pie_chart(items)):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg


def test_bar_lengths_follow_percentages():
    svg = bar_chart(
        [
            {"label": "a", "count": 3, "percent": 75.0},
            {"label": "b", "count": 1, "percent": 25.0},
        ],
        width=640,
    )
    # Bar area is width - 250 - 70 = 320 px: 75 % → 240 px, 25 % → 80 px.
    assert 'width="240.0"' in svg and 'width="80.0"' in svg


def test_small_select_one_gets_a_pie_and_other_selects_bars():
    choices = [{"name": n, "label": n, "count": 1, "percent": 50.0} for n in ("a", "b")]
    one = {"type": "select_one", "label": "Q", "answered": 2, "choices": choices}
    assert "chart-pie" in chart_for(one)
    assert "chart-bar" in chart_for({**one, "type": "select_multiple"})
    assert chart_for({"type": "text", "label": "Q", "answered": 2}) == ""


def test_stacked_chart_draws_one_bar_per_group_with_shares():
    groups = [
        {
            "label": "Occitanie",
            "choices": [{"name": "oui", "count": 3}, {"name": "non", "count": 1}],
        },
        {
            "label": "Bretagne",
            "choices": [{"name": "oui", "count": 0}, {"name": "non", "count": 5}],
        },
    ]
    svg = stacked_chart(groups, ["oui", "non"], {"oui": "Oui", "non": "Non"})
    assert "Occitanie" in svg and "Bretagne" in svg
    assert "75\u00a0%" in svg and "100\u00a0%" in svg
