"""The event detail pane: the selected event's full text, or the story's summary.

Every piece of story text is escaped before it becomes rich text, and the
browser never follows links or loads resources by itself: a story containing
``<img src="http://…">`` shows those characters and fetches nothing.

Text wraps to the pane's width, at a word where it can and anywhere where it
cannot: a 300-character headline without a space (or a long file name) wraps
too, so no story text can force a horizontal scroll bar or a wider pane.
"""

from __future__ import annotations

import html
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QGuiApplication, QPalette, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.core.colours import muted_text
from viewer.core.reading import StoryNews, word_diff
from viewer.core.sources import FolderSources
from viewer.core.state import AppState, EventRef
from viewer.model import Event, Library, Story, describe_span
from viewer.ui.citations import url_html
from viewer.ui.text import TITLE_CHARS, WRAPPED_TITLE_CHARS, capped, one_line

_CITE_SCHEME = "cite"
_ALSO_SCHEME = "also"  # also:<number>/<file>: this event's source <number>, in the other story <file>
MAX_OTHER_STORIES = 5  # linked by headline; the rest are counted (All Sources lists them all)


class _OfflineBrowser(QTextBrowser):
    """A QTextBrowser that never loads anything: no images, no stylesheets."""

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Refuse every resource; our own HTML references none."""
        return None


class EventDetailPane(_OfflineBrowser):
    """Shows the selected event, or the current story's summary when none is selected."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventDetail")
        self.setAccessibleName("Event details")
        self.setAccessibleDescription("The selected event's date, text and story, or the current story's summary")
        self._state = state
        self._news: dict[str, StoryNews] = {}  # what was new in the stories opened (see show_news)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.anchorClicked.connect(self._on_anchor)
        state.event_changed.connect(self.refresh)
        state.story_changed.connect(self.refresh)
        state.library_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the application state."""
        story = self._state.story
        event = self._state.selected_event()
        if story is None:
            self.setHtml(_page("<p style='color:#666'>Open a folder of story files with "
                               "<b>File → Open Folder…</b> (Ctrl+O).</p>"))
        elif event is None:
            self.setHtml(_page(news_html(story, self._news.get(story.file)) + story_html(story)))
        else:
            ref = self._state.event_ref
            news = self._news.get(story.file)
            self.setHtml(_page(event_news_html(news, ref.index, event) + event_html(story, event) if ref and news
                               else event_html(story, event)))
        self.show_shared_sources()

    def clear_news(self) -> None:
        """Another folder: the news shown belonged to the last one."""
        self._news.clear()

    def show_news(self, file: str, news: StoryNews | None) -> None:
        """What is new in a story the reader opens (``None``: nothing); shown while it is on display."""
        if news:
            self._news[file] = news
        else:
            self._news.pop(file, None)
        story = self._state.story
        if story is not None and story.file == file:
            self.refresh()

    def show_shared_sources(self) -> None:
        """Below an event: which of its sources other stories cite too, with links to them.

        Only once the folder's sources are grouped (the All Sources panel has
        a worker do it, then calls ``refresh``): the pane never waits for them.
        """
        story, event, library = self._state.story, self._state.selected_event(), self._state.library
        sources = self._state.sources.built_for(library)
        if story is None or event is None or library is None or sources is None:
            return
        text = shared_sources_html(sources, library, story, event)
        if text:
            cursor = QTextCursor(self.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())  # a block of its own, in no list
            cursor.insertHtml(_page(text))

    def _go_to_other_story(self, url: QUrl) -> None:
        """An "also cited by" link: select the source across the folder, show that story's first citing event."""
        number, _, file = bytes(url.toEncoded().data()).decode("ascii", "replace").partition(":")[2].partition("/")
        story = self._state.story
        sources = self._state.sources.built_for(self._state.library)
        if story is None or sources is None or not number.isdigit():
            return
        shared = sources.shared(story.file, int(number))
        file = unquote(file)
        if shared is None or file not in shared.stories:
            return
        self._state.set_folder_source(shared.key)
        refs = [index for f, index in shared.events if f == file]
        if refs:
            self._state.select_event(EventRef(file, refs[0]))
        else:
            self._state.select_event(None)
            self._state.set_story(file)

    def changeEvent(self, event: QEvent) -> None:
        """Drawn again in the new palette's colours (light to dark or back): HTML keeps the colours it was set with."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.refresh()

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == _CITE_SCHEME:
            try:
                number = int(url.path() or url.host())
            except ValueError:
                return
            self._state.select_source(number)
        elif url.scheme() == _ALSO_SCHEME:
            self._go_to_other_story(url)


def _page(body: str) -> str:
    # The pages' greys are a light scheme's: each becomes the palette's secondary text colour, with
    # 4.5:1 on its base in either scheme. (Story text cannot hold "style='": html.escape escapes quotes.)
    palette = QGuiApplication.palette()
    muted = muted_text(palette.color(QPalette.ColorRole.Text).name(), palette.color(QPalette.ColorRole.Base).name())
    for grey in ("#555", "#666"):
        body = body.replace(f"style='color:{grey}", f"style='color:{muted}")
    return f"<html><body style='font-size:10.5pt'>{body}</body></html>"


def _citation_link(number: int) -> str:
    """A link that selects source ``number`` in the citations list when clicked."""
    return f"<a href='{_CITE_SCHEME}:{number}'>[{number}]</a>"


def _citation_links(citations: tuple[int, ...]) -> str:
    return " ".join(map(_citation_link, citations))


def event_html(story: Story, event: Event) -> str:
    """The detail of one event: story, date as written and its span, text, citations."""
    span = describe_span(event.span) if event.span is not None else "undated: the date could not be read"
    if event.year_inferred:
        # The file wrote no year ("Dec 12"): say that the year shown is the parser's, not the story's.
        span += "; year assumed from the neighbouring events"
    date_text = html.escape(capped(event.date_text, TITLE_CHARS)) if event.date_text else "(no date)"
    sources = ""
    if event.citations:
        rows = []
        for n in event.citations:
            source = story.source(n)
            title = (html.escape(capped(source.title, TITLE_CHARS)) if source and source.title
                     else "(no title)")
            address = f"<br><span style='color:#555'>{url_html(source.url)}</span>" if source and source.url else ""
            rows.append(f"<li>{_citation_link(n)} {title}{address}</li>")
        sources = f"<p style='margin-bottom:2px'><b>Sources</b></p><ul style='margin-top:0'>{''.join(rows)}</ul>"
    return (
        f"<p style='color:#555; margin-bottom:2px'>{html.escape(capped(story.title, WRAPPED_TITLE_CHARS))}</p>"
        f"<h3 style='margin-top:0; margin-bottom:2px'>{date_text}</h3>"
        f"<p style='color:#666; margin-top:0'>{html.escape(span)} · line {event.line} of "
        f"{html.escape(story.file)}</p>"
        f"<p>{html.escape(capped(event.text))} {_citation_links(event.citations)}</p>"
        f"{sources}"
    )


def story_html(story: Story) -> str:
    """A story's summary: headline, article count, each section's heading and body."""
    count = ""
    if story.article_count is not None:
        count = f" · {story.article_count} article{'s' if story.article_count != 1 else ''}"
    parts = [
        f"<h3 style='margin-bottom:2px'>{html.escape(capped(story.title, WRAPPED_TITLE_CHARS))}</h3>",
        f"<p style='color:#666; margin-top:0'>{len(story.events)} "
        f"event{'' if len(story.events) == 1 else 's'}{count} · "
        f"{html.escape(story.file)} · select an event on the timeline to read it</p>",
    ]
    for section in story.sections:
        heading = f"<b>{html.escape(capped(section.heading, TITLE_CHARS))}</b><br>" if section.heading else ""
        parts.append(f"<p>{heading}{html.escape(capped(section.body))} {_citation_links(section.citations)}</p>")
    return "".join(parts)


# New and updated: an accent the reader can tell from the story's own colours, in either scheme.
NEWS_BADGE = "background:#C2410C; color:#FFFFFF; padding:0 4px; font-weight:bold"


def news_html(story: Story, news: StoryNews | None) -> str:
    """The top of a story's summary when it changed since it was read: counts, and what was removed."""
    if not news:
        return ""
    counts = []
    if news.new:
        counts.append(f"{len(news.new)} new event{'s' if len(news.new) != 1 else ''}")
    if news.updated:
        counts.append(f"{len(news.updated)} updated")
    if news.removed:
        counts.append(f"{len(news.removed)} removed")
    if news.articles_grew and story.article_count is not None:
        counts.append(f"articles {news.articles_before} → {story.article_count}")
    parts = [f"<p><span style='{NEWS_BADGE}'>&nbsp;Since you last read&nbsp;</span> "
             f"{html.escape(', '.join(counts) or 'events removed')}</p>"]
    if news.updated:
        items = "".join(f"<li>{_reworded_html(story.events[i], *news.updated[i])}</li>"
                        for i in sorted(news.updated) if i < len(story.events))
        parts.append(f"<p style='margin-bottom:2px'><b>Reworded since you last read</b> "
                     f"(<s>removed</s>, <u><b>added</b></u>)</p><ul style='margin-top:0'>{items}</ul>")
    if news.removed:
        items = "".join(f"<li><s>{html.escape(capped(d, TITLE_CHARS))} – {html.escape(capped(t))}</s></li>"
                        for d, t in news.removed)
        parts.append(f"<p style='margin-bottom:2px'><b>Removed since you last read</b></p>"
                     f"<ul style='margin-top:0'>{items}</ul>")
    return "".join(parts)


def _reworded_html(event: Event, date_before: str, text_before: str) -> str:
    """An event's new wording beside the one the reader saw: a word diff, escaped."""
    runs = []
    for change, words in word_diff(capped(text_before), capped(event.text)):
        escaped = html.escape(words)
        runs.append(escaped if change == "=" else f"<s>{escaped}</s>" if change == "-" else f"<u><b>{escaped}</b></u>")
    date = html.escape(capped(event.date_text, TITLE_CHARS))
    if " ".join(date_before.split()) != " ".join(event.date_text.split()):
        date = f"<s>{html.escape(capped(date_before, TITLE_CHARS))}</s> <u><b>{date}</b></u>"
    return f"{date} – {''.join(runs)}"


def event_news_html(news: StoryNews, index: int, event: Event) -> str:
    """A new or updated event's badge; for an update, the wording the reader saw as a word diff."""
    kind = news.kind(index)
    if kind is None:
        return ""
    label = "New since you last read" if kind == "new" else "Updated since you last read"
    badge = f"<p style='margin-bottom:2px'><span style='{NEWS_BADGE}'>&nbsp;{label}&nbsp;</span></p>"
    if kind == "new":
        return badge
    return (f"{badge}<p style='color:#555; margin-top:2px'>Changes to what you read "
            f"(<s>removed</s>, <u><b>added</b></u>): {_reworded_html(event, *news.updated[index])}</p>")


def shared_sources_html(sources: FolderSources, library: Library, story: Story, event: Event) -> str:
    """Each source of ``event`` that other stories cite too: "also cited by 2 other stories", linked by headline."""
    rows = []
    for number in dict.fromkeys(event.citations):
        others = sources.other_stories(story.file, number)
        if not others:
            continue
        links = []
        for file in others[:MAX_OTHER_STORIES]:
            other = library.story(file)
            title = other.title if other is not None else file
            href = html.escape(f"{_ALSO_SCHEME}:{number}/{quote(file, safe='')}")
            links.append(f"<a href='{href}'>{html.escape(one_line(title, 160))}</a>")
        more = len(others) - MAX_OTHER_STORIES
        rest = f" and {more} more (View → All Sources lists them)" if more > 0 else ""
        count = f"{len(others)} other {'story' if len(others) == 1 else 'stories'}"
        rows.append(f"<li>{_citation_link(number)} also cited by {count}: {' · '.join(links)}{rest}</li>")
    if not rows:
        return ""
    return (f"<p style='margin-bottom:2px'><b>Shared with other stories</b></p>"
            f"<ul style='margin-top:0'>{''.join(rows)}</ul>")
