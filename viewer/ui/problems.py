"""The problems table: every file, line, severity and message the parser reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QAbstractItemView, QDialog, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from viewer.core.colours import readable_on
from viewer.model import Problem, Severity
from viewer.ui.table_model import FlatTableModel
from viewer.ui.text import SHOWN_CHARS, one_line, plain_tooltip

if TYPE_CHECKING:
    from PySide6.QtCore import QObject


_ERROR_COLOUR = QColor("#B00020")
_WARNING_COLOUR = QColor("#8A5A00")


class ProblemsModel(FlatTableModel):
    """Rows: problems. Columns: file, line, severity, message."""

    COLUMNS = ("File", "Line", "Severity", "Message")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: tuple[Problem, ...] = ()

    def set_problems(self, problems: tuple[Problem, ...]) -> None:
        """Show another list of problems."""
        self.beginResetModel()
        self._problems = problems
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        """The problem shown in ``row``."""
        return self._problems[row]

    def row_count(self) -> int:
        """One row per problem."""
        return len(self._problems)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> str | int | QColor | None:
        """Cells; the line sorts as a number (``EditRole``)."""
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        p = self._problems[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = (p.file, "" if p.line is None else str(p.line), p.severity.value, p.message)[column]
            # File names and messages quoting a line come from the folder: shown as story text is.
            return one_line(text, SHOWN_CHARS) if role == Qt.ItemDataRole.DisplayRole else plain_tooltip(text)
        if role == Qt.ItemDataRole.EditRole:
            return (p.file, p.line or 0, p.severity.value, p.message)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            colour = _ERROR_COLOUR if p.severity is Severity.ERROR else _WARNING_COLOUR
            # Lightened on a dark background: a dark red is unreadable on near-black
            # (5:1, a little above AA's 4.5:1, for the glyphs' antialiased edges).
            base = QGuiApplication.palette().color(QPalette.ColorRole.Base).name()
            return QColor(readable_on(colour.name(), base, 5.0))
        return None


class ProblemsDialog(QDialog):
    """A non-modal window listing problems; double-click a row to go to it.

    Signals:
        problem_activated(object): the ``Problem`` the user double-clicked.
    """

    problem_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsDialog")
        self.setWindowTitle("Problems")
        self.resize(900, 420)
        self.model = ProblemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # Rows come in file and line order. Sorting starts only when the user
        # clicks a column: re-sorting 40,000 problems on every reload calls
        # back into Python a million times.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setResizeContentsPrecision(200)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        # activated: a double-click or Enter, as the platform defines them (once each).
        self.table.activated.connect(self._on_double_clicked)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def set_problems(self, problems: tuple[Problem, ...]) -> None:
        """Show the problems of the folder on screen."""
        self.model.set_problems(problems)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        self.summary.setText(
            f"{_count(len(problems), 'problem')} ({_count(errors, 'error')}, "
            f"{_count(len(problems) - errors, 'warning')}). "
            "Double-click a row to show that story or event."
        )
        self.table.resizeColumnsToContents()

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.problem_activated.emit(self.model.problem(self.proxy.mapToSource(index).row()))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
