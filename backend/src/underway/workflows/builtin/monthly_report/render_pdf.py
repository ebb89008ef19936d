"""The PDF document: key figures, rejections, per-category/account/currency tables, daily table
and, when asked, charts drawn with ``reportlab.graphics``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from underway.workflows.builtin.monthly_report.calculation import MonthlyFigures, Totals
from underway.workflows.builtin.monthly_report.formatting import category_label, money, whole_units
from underway.workflows.builtin.monthly_report.validation import (
    Rejection,
    ValidationOutcome,
    percent,
)

CREDIT_COLOR = colors.HexColor("#2E7D32")
DEBIT_COLOR = colors.HexColor("#C62828")
NET_COLOR = colors.HexColor("#1565C0")
HEADER_BG = colors.HexColor("#DDE4EE")
CHART_W, CHART_H = 170 * mm, 80 * mm
_STYLES = getSampleStyleSheet()


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], *, total_row: bool = False) -> Table:
    """A header row, numbers right-aligned, an optional bold total as the last row."""
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.grey),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F6F8FB")]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row:
        style += [
            ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.grey),
        ]
    table.setStyle(TableStyle(style))
    return table


def _totals_table(first: str, groups: dict[str, Totals], total: Totals | None, cur: str) -> Table:
    rows = [[first, "Transactions", f"Credits ({cur})", f"Debits ({cur})", f"Net ({cur})"]]
    items = list(groups.items()) + ([("Total", total)] if total is not None else [])
    rows += [[name, f"{t.count:,}", money(t.credits), money(t.debits), money(t.net)] for name, t in items]
    return _table(rows, [45 * mm, 25 * mm, 33 * mm, 33 * mm, 33 * mm], total_row=total is not None)


def _key_figures(figures: MonthlyFigures, outcome: ValidationOutcome) -> Table:
    cur, t = figures.currency, figures.totals
    rows = [
        ["Key figure", "Value"],
        ["Rows in the month", f"{outcome.total:,}"],
        ["Valid transactions", f"{len(outcome.valid):,}"],
        ["Rejected rows", f"{outcome.rejected_total:,}"],
        ["Quality (valid share)", percent(outcome.ratio)],
        [f"Credits ({cur})", money(t.credits)],
        [f"Debits ({cur})", money(t.debits)],
        [f"Net ({cur})", money(t.net)],
    ]
    return _table(rows, [60 * mm, 45 * mm], total_row=True)


def _axis_label(value: float) -> str:
    # Tick positions come from reportlab as floats; they label an axis, they are not amounts.
    return f"{int(value):,}"


def _legend(drawing: Drawing, items: Sequence[tuple[colors.Color, str]], x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = int(x), int(y)
    legend.colorNamePairs = list(items)
    legend.fontSize = 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    drawing.add(legend)


def _category_chart(figures: MonthlyFigures) -> Drawing:
    """Horizontal bars of each category's volume, largest first, coloured income or expense.

    A category is either income or expense, so one bar per category (not a credit/debit pair
    with one empty bar) keeps the chart readable."""
    groups = sorted(figures.by_category.items(), key=lambda kv: kv[1].credits + kv[1].debits)
    height = CHART_H
    drawing = Drawing(CHART_W, height)
    title = f"Volume by category ({figures.currency})"
    drawing.add(String(0, height - 10, title, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 85, 20, int(CHART_W) - 100, int(height) - 50
    chart.data = [[whole_units(t.credits + t.debits) for _, t in groups]]
    chart.categoryAxis.categoryNames = [category_label(name) for name, _ in groups]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_label
    chart.barWidth = 6
    for i, (_, t) in enumerate(groups):
        chart.bars[(0, i)].fillColor = CREDIT_COLOR if t.credits >= t.debits else DEBIT_COLOR
    drawing.add(chart)
    items = [(CREDIT_COLOR, "Income"), (DEBIT_COLOR, "Expense")]
    _legend(drawing, items, int(CHART_W) - 150, int(height) - 5)
    return drawing


def _daily_chart(figures: MonthlyFigures) -> Drawing:
    drawing = Drawing(CHART_W, CHART_H)
    drawing.add(String(0, CHART_H - 10, f"Daily credits, debits and net ({figures.currency})", fontSize=10))
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 45, 25, int(CHART_W) - 60, int(CHART_H) - 60
    days = list(figures.daily.values())
    chart.data = [
        [whole_units(t.credits) for t in days],
        [whole_units(t.debits) for t in days],
        [whole_units(t.net) for t in days],
    ]
    chart.categoryAxis.categoryNames = [str(d.day) for d in figures.daily]
    chart.categoryAxis.labelAxisMode = "low"  # day numbers below the plot, even when net < 0
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _axis_label
    for i, color in enumerate((CREDIT_COLOR, DEBIT_COLOR, NET_COLOR)):
        chart.lines[i].strokeColor = color
        chart.lines[i].strokeWidth = 1.2
    drawing.add(chart)
    items = [(CREDIT_COLOR, "Credits"), (DEBIT_COLOR, "Debits"), (NET_COLOR, "Net")]
    _legend(drawing, items, CHART_W - 220, CHART_H - 5)
    return drawing


def _rejections(outcome: ValidationOutcome) -> list[Flowable]:
    reasons = outcome.rejected_by_reason()
    if not reasons:
        return [Paragraph("No row was rejected.", _STYLES["BodyText"])]
    rows = [["Rejection reason", "Rows"]] + [[Rejection(r).label, f"{n:,}"] for r, n in reasons.items()]
    return [_table(rows, [60 * mm, 25 * mm])]


def _section(title: str, *flowables: Flowable) -> KeepTogether:
    """A heading with its table (or chart): never split over a page break."""
    return KeepTogether([Paragraph(title, _STYLES["Heading2"]), *flowables])


def _story(figures: MonthlyFigures, outcome: ValidationOutcome, include_charts: bool) -> list[Flowable]:
    cur = figures.currency
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    categories = {category_label(k): v for k, v in figures.by_category.items()}
    story: list[Flowable] = [
        Paragraph(f"Monthly financial report: {figures.period_label}", _STYLES["Title"]),
        Paragraph(
            f"All amounts in {cur}, converted per transaction at fixed rates and rounded to "
            f"the cent. Generated {generated}.",
            _STYLES["BodyText"],
        ),
        Spacer(1, 4 * mm),
        _section("Key figures", _key_figures(figures, outcome)),
        _section("By category", _totals_table("Category", categories, figures.totals, cur)),
    ]
    if include_charts:
        story += [Spacer(1, 4 * mm), _category_chart(figures)]
    story += [
        _section("By account", _totals_table("Account", figures.by_account, figures.totals, cur)),
        _section(
            "By original currency (amounts not converted)",
            _totals_table("Currency", figures.by_currency, None, "orig."),
        ),
        _section("Rejected rows", *_rejections(outcome)),
    ]
    daily_chart = [_daily_chart(figures), Spacer(1, 4 * mm)] if include_charts else []
    story.append(_section("Daily activity", *daily_chart))
    daily = {d.isoformat(): t for d, t in figures.daily.items()}
    story.append(_totals_table("Date", daily, figures.totals, cur))
    return story


def write_pdf(
    path: Path, figures: MonthlyFigures, outcome: ValidationOutcome, *, include_charts: bool
) -> None:
    """Blocking: run it via ``ctx.run_sync``."""
    title = f"Monthly financial report {figures.period}"

    def footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(18 * mm, 10 * mm, title)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=title,
        author="Underway",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
    )
    doc.build(_story(figures, outcome, include_charts), onFirstPage=footer, onLaterPages=footer)
