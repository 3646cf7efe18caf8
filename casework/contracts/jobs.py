"""The contract report's figures worked out in the background (casework/jobs/): what the report page
finds missing or out of date (this year's figures after the records changed, an ended year never
settled) is computed by the worker, as the requester, while the page shows how far it has got."""

from django.http import Http404
from django.urls import reverse

from casework.jobs import kinds

KIND = "contract_report"


def _report_address(job) -> tuple[str, str]:
    p = job.parameters
    address = f"{reverse('contract_report', args=[p['contract_id']])}?year={p['contract_year_id']}"
    return "View the report", address + (f"&quarter={p['quarter']}" if p.get("quarter") else "")


@kinds.register(
    KIND, title="Work out the contract report's figures", capabilities=("contract.view",), result_link=_report_address
)
def work_out_report(context: kinds.Context) -> dict:
    from casework.contracts import results, selectors

    try:
        contract = selectors.contract_get(actor=context.actor, contract_id=context.parameters["contract_id"])
        year = selectors.contract_year_get(contract=contract, contract_year_id=context.parameters["contract_year_id"])
    except Http404 as missing:
        raise kinds.JobFailed(
            "The contract or its year is no longer yours to see, so nothing was worked out."
        ) from missing
    quarter = int(context.parameters.get("quarter") or 0)
    context.progress("Finding which figures need working out", 2)
    report = results.report(
        contract=contract, year=year, quarter=quarter, actor=context.actor, progress=context.progress
    )
    return {"contract_id": contract.pk, "contract_year_id": year.pk, "quarter": quarter, "result": report.result.pk}


def report_job(*, actor, contract, year, quarter: int):
    """The job working out this report's figures: one already queued or running for the same
    period (whoever started it), else a new one started for the actor."""
    from casework.jobs.models import Job
    from casework.jobs.services import job_start

    parameters = {"contract_id": contract.pk, "contract_year_id": year.pk, "quarter": quarter or 0}
    waiting = (
        Job.objects.filter(kind=KIND, status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
        .filter(**{f"parameters__{k}": v for k, v in parameters.items()})
        .order_by("-pk")
        .first()
    )
    return waiting or job_start(actor=actor, kind=KIND, parameters=parameters)
