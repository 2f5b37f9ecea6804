"""Lanes, sub-rows and culling of the timeline, checked on the arrays (no Qt)."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import library_of, story_text
from viewer.core.layout import LayoutBuilder
from viewer.model import Library

FIELDS = ("x0", "x1", "row", "precision", "story", "event", "end_max", "lane_row", "lane_rows")


def test_overlapping_events_of_one_story_get_their_own_sub_rows():
    library = library_of({"a.txt": story_text("A", ["2020", "Mar 2020", "Mar 5, 2020", "Mar 5, 2020", "2021"])})
    layout = LayoutBuilder().build(library)
    rows = {int(layout.event[i]): int(layout.row[i]) for i in range(len(layout.x0))}
    # 2020, Mar 2020 and the two Mar 5 overlap: four different rows; 2021 reuses the first.
    assert len({rows[0], rows[1], rows[2], rows[3]}) == 4
    assert rows[4] == rows[0]
    assert layout.lane_rows.tolist() == [5]  # title row + four sub-rows


def test_only_visible_events_are_considered_long_bars_included():
    dates = [f"{y}" for y in range(1900, 2000)]
    layout = LayoutBuilder().build(library_of({"a.txt": story_text("A", dates),
                                               "b.txt": story_text("B", ["1930s", "20th century"])}))
    left, right = date(1950, 6, 1).toordinal(), date(1952, 6, 1).toordinal()
    drawn = {(layout.stories[int(layout.story[i])].file, int(layout.event[i]))
             for i in layout.visible_indices(left, right)}
    # The years that overlap the window, and the century bar that started long before it;
    # nothing that ends before the window (the 1930s) or starts after it.
    assert drawn == {("a.txt", 50), ("a.txt", 51), ("a.txt", 52), ("b.txt", 1)}


def test_no_library_or_no_stories_give_an_empty_layout():
    for library in (None, library_of({})):
        layout = LayoutBuilder().build(library)
        assert layout.row_count == 0 and layout.x_range is None and not len(layout.visible_indices(0, 1e9))


def test_undated_events_are_listed_not_drawn():
    layout = LayoutBuilder().build(library_of({"a.txt": story_text("A", ["2001", "someday", "2003"])}))
    assert layout.undated == [(0, 1)]
    assert sorted(layout.event.tolist()) == [0, 2]
    assert layout.index_of("a.txt", 1) is None and layout.index_of("nope.txt", 0) is None


def test_patched_layout_equals_a_fresh_one_for_each_kind_of_change():
    files = {
        "a.txt": story_text("A", ["2020", "1990", "Jan 3, 2026"]),
        "b.txt": story_text("B", ["2020", "Mar 2020", "sometime"]),
        "c.txt": story_text("C", ["1960s", "2005", "1999", "Mar 5, 2020"]),
    }
    for new_dates in (["1999", "Mar 2020", "Mar 5, 2020", "Mar 5, 2020", "1850s"],  # more events, more sub-rows
                      ["2001"],  # fewer events
                      []):  # no dated events left
        library = library_of(files)
        builder = LayoutBuilder()
        builder.build(library)
        # A live reload replaces one file's result and keeps the others' (the same objects).
        replaced = library_of({"b.txt": story_text("B2", new_dates)}).results["b.txt"]
        updated = Library.from_results(library.folder, {**library.results, "b.txt": replaced})
        assert updated.stories[0] is library.stories[0]  # so the builder patches rather than rebuilds
        patched = builder.build(updated)
        fresh = LayoutBuilder().build(updated)
        for name in FIELDS:
            assert getattr(patched, name).tolist() == getattr(fresh, name).tolist(), (new_dates, name)
        assert patched.undated == fresh.undated
        assert [patched.index_of("b.txt", i) for i in range(len(new_dates))] == [
            fresh.index_of("b.txt", i) for i in range(len(new_dates))]


YEARS = st.lists(st.sampled_from(["1990", "1999", "2000", "Mar 2000", "Mar 5, 2000", "1990s", "2000–2003",
                                  "undatable", "Early 2001"]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(YEARS, min_size=1, max_size=6), st.data())
def test_patching_any_lanes_equals_building_afresh(lanes, data):
    library = library_of({f"s{i}.txt": story_text(f"S{i}", dates) for i, dates in enumerate(lanes)})
    results = dict(library.results)
    builder = LayoutBuilder()
    builder.build(library)
    for _ in range(3):
        changed = data.draw(st.lists(st.integers(0, len(lanes) - 1), unique=True, max_size=len(lanes)))
        for i in changed:
            name = f"s{i}.txt"
            results[name] = library_of({name: story_text(f"S{i}", data.draw(YEARS))}).results[name]
        library = Library.from_results(library.folder, dict(results))
        patched = builder.build(library)
        fresh = LayoutBuilder().build(library)
        for name in FIELDS:
            assert getattr(patched, name).tolist() == getattr(fresh, name).tolist(), name
        assert patched.undated == fresh.undated


def test_bringing_the_latest_event_into_view_does_not_show_empty_years_after_it():
    from viewer.core.layout import range_showing

    library = library_of({"a.txt": "A\nTimeline\n" + "".join(f"{1950 + 5 * i} – Event {i} [1]\n" for i in range(15))
                          + "Jan 5, 2026 – The latest [1]\n"})
    layout = LayoutBuilder().build(list(library.stories))
    latest = layout.index_of("a.txt", 15)
    lo, hi = range_showing(layout, latest, (float(layout.x0.min()) - 40000, float(layout.x0.min()) - 20000), 1000)
    assert lo < layout.x0[latest] and layout.x1[latest] < hi  # in view
    assert hi - layout.x1[latest] < (hi - lo) * 0.1  # not centred with decades of nothing after it
    assert hi <= float(layout.x1.max()) + (hi - lo) * 0.05 + 1e-6


def test_a_bar_longer_than_the_view_is_shown_whole_when_chosen():
    from viewer.core.layout import range_showing

    library = library_of({"a.txt": "A\nTimeline\n1910s – A decade [1]\nMar 5, 1914 – A day [1]\n"})
    layout = LayoutBuilder().build(list(library.stories))
    decade = layout.index_of("a.txt", 0)
    start, end = float(layout.x0[decade]), float(layout.x1[decade])
    year = (start + 1500, start + 1865)  # a year's view inside the decade: the bar fills it
    lo, hi = range_showing(layout, decade, year, 1000)
    assert lo < start and end < hi  # both ends on screen
    assert hi - lo < (end - start) * 1.25  # and no more than a margin around it
    # A bar that fits, half out of the view, is brought wholly in without zooming.
    lo, hi = range_showing(layout, decade, (start - 8000, start + 1000), 1000)
    assert lo <= start and end <= hi and hi - lo == 9000


@settings(max_examples=40, deadline=None)
@given(st.lists(YEARS, min_size=2, max_size=6), st.randoms(use_true_random=False))
def test_lanes_sorted_again_or_hidden_are_laid_out_as_afresh(lanes, rng):
    library = library_of({f"s{i}.txt": story_text(f"S{i}", dates) for i, dates in enumerate(lanes)})
    builder = LayoutBuilder()
    builder.build(library)
    for _ in range(3):
        shown = [story for story in library.stories if rng.random() < 0.8]
        rng.shuffle(shown)
        again, fresh = builder.build(shown), LayoutBuilder().build(shown)
        for name in FIELDS:
            assert getattr(again, name).tolist() == getattr(fresh, name).tolist(), name
        assert again.undated == fresh.undated and again.lane_rows.tolist() == fresh.lane_rows.tolist()
