"""Flow 3: a monthly report in PDF and XLSX, downloaded through the page."""

from __future__ import annotations

import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from pages.app import sign_in
from pages.workflows import NewOperationForm
from support.server import Account

# Report generation (ledger extract, charts, PDF) takes a few seconds; on a loaded machine more.
REPORT_TIMEOUT_MS = 90_000


def test_monthly_report_pdf_and_xlsx_download_through_the_page(
    page: Page, user: Account, tmp_path: Path
) -> None:
    sign_in(page, user)
    form = NewOperationForm.open_from_catalogue(page, "Monthly financial report")
    form.fill({"Month": "6"})
    expect(form.form.get_by_role("slider", name="Year")).to_have_attribute("aria-valuenow", "2025")
    form.choose("Formats", "xlsx")  # PDF is preselected
    op = form.start()

    expect(op.status).to_have_text("completed", timeout=REPORT_TIMEOUT_MS)
    op.expect_stage_states({s: "done" for s in ("extract", "validate", "calculate", "render", "package")})
    pdf_button = op.download_button("report-2025-06.pdf")
    expect(pdf_button).to_be_visible()
    expect(op.download_button("report-2025-06.xlsx")).to_be_visible()
    expect(op.download_button("report-2025-06.csv")).to_have_count(0)

    with page.expect_download() as pdf_download:
        pdf_button.click()
    assert pdf_download.value.suggested_filename == "report-2025-06.pdf"
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    assert "Monthly financial report 2025-06" in text, text[:500]

    with page.expect_download() as xlsx_download:
        op.download_button("report-2025-06.xlsx").click()
    xlsx = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(xlsx)
    with zipfile.ZipFile(xlsx) as workbook:  # an OOXML workbook is a zip with a workbook part
        assert "xl/workbook.xml" in workbook.namelist()
