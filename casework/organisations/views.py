from django.shortcuts import render

from casework.cases import selectors as case_selectors
from casework.core.views import paginate
from casework.registration import selectors as registration_selectors


def commissioner_home(request):
    rows = case_selectors.commissioned_practice_counts(actor=request.user)
    return render(request, "organisations/commissioner_home.html", {"rows": rows})


def worker_detail(request, worker_id):
    worker = case_selectors.worker_get(actor=request.user, worker_id=worker_id)
    return render(
        request,
        "organisations/worker_detail.html",
        {
            "worker": worker,
            "caseload": case_selectors.worker_caseload(actor=request.user, worker=worker),
            "allocations": list(case_selectors.worker_allocations(actor=request.user, worker=worker)),
            "registered": paginate(
                request, registration_selectors.practice_list(actor=request.user, worker_id=worker.pk)
            ),
        },
    )
