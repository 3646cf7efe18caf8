"""Keeping a half-written form when the session ends before it is saved.

A view marked ``@keeps_draft`` (the case-note pages) that receives a POST from a signed-out
session (it expired while the person was writing) saves nothing; ``KeepDraftMiddleware`` keeps
the posted fields as the writer's ``KeptDraft``, keyed by the page's path, before
``LoginRequiredMiddleware`` sends the person to sign in. After the password and MFA pages bring
them back to the same path, the view takes the draft (once) and shows the form filled in with it.

The draft is offered back only to the person who was signed in when it was written: a signed
cookie names them (their user id, nothing else), because the expired session no longer can. It
is not logged, not audited and not written anywhere else, and it is deleted when taken or after
12 hours.

Only that cookie lets a signed-out POST be kept (issue 13, finding 9): a client that was never
signed in (no cookie, or one not signed by this server, or older than 12 hours) gets nothing kept
and no session made, so it cannot fill a table. What is kept is bounded in size, at most
``MAX_CHARACTERS`` in all (a longer post is not kept; the browser still holds it,
frontend/init.js), and in number, one draft per user (a table row with the user unique, a later
draft replacing the earlier), so replaying a writer's cookie cannot add rows either.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from casework.accounts.models import KeptDraft

OWNER_COOKIE = "casework_writer"
OWNER_COOKIE_SALT = "casework.accounts.drafts.owner"
# The writer cookie outlives any idle session by far; it holds a user id and nothing else.
OWNER_COOKIE_MAX_AGE = 60 * 60 * 12
KEPT_FOR = timedelta(seconds=OWNER_COOKIE_MAX_AGE)
# Fields never kept: the form's token and button.
NOT_KEPT = {"csrfmiddlewaretoken", "submit"}
# A long case note is a few thousand words; more than this is not a note being written.
MAX_CHARACTERS = 50_000


def keeps_draft(view):
    """Mark a view whose POST is kept as a draft when it arrives from an expired session."""
    view.keeps_draft = True
    return view


def owner_from_cookie(request) -> int | None:
    """The user id the writer cookie names, if this server signed it in the last 12 hours."""
    value = request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_COOKIE_SALT, max_age=OWNER_COOKIE_MAX_AGE)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def set_owner_cookie(response, user) -> None:
    response.set_signed_cookie(
        OWNER_COOKIE,
        str(user.pk),
        salt=OWNER_COOKIE_SALT,
        max_age=OWNER_COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def keep(request) -> bool:
    """Keep this POST's fields for its path as the writer's draft, replacing any draft kept before;
    only for a browser whose writer cookie names an active user. False when not kept (nothing is
    written then, and the session is not touched, so no session row is made)."""
    owner = owner_from_cookie(request)
    if owner is None or not get_user_model().objects.filter(pk=owner, is_active=True).exists():
        return False
    fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
    if not fields or sum(len(name) + sum(map(len, values)) for name, values in fields.items()) > MAX_CHARACTERS:
        return False
    now = timezone.now()
    KeptDraft.objects.filter(kept_at__lt=now - KEPT_FOR).delete()  # no one came back for these
    KeptDraft.objects.update_or_create(user_id=owner, defaults={"path": request.path, "fields": fields, "kept_at": now})
    return True


def take(request) -> QueryDict | None:
    """The draft kept for this page, as form data, if the person now signed in wrote it; once."""
    if not request.user.is_authenticated:
        return None
    with transaction.atomic():
        draft = KeptDraft.objects.select_for_update().filter(user_id=request.user.pk, path=request.path).first()
        if draft is None:
            return None
        draft.delete()
    if draft.kept_at < timezone.now() - KEPT_FOR:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft.fields.items():
        data.setlist(name, values)
    return data
