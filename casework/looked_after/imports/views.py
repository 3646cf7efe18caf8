"""The import pages (practice and team managers): upload and check, the preview to confirm, the
result to reverse. Each calls one service or selector (``batches.py``, ``selectors.py``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.core import access
from casework.jobs import selectors as job_selectors
from casework.jobs import services as job_services
from casework.looked_after.imports import batches, selectors
from casework.looked_after.imports.forms import ConfirmImportForm, ReturnImportForm, ReverseImportForm
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.imports.writing import year_in_words
from casework.organisations import selectors as org_selectors


def _may_import(user) -> None:
    access.require(user, "looked_after.return_check")
    access.require(user, "case.manage")


def return_import(request):
    """Upload an authority's files: the form checks their size here, then a background job reads,
    checks and matches them (looked_after/jobs.py: import_check; all or nothing, every problem
    listed with file, row, column and reason) and leads to the preview to confirm."""
    _may_import(request.user)
    form = ReturnImportForm(
        request.POST or None, request.FILES or None, commissioners=org_selectors.our_commissioners(actor=request.user)
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        years = {year: {f.name: f.read() for f in form.cleaned_data["files"]}}
        if form.cleaned_data["earlier_files"]:
            years[year - 1] = {f.name: f.read() for f in form.cleaned_data["earlier_files"]}
        job = job_services.job_start(
            actor=request.user,
            kind="903_import",
            parameters={"commissioner_id": form.cleaned_data["commissioner"].pk, "year": year},
            # the files themselves wait on the job (deleted when it ends), never in its parameters
            upload=batches.pack(dict(sorted(years.items()))),
        )
        return redirect("job_detail", job_id=job.pk)
    return _import_page(request, form)


def _import_page(request, form, *, problems=(), total=0):
    return render(
        request,
        "looked_after/return_import.html",
        {
            "form": form,
            "problems": problems,
            "total": total,
            "batches": selectors.import_batch_list(actor=request.user),
            "to_complete": selectors.details_to_complete(actor=request.user),
            "recent_jobs": job_selectors.recent_jobs(actor=request.user, kind="903_import", limit=5),
        },
    )


def _address(action: str, batch: ImportBatch) -> str:
    return reverse(f"return_903_import_{action}", args=[batch.pk])


def _batch_page(request, batch: ImportBatch, *, confirm_form=None, reverse_form=None, problems=(), total=0):
    return render(
        request,
        "looked_after/import_batch.html",
        {
            "batch": batch,
            "confirm_form": confirm_form or ConfirmImportForm(action=_address("confirm", batch)),
            "reverse_form": reverse_form or ReverseImportForm(action=_address("reverse", batch)),
            "created": [c for c in batch.preview.get("children", []) if c["how"] == "new"],
            "matched": [c for c in batch.preview.get("children", []) if c["how"] != "new"],
            "year_lines": [
                year_in_words(year, done=batch.state != ImportBatch.State.PREVIEWED)
                for year in batch.preview.get("years", [])
            ],
            "problems": problems,
            "total": total,
            "no_children": batches.NO_CHILDREN,
        },
    )


def import_batch(request, import_batch_id: int):
    batch = selectors.import_batch_get(actor=request.user, import_batch_id=import_batch_id)
    _may_import(request.user)
    return _batch_page(request, batch)


def import_batch_confirm(request, import_batch_id: int):
    """Confirming writes every child, episode and allocation: the slower half of an import (about
    twice the check: docs/benchmarks.md), so it runs as a background job too (looked_after/jobs.py:
    import_write), whose page leads back to the batch with what was written."""
    batch = selectors.import_batch_get(actor=request.user, import_batch_id=import_batch_id)
    if request.method != "POST":
        return import_batch(request, import_batch_id)
    _may_import(request.user)
    job = job_services.job_start(
        actor=request.user, kind="903_import_confirm", parameters={"import_batch_id": batch.pk}
    )
    return redirect("job_detail", job_id=job.pk)


def import_batch_reverse(request, import_batch_id: int):
    """Reversing removes records, so the batch page's button leads here first: "Reverse this import?"
    with what it removes, and only this page's button posts."""
    batch = selectors.import_batch_get(actor=request.user, import_batch_id=import_batch_id)
    if request.method != "POST":
        _may_import(request.user)
        if batch.state != ImportBatch.State.CONFIRMED:  # nothing to reverse: the batch as it is
            return _batch_page(request, batch)
        return render(
            request,
            "looked_after/import_reverse.html",
            {
                "batch": batch,
                "form": ReverseImportForm(action=_address("reverse", batch)),
                "counts": batches.reversal_counts(batch),
                "back_url": _address("batch", batch),
            },
        )
    form = ReverseImportForm(request.POST, action=_address("reverse", batch))
    try:
        batch = batches.import_reverse(actor=request.user, batch=batch)
    except ValidationError as refused:
        form.is_valid()
        form.add_service_error(refused)
        return _batch_page(request, batch, reverse_form=form)
    messages.success(
        request, "The import was reversed: what it created was removed and what it changed was put back as it was"
    )
    return redirect("return_903_import_batch", import_batch_id=batch.pk)
