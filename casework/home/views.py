"""The home page ("/"): each role lands where its work is.

Practitioners on their caseload, team and practice managers on the manager's home, commissioner
officers on the practices they commission, auditors on the audit log, system administrators on
the admin, evaluators on a page saying what they can do today."""

from django.shortcuts import redirect, render

from casework.accounts.models import Role
from casework.cases.views import my_caseload_page
from casework.core import access
from casework.home import selectors
from casework.organisations.views import commissioner_home


def home(request):
    user = request.user
    if access.can(user, "caseload.team"):
        return manager_home(request)
    if access.can(user, "caseload.own"):
        return my_caseload_page(request)
    if access.can(user, "commissioning.aggregates"):
        return commissioner_home(request)
    if access.can(user, "audit.log"):
        return redirect("audit_log")
    if access.can(user, "admin.site"):
        return redirect("admin:index")
    if user.role == Role.EVALUATOR:
        return render(request, "home/evaluator.html", {"measures": selectors.outcome_measures()})
    return render(request, "no_records.html")


def manager_home(request):
    return render(request, "home/manager.html", selectors.manager_home(actor=request.user))
