"""The 903 work that runs as background jobs (casework/jobs/): the manager's return check, the
import's upload-and-check step, and the commissioner's download. Each runs as the requester, through
the same selectors the pages use, so the children it reads are the requester's scope."""

from dataclasses import asdict

from django.urls import reverse
from django.utils import timezone

from casework.jobs import kinds
from casework.looked_after import selectors
from casework.looked_after.validation import ValidatorUnavailable
from casework.organisations import selectors as org_selectors


def _our_commissioner(actor, commissioner_id: int):
    commissioner = org_selectors.our_commissioners(actor=actor).filter(pk=commissioner_id).first()
    if commissioner is None:
        raise kinds.JobFailed("The practice no longer works for this local authority, so nothing was done.")
    return commissioner


def _check_result(job, actor) -> dict:
    from casework.looked_after.views import return_check_result

    return return_check_result(job, actor)


@kinds.register(
    "903_check",
    title="Check the 903 return",
    capabilities=("looked_after.return_check",),
    result_template="looked_after/_return_check_result.html",
    result_context=_check_result,
    start_again="return_903_check",
)
def check_return(context: kinds.Context) -> dict:
    from casework.looked_after.views import validate_return

    year = int(context.parameters["year"])
    commissioner = _our_commissioner(context.actor, context.parameters["commissioner_id"])
    context.progress("Finding the practice's children for this authority", 2)
    children = selectors.practice_return_children(actor=context.actor, commissioner=commissioner)
    try:
        result = validate_return(children, commissioner.ons_code, year, progress=context.progress)
    except ValidatorUnavailable as error:
        raise kinds.JobFailed(f"The DfE validator could not run: {error}") from error
    # child identifiers and rule codes only: names are looked up again, in scope, when shown
    return {"validation": asdict(result), "checked_on": timezone.localdate().isoformat()}


@kinds.register(
    "903_download",
    title="The authority's 903 return (zip)",
    capabilities=("looked_after.return_download",),
    result_template="looked_after/_return_download_result.html",
    start_again="return_903_download",
)
def download_return(context: kinds.Context) -> dict:
    from casework.looked_after.views import return_zip

    year = int(context.parameters["year"])
    data, name, counts = return_zip(actor=context.actor, year=year, progress=context.progress)
    context.attach(data, name=name, content_type="application/zip")
    ons = context.actor.organisation.ons_code
    # taking the file is the export the audit log records (jobs/views.py: job_file)
    return {"export": {"object_type": "ssda903", "object_id": f"{ons}/{year}", "detail": counts}, "rows": counts}


def _preview_address(job) -> str:
    batch_id = (job.result or {}).get("batch_id")
    return reverse("return_903_import_batch", args=[batch_id]) if batch_id else ""


def _import_problems(job, actor) -> dict:
    return {"problems": job.result.get("problems", []), "total": job.result.get("total", 0)}


@kinds.register(
    "903_import",
    title="Check an authority's 903 files",
    capabilities=("looked_after.return_check", "case.manage"),
    result_template="looked_after/_return_import_result.html",
    result_context=_import_problems,
    start_again="return_903_import",
    done_url=_preview_address,
    done_message="The files were read and checked: nothing is imported until you confirm below",
)
def import_check(context: kinds.Context) -> dict:
    from casework.looked_after.imports import ReturnImportError, batches

    commissioner = _our_commissioner(context.actor, context.parameters["commissioner_id"])
    upload = context.upload
    if upload is None:
        raise kinds.JobFailed("The files are no longer kept. Upload them again.")
    context.progress("Reading, checking and matching the files", 10)
    try:
        batch = batches.import_preview(actor=context.actor, commissioner=commissioner, years=batches.unpack(upload))
    except ReturnImportError as refused:
        # every problem with file, row, column and reason, shown to the requester alone
        return {"problems": [asdict(p) for p in refused.problems], "total": refused.total}
    except ValueError as refused:
        raise kinds.JobFailed(str(refused)) from refused
    return {"batch_id": batch.pk}


def _imported(job) -> str:
    if job.result.get("already"):
        return "This import had been confirmed already: nothing more was written"
    children = job.result["children"]
    return f"Imported {children} child{'ren' if children != 1 else ''} from {job.result['authority']}'s 903 files"


@kinds.register(
    "903_import_confirm",
    title="Import an authority's 903 files",
    capabilities=("looked_after.return_check", "case.manage"),
    result_template="looked_after/_return_import_result.html",
    result_context=_import_problems,
    start_again="return_903_import",
    done_url=_preview_address,
    done_message=_imported,
)
def import_write(context: kinds.Context) -> dict:
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from casework.looked_after.imports import ReturnImportError, batches
    from casework.looked_after.imports import selectors as import_selectors
    from casework.looked_after.imports.models import ImportBatch

    try:
        batch = import_selectors.import_batch_get(
            actor=context.actor, import_batch_id=context.parameters["import_batch_id"]
        )
    except Http404 as gone:
        raise kinds.JobFailed("This import is no longer yours to confirm.") from gone
    already = batch.state != ImportBatch.State.PREVIEWED
    context.progress("Writing the children, their episodes and their workers", 10)
    try:
        batch = batches.import_confirm(actor=context.actor, batch=batch)
    except ReturnImportError as refused:
        return {"problems": [asdict(p) for p in refused.problems], "total": refused.total}
    except ValidationError as refused:
        raise kinds.JobFailed(" ".join(refused.messages)) from refused
    return {
        "batch_id": batch.pk,
        "already": already,
        "children": len(batch.preview["children"]),
        "authority": batch.commissioner.name,
    }
