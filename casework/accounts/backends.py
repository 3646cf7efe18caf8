"""Django's ModelBackend, loading the signed-in user with their organisation in the same query:
every page's header names the organisation and every access rule reads its id, so the separate
query for it (one on every request) is saved."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class CaseworkBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
