"""Every URL. Object ids are named <model>_id: tests/test_access_walk.py relies on it to try each
page with users of other organisations and roles."""

from django.contrib import admin
from django.urls import include, path

from casework.api import urls as api_urls
from casework.api.urls import AnyOtherPath
from casework.audit import views as audit
from casework.cases import views as cases
from casework.config import readiness
from casework.contracts import views as contracts
from casework.core import views as core
from casework.home import views as home
from casework.jobs import views as jobs
from casework.looked_after import views as looked_after
from casework.looked_after.imports import views as looked_after_imports
from casework.organisations import views as organisations
from casework.people import views as people
from casework.registration import views as registration

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", readiness.readyz, name="readyz"),
    path("accounts/", include("casework.accounts.urls")),
    path("people/", people.person_search, name="person_search"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/<int:person_id>/", people.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_id>/restriction/", people.person_restriction, name="person_restriction"),
    path("people/<int:person_id>/restriction/new/", people.person_restrict, name="person_restrict"),
    path(
        "people/<int:person_id>/restriction/named-users/",
        people.person_restriction_named_users,
        name="person_restriction_named_users",
    ),
    path("people/<int:person_id>/restriction/lift/", people.person_restriction_lift, name="person_restriction_lift"),
    path("people/<int:person_id>/who-viewed/", audit.person_who_viewed, name="person_who_viewed"),
    path("audit/who-viewed/", audit.who_viewed_lookup, name="who_viewed_lookup"),
    path("audit/log/", audit.audit_log, name="audit_log"),
    path("people/<int:person_id>/relationships/new/", people.relationship_create, name="relationship_create"),
    path("people/<int:person_id>/register/", registration.person_register, name="person_register"),
    path("people/<int:person_id>/cases/new/", cases.case_open, name="case_open"),
    path("people/<int:person_id>/notes/new/", cases.case_note_add, name="case_note_add"),
    path("notes/<int:note_id>/edit/", cases.case_note_edit, name="case_note_edit"),
    path("cases/<int:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<int:case_id>/allocate/", cases.case_allocate, name="case_allocate"),
    path("cases/<int:case_id>/close/", cases.case_close, name="case_close"),
    path("registrations/<int:registration_id>/end/", registration.registration_end, name="registration_end"),
    path(
        "registrations/<int:registration_id>/transfer/",
        registration.registration_transfer,
        name="registration_transfer",
    ),
    path(
        "registrations/<int:registration_id>/named-worker/",
        registration.registration_named_worker,
        name="registration_named_worker",
    ),
    path("people/<int:person_id>/households/new/", people.household_create, name="household_create"),
    path("households/<int:household_id>/", registration.household_detail, name="household_detail"),
    path("households/<int:household_id>/members/new/", people.household_member_add, name="household_member_add"),
    path("households/<int:household_id>/people/new/", people.household_person_create, name="household_person_create"),
    path("households/<int:household_id>/register/", registration.household_register, name="household_register"),
    path("households/<int:household_id>/transfer/", registration.household_transfer, name="household_transfer"),
    path("practice/list/", registration.practice_list, name="practice_list"),
    path("caseloads/", cases.caseload_overview, name="caseload_overview"),
    path("caseloads/mine/", cases.my_caseload_page, name="my_caseload"),
    path("teams/<int:team_id>/caseload/", cases.team_caseload, name="team_caseload"),
    path("workers/<int:worker_id>/", organisations.worker_detail, name="worker_detail"),
    path("people/<int:person_id>/looked-after/new/", looked_after.child_create, name="looked_after_child_create"),
    path("looked-after/<int:looked_after_child_id>/", looked_after.child_page, name="looked_after_child"),
    *looked_after.recording_urls(),
    path("returns/903/check/", looked_after.return_check, name="return_903_check"),
    path("returns/903/import/", looked_after_imports.return_import, name="return_903_import"),
    path(
        "returns/903/import/<int:import_batch_id>/", looked_after_imports.import_batch, name="return_903_import_batch"
    ),
    path(
        "returns/903/import/<int:import_batch_id>/confirm/",
        looked_after_imports.import_batch_confirm,
        name="return_903_import_confirm",
    ),
    path(
        "returns/903/import/<int:import_batch_id>/reverse/",
        looked_after_imports.import_batch_reverse,
        name="return_903_import_reverse",
    ),
    path("returns/903/", looked_after.return_download, name="return_903_download"),
    # background jobs (casework/jobs/)
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/file/", jobs.job_file, name="job_file"),
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_let, name="contract_let"),
    path("contracts/<int:contract_id>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:contract_id>/change/", contracts.contract_change, name="contract_change"),
    path("contracts/<int:contract_id>/renew/", contracts.contract_renew, name="contract_renew"),
    path(
        "contracts/<int:contract_id>/years/<int:contract_year_id>/measures/",
        contracts.contract_measures,
        name="contract_measures",
    ),
    path(
        "contracts/<int:contract_id>/years/<int:contract_year_id>/measures/add/",
        contracts.contract_measure_add,
        name="contract_measure_add",
    ),
    path(
        "contracts/<int:contract_id>/measures/<int:contract_measure_id>/",
        contracts.contract_measure_change,
        name="contract_measure_change",
    ),
    path(
        "contracts/<int:contract_id>/measures/<int:contract_measure_id>/remove/",
        contracts.contract_measure_remove,
        name="contract_measure_remove",
    ),
    path("contracts/<int:contract_id>/report/", contracts.contract_report_page, name="contract_report"),
    path("contracts/<int:contract_id>/payments/", contracts.contract_payments_page, name="contract_payments"),
    # recalculating a settled contract year's figures
    path(
        "contracts/<int:contract_id>/years/<int:contract_year_id>/recalculate/",
        contracts.contract_year_recalculate,
        name="contract_year_recalculate",
    ),
    path("contracts/<int:contract_id>/children/", contracts.contract_children_page, name="contract_children"),
    path("admin/", admin.site.urls),
    path("api/", include("casework.api.urls")),
    AnyOtherPath("api/", api_urls.urlpatterns),  # the API's 404 for whatever else is under /api/
]

# Django's own error pages, except under /api/, where errors take the API's one shape.
handler400 = "casework.api.errors.bad_request"
handler403 = "casework.api.errors.permission_denied"
handler404 = "casework.api.errors.page_not_found"
handler500 = "casework.api.errors.server_error"
