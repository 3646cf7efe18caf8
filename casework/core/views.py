"""Views shared by every app: the trivial baseline view and form-page plumbing. (Home pages, which
gather several apps, live above them in ``casework/home/``: core imports from no other app.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from casework.core.concurrency import EditConflict

PAGE_SIZE = 25


def form_page(
    request,
    form,
    *,
    title: str,
    caption: str = "",
    back_url: str,
    intro: str = "",
    template: str = "form_page.html",
    extra: dict | None = None,
):
    return render(
        request,
        template,
        {"form": form, "title": title, "caption": caption, "back_url": back_url, "intro": intro, **(extra or {})},
    )


def run_service(form, call):
    """Call a service with a valid form; a refusal goes onto the form. Returns the result or None."""
    try:
        return call()
    except EditConflict as conflict:
        form.add_service_error(conflict)
        # the refused form keeps what the user typed and now carries the current version: saving
        # again overwrites the other change knowingly, having been shown it
        if form.is_bound and "version" in form.fields:
            form.data = form.data.copy()
            form.data["version"] = str(conflict.current_version)
        return None
    except ValidationError as error:
        form.add_service_error(error)
        return None


def form_action(request, form, call, *, done, success, **page):
    """The form page for one service call: on a valid POST call the service, show the GOV.UK success
    banner saying what was done and answer ``done()``; otherwise (a GET, invalid input or a refusal on
    the form) show the page with its error summary. ``success`` is the banner's words, or a function of
    the service's result giving them: required, so no action can forget to say what it did."""
    if request.method == "POST" and form.is_valid():
        result = run_service(form, call)
        if result:
            messages.success(request, success(result) if callable(success) else success)
            return done()
    return form_page(request, form, **page)


def not_a_read(request) -> HttpResponse | None:
    """On a read-only page, once its record has been found (scope answers first: 404 outside it,
    403 for a restricted record), anything but GET or HEAD is refused (405): a POST there changes
    nothing and says so, rather than answering 200."""
    if request.method in ("GET", "HEAD"):
        return None
    return HttpResponseNotAllowed(["GET", "HEAD"])


def paginate(request, items, per_page: int = PAGE_SIZE):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@login_not_required
def healthz(request):
    """A trivial view: the benchmarks' baseline for the cost of Django itself."""
    return HttpResponse("ok", content_type="text/plain")
