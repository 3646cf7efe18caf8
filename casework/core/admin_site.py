from django.contrib.admin import AdminSite

from casework.core import access


class CaseworkAdminSite(AdminSite):
    """The Django admin, for system administrators only, and only for set-up data
    (organisations, teams, workers, users, weights): never people or case records."""

    site_header = "Casework administration"
    site_title = "Casework administration"

    def has_permission(self, request):
        return access.can(request.user, "admin.site") and request.user.is_staff
