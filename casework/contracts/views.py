from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework.audit.services import audit_record
from casework.contracts import jobs, reporting, results, rules, selectors, services, tables
from casework.contracts.forms import (
    ConfirmForm,
    ContractChangeForm,
    ContractLetForm,
    ContractRenewForm,
    MeasureForm,
    RecalculateForm,
)
from casework.core import access, downloads
from casework.core.views import form_action, form_page, run_service


def contract_list(request):
    access.require(request.user, "contract.view")
    return render(
        request,
        "contracts/contract_list.html",
        {
            "contracts": selectors.contracts(actor=request.user),
            "can_manage": access.can(request.user, "contract.manage"),
        },
    )


def contract_detail(request, contract_id):
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "years": list(contract.years.all()),
            "history": selectors.contract_change_history(contract=contract),
            "can_manage": access.can(request.user, "contract.manage"),
        },
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
    download = request.GET.get("format")
    printing = bool(request.GET.get("print"))
    job = None
    today = timezone.localdate()
    if year.start_date > today and not (download in ("csv", "xlsx") or printing):
        # nothing has happened under a year that has not started: no figures, and nothing to work out
        report = None
    elif download in ("csv", "xlsx") or printing:
        # a file or a printout needs every figure now: what is not stored yet is worked out here
        report = reporting.contract_report(contract=contract, year=year, quarter=quarter, actor=request.user)
    else:
        # the page works nothing out: what is missing or out of date is a job, its progress shown here
        report = results.report(contract=contract, year=year, quarter=quarter, actor=request.user, compute=False)
        if report is None or report.pending:
            job = jobs.report_job(actor=request.user, contract=contract, year=year, quarter=quarter or 0)
    if download in ("csv", "xlsx"):
        suffix = f"-q{quarter}" if quarter else ""
        rows = reporting.export_rows(report)
        return _download(request, contract, year, download, reporting.EXPORT_COLUMNS, rows, "Outcomes", suffix)
    template = "contracts/report_print.html" if printing else "contracts/report.html"
    context = {"contract": contract, "years": years, "year": year, "quarter": quarter, "report": report, "job": job}
    context["today"] = today
    context["can_recalculate"] = (
        access.can(request.user, "contract.manage")
        and request.user.organisation_id == contract.commissioner_id
        and report is not None
        and report.result.settled
    )
    return render(request, template, context)


def contract_payments_page(request, contract_id):
    """The payment statement for a year: the contract price, each measure with payment terms, what
    it earned and why, and the total (provisional while the year runs); downloads as CSV or XLSX."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    years, year = _year(contract, request)
    if year is None:
        raise Http404("The contract has no contract years")
    statement = reporting.payment_statement(
        contract=contract, year=year, today=timezone.localdate(), actor=request.user
    )
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        rows = reporting.statement_rows(statement)
        return _download(request, contract, year, download, reporting.STATEMENT_COLUMNS, rows, "Payments", "-payments")
    return render(
        request,
        "contracts/payments.html",
        {"contract": contract, "years": years, "year": year, "statement": statement, "report": statement.report},
    )


def contract_year_recalculate(request, contract_id, contract_year_id):
    """Work a settled contract year's figures out again from today's records (the commissioner, after
    confirming): the earlier figures are kept and the report says what changed."""
    contract = _managed(request, contract_id)
    year = selectors.contract_year_get(contract=contract, contract_year_id=contract_year_id)
    form = RecalculateForm(request.POST or None, initial={"quarter": str(_quarter(request) or 0)})
    back = reverse("contract_report", args=[contract.pk]) + f"?year={year.pk}"

    def done():
        chosen = form.cleaned_data["quarter"]
        return redirect(back + (f"&quarter={chosen}" if chosen != "0" else ""))

    def said(result) -> str:
        changed = result.changed
        if not changed:
            return "Figures recalculated: nothing changed"
        return f"Figures recalculated: figures changed for {len(changed)} measure{'s' if len(changed) != 1 else ''}"

    return form_action(
        request,
        form,
        lambda: services.contract_year_recalculate(
            actor=request.user, contract=contract, contract_year=year, quarter=int(form.cleaned_data["quarter"])
        ),
        done=done,
        success=said,
        title="Recalculate settled figures",
        caption=f"{contract.reference}, contract year {year.start_date:%-d %b %Y} to {year.end_date:%-d %b %Y}",
        intro=(
            "These figures were settled when the year ended: they are what the contract was monitored and paid "
            "against. Recalculating works them out again from the records as they are now. The settled figures "
            "are kept, and the report shows both and which measures changed."
        ),
        back_url=back,
    )


def _download(request, contract, year, download: str, columns, rows, title: str, suffix: str) -> HttpResponse:
    """A table of the contract's as a CSV or XLSX file, audited in the export's own transaction."""
    with transaction.atomic():
        audit_record(
            actor=request.user, action="export", obj=contract, year=str(year.start_date), format=download, table=title
        )
    name = f"{contract.reference}-{year.start_date:%Y}{suffix}"
    if download == "csv":
        response = HttpResponse(tables.csv_text(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            tables.xlsx_bytes(columns, rows, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return downloads.attachment(response, f"{name}.{download}")


def contract_children_page(request, contract_id):
    """The per-child outcome matrix for a contract year."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    years, year = _year(contract, request)
    if year is None:
        raise Http404("The contract has no contract years")
    indicators, rows = reporting.outcome_matrix(contract=contract, year=year)
    # names for the practice's own staff; the authority sees its own child identifiers
    show_names = request.user.organisation_id == contract.practice_id
    # a child the practice restricted from this user: the name only (never the authority's)
    restricted = set(access.restricted_people(request.user).values_list("person_id", flat=True))
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        columns, table = reporting.matrix_table(indicators, rows, show_names=show_names, restricted=restricted)
        return _download(request, contract, year, download, columns, table, "Outcomes per child", "-children")
    return render(
        request,
        "contracts/matrix.html",
        {
            "contract": contract,
            "years": years,
            "year": year,
            "indicators": indicators,
            "rows": rows,
            "show_names": show_names,
            "restricted": restricted,
        },
    )


# Letting, changing and renewing contracts and choosing each year's measures: the commissioner's
# pages (the practice sees the results on the contract's page, read only).


def contract_let(request):
    access.require(request.user, "contract.manage")
    form = ContractLetForm(request.POST or None, practices=selectors.practices_we_commission(actor=request.user))
    if request.method == "POST" and form.is_valid():
        contract = run_service(form, lambda: services.contract_let(actor=request.user, **form.cleaned_data))
        if contract is not None:
            messages.success(request, f"Contract {contract.reference} let")
            return redirect("contract_detail", contract_id=contract.pk)
    return form_page(
        request,
        form,
        title="Let a contract",
        intro="The contract and its first contract year's terms; the year's outcome measures are chosen next.",
        back_url=reverse("contract_list"),
    )


def _managed(request, contract_id):
    """A contract the user may change: 404 outside their scope, 403 for the practice's managers."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.manage")
    return contract


def contract_change(request, contract_id):
    contract = _managed(request, contract_id)
    initial = {f: getattr(contract, f) for f in ("title", "functions", "cohort", "end_date", "version")}
    form = ContractChangeForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda: services.contract_update(actor=request.user, contract=contract, **form.cleaned_data),
        done=lambda: redirect("contract_detail", contract_id=contract.pk),
        success="Contract changed",
        title="Change the contract",
        caption=str(contract),
        intro="The change history on the contract's page keeps what it said before.",
        back_url=reverse("contract_detail", args=[contract.pk]),
    )


def contract_renew(request, contract_id):
    contract = _managed(request, contract_id)
    last = contract.years.order_by("-start_date").first()
    # None when there is no year, or the last runs to the latest date a contract may hold
    dates = rules.renewal_dates(last.end_date) if last is not None else None
    initial = {}
    if dates is not None:
        initial = {
            "end_date": dates[1],
            "price_model": last.price_model,
            "price": last.price,
            "caseload_cap_per_fte": last.caseload_cap_per_fte,
            "carry_measures": True,
        }
    form = ContractRenewForm(request.POST or None, initial=initial)
    return form_action(
        request,
        form,
        lambda: services.contract_renew(actor=request.user, contract=contract, **form.cleaned_data),
        done=lambda: redirect("contract_detail", contract_id=contract.pk),
        success=lambda year: f"Contract renewed: a new contract year to {year.end_date:%-d %B %Y}",
        title="Renew for another contract year",
        caption=str(contract),
        intro=(
            f"The new year starts on {dates[0]:%-d %B %Y}, the day after the current one ends, with its own terms."
            if dates
            else ""
        ),
        back_url=reverse("contract_detail", args=[contract.pk]),
    )


def contract_measures(request, contract_id, contract_year_id):
    """A contract year's outcome measures with their targets and payment terms (both parties see
    them; the commissioner changes them while the year runs)."""
    contract = selectors.contract_get(actor=request.user, contract_id=contract_id)
    access.require(request.user, "contract.view")
    year = selectors.contract_year_get(contract=contract, contract_year_id=contract_year_id)
    from casework.outcomes.indicators import INDICATORS

    measures = [(m, INDICATORS.get(m.indicator)) for m in year.measures.order_by("pk")]
    return render(
        request,
        "contracts/measures.html",
        {
            "contract": contract,
            "year": year,
            "measures": measures,
            "can_change": access.can(request.user, "contract.manage") and year.end_date >= timezone.localdate(),
        },
    )


def contract_measure_add(request, contract_id, contract_year_id):
    contract = _managed(request, contract_id)
    year = selectors.contract_year_get(contract=contract, contract_year_id=contract_year_id)
    form = MeasureForm(request.POST or None)
    return _measure_form(request, form, contract, year, title="Add an outcome measure", adding=True)


def contract_measure_change(request, contract_id, contract_measure_id):
    contract = _managed(request, contract_id)
    measure = selectors.contract_measure_get(contract=contract, contract_measure_id=contract_measure_id)
    initial = {
        f: getattr(measure, f)
        for f in (
            "indicator",
            "age_band",
            "target",
            "payment_rule",
            "payment_basis",
            "amount_at_stake",
            "floor",
            "version",
        )
    }
    form = MeasureForm(request.POST or None, initial=initial, fixed_indicator=True)
    return _measure_form(request, form, contract, measure.contract_year, title="Change an outcome measure")


def _measure_form(request, form, contract, year, *, title, adding=False):
    back = reverse("contract_measures", args=[contract.pk, year.pk])
    return form_action(
        request,
        form,
        lambda: services.contract_measure_set(
            actor=request.user, contract_year=year, adding=adding, **form.cleaned_data
        ),
        done=lambda: redirect(back),
        success="Outcome measure added" if adding else "Outcome measure changed",
        title=title,
        caption=f"{contract.reference}, contract year {year.start_date:%-d %b %Y} to {year.end_date:%-d %b %Y}",
        intro=f"The year's caseload cap is {year.caseload_cap_per_fte} cases per full-time worker.",
        back_url=back,
    )


def contract_measure_remove(request, contract_id, contract_measure_id):
    contract = _managed(request, contract_id)
    measure = selectors.contract_measure_get(contract=contract, contract_measure_id=contract_measure_id)
    year = measure.contract_year
    back = reverse("contract_measures", args=[contract.pk, year.pk])
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    from casework.outcomes.indicators import INDICATORS

    indicator = INDICATORS.get(measure.indicator)
    return form_action(
        request,
        form,
        lambda: services.contract_measure_remove(actor=request.user, measure=measure) or True,
        done=lambda: redirect(back),
        success=f"Outcome measure removed: {indicator.title if indicator else measure.indicator}",
        title="Remove the outcome measure",
        caption=indicator.title if indicator else measure.indicator,
        intro="The measure leaves this contract year's report and payment statement.",
        back_url=back,
    )
