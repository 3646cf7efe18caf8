from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _restrictions_changed(**kwargs) -> None:
    """A restriction set, lifted, or a name added or taken off: what this request read of who is
    restricted from its reader (``access.REQUEST_MEMO``) is read again. On every write, however
    made (a service, the admin, a test), so the memo cannot outlive a change."""
    from casework.core import access

    access.forget_request_memo()


class PeopleConfig(AppConfig):
    name = "casework.people"
    label = "people"

    def ready(self):
        for model_name in ("PersonRestriction", "RestrictionAccess"):
            model = self.get_model(model_name)
            post_save.connect(_restrictions_changed, sender=model, dispatch_uid=f"restrictions_changed_{model_name}")
            post_delete.connect(_restrictions_changed, sender=model, dispatch_uid=f"restrictions_deleted_{model_name}")
