"""Events of one day follow their times of day on the timeline (issue 9), without Qt."""

from tests.conftest import library_of, story_text
from viewer.core.layout import LayoutBuilder


def test_events_of_one_day_are_laid_out_in_the_order_of_their_times():
    dates = ["March 3, 2024, 4:15 PM EST", "March 3, 2024, 9:00 AM EST", "March 3, 2024",
             "2024-03-03T12:30Z", "March 2, 2024, 11:59 PM"]
    layout = LayoutBuilder().build(library_of({"a.txt": story_text("Election day", dates)}))
    in_order = [int(layout.event[i]) for i in range(len(layout.x0))]
    # The day before first; on the day, the untimed event, then 9:00, 12:30 and 4:15 PM.
    assert in_order == [4, 2, 1, 3, 0]
    # Sub-rows stack them in that order too: the earlier time is the higher row.
    rows = {int(layout.event[i]): int(layout.row[i]) for i in range(len(layout.x0))}
    assert rows[2] < rows[1] < rows[3] < rows[0]


def test_without_times_events_of_one_day_keep_their_file_order():
    layout = LayoutBuilder().build(library_of({"a.txt": story_text("A", ["Mar 3, 2024"] * 3)}))
    assert [int(layout.event[i]) for i in range(len(layout.x0))] == [0, 1, 2]
