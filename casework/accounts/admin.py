from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from casework.accounts.models import User


@admin.register(User)
class CaseworkUserAdmin(UserAdmin):
    list_display = ["username", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation"]
    fieldsets = UserAdmin.fieldsets + (("Casework", {"fields": ("role", "organisation")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Casework", {"fields": ("role", "organisation")}),)
