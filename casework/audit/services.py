"""Writing to the audit log. Called inside the same transaction as the change it records."""

from casework.audit.models import AuditEvent


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id="", **detail) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        detail=detail,
    )
