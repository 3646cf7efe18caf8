from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from casework.cases.models import CaseWeight
from casework.organisations.models import Commissioning, Organisation, Team, Worker


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "legal_form", "commissioner_type", "ons_code", "list_capacity"]
    list_filter = ["kind"]
    search_fields = ["name", "ons_code"]


@admin.register(Commissioning)
class CommissioningAdmin(admin.ModelAdmin):
    list_display = ["commissioner", "practice", "start_date", "end_date"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "function"]
    list_filter = ["organisation"]


@admin.register(Worker)
class WorkerAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "organisation", "team", "job_role", "fte", "employment", "leave_date"]
    list_filter = ["organisation", "job_role", "employment"]
    search_fields = ["family_name", "swe_registration_number"]


@admin.register(CaseWeight)
class CaseWeightAdmin(admin.ModelAdmin):
    list_display = ["organisation", "service_type", "weight"]
