import csv
import io

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casework.audit.services import audit_record
from casework.contracts import reporting, selectors
from casework.core import access


def contract_list(request):
    access.require(request.user, "contract.view")
    return render(request, "contracts/contract_list.html", {"contracts": selectors.contracts(actor=request.user)})


def contract_detail(request, contract_id):
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    return render(
        request, "contracts/contract_detail.html", {"contract": contract, "years": list(contract.years.all())}
    )


def _year(contract, request):
    years = list(contract.years.order_by("-start_date"))
    chosen = request.GET.get("year")
    today = timezone.localdate()
    current = next((y for y in years if y.start_date <= today <= y.end_date), years[-1] if years else None)
    year = next((y for y in years if str(y.pk) == chosen), current)
    return years, year


def _quarter(request) -> int | None:
    value = request.GET.get("quarter", "")
    return int(value) if value in ("1", "2", "3", "4") else None


def contract_report_page(request, contract_id):
    """Each measure the year selects: value, numerator and denominator, 95% interval, target, RAG,
    national benchmark, payment earned and the trend; downloads as CSV or XLSX; a printable page."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    years, year = _year(contract, request)
    if year is None:
        raise Http404("The contract has no contract years")
    quarter = _quarter(request)
    report = reporting.contract_report(contract=contract, year=year, quarter=quarter)
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        with transaction.atomic():
            audit_record(actor=request.user, action="export", obj=contract, year=str(year.start_date), format=download)
        suffix = f"-q{quarter}" if quarter else ""
        name = f"{contract.reference}-{year.start_date:%Y}{suffix}"
        return _csv(report, name) if download == "csv" else _xlsx(report, name)
    template = "contracts/report_print.html" if request.GET.get("print") else "contracts/report.html"
    return render(
        request, template, {"contract": contract, "years": years, "year": year, "quarter": quarter, "report": report}
    )


def contract_payments_page(request, contract_id):
    """The payment statement for a year: each measure with payment terms, what it earned and why."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    years, year = _year(contract, request)
    if year is None:
        raise Http404("The contract has no contract years")
    report = reporting.contract_report(contract=contract, year=year)
    paid = [r for r in report.rows if r.measure.payment_rule]
    return render(
        request,
        "contracts/payments.html",
        {"contract": contract, "years": years, "year": year, "report": report, "paid": paid},
    )


def _csv(report, name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(reporting.EXPORT_COLUMNS)
    writer.writerows(reporting.export_rows(report))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(report, name: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Outcomes"
    sheet.append(reporting.EXPORT_COLUMNS)
    for row in reporting.export_rows(report):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def contract_children_page(request, contract_id):
    """The per-child outcome matrix for a contract year."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    years, year = _year(contract, request)
    if year is None:
        raise Http404("The contract has no contract years")
    indicators, rows = reporting.outcome_matrix(contract=contract, year=year)
    return render(
        request,
        "contracts/matrix.html",
        {
            "contract": contract,
            "years": years,
            "year": year,
            "indicators": indicators,
            "rows": rows,
            # names for the practice's own staff; the authority sees its own child identifiers
            "show_names": request.user.organisation_id == contract.practice_id,
        },
    )
