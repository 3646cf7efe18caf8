"""Keeping a half-written form when the session ends before it is saved.

A view marked ``@keeps_draft`` (the case-note pages) that receives a POST from a signed-out
session (it expired while the person was writing) saves nothing; ``KeepDraftMiddleware`` keeps
the posted fields in the new session, keyed by the page's path, before ``LoginRequiredMiddleware``
sends the person to sign in. Django carries the session's data over at sign-in, so after the
password and MFA pages bring them back to the same path, the view takes the draft (once) and shows
the form filled in with it.

The draft is offered back only to the person who was signed in when it was written: a signed
cookie names them (their user id, nothing else), because the expired session no longer can. It
never leaves the session: it is not logged, not audited and not written anywhere else.
"""

import time

from django.conf import settings
from django.http import QueryDict

SESSION_KEY = "casework_kept_drafts"
OWNER_COOKIE = "casework_writer"
OWNER_COOKIE_SALT = "casework.accounts.drafts.owner"
# The writer cookie outlives any idle session by far; it holds a user id and nothing else.
OWNER_COOKIE_MAX_AGE = 60 * 60 * 12
# Fields never kept: the form's token and button.
NOT_KEPT = {"csrfmiddlewaretoken", "submit"}
MAX_DRAFTS = 5
MAX_CHARACTERS = 200_000


def keeps_draft(view):
    """Mark a view whose POST is kept as a draft when it arrives from an expired session."""
    view.keeps_draft = True
    return view


def owner_from_cookie(request) -> int | None:
    value = request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_COOKIE_SALT)
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
    """Keep this POST's fields for its path in the (signed-out) session. False when not kept."""
    fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
    if not fields or sum(len(v) for values in fields.values() for v in values) > MAX_CHARACTERS:
        return False
    drafts = dict(request.session.get(SESSION_KEY, {}))
    drafts.pop(request.path, None)
    while len(drafts) >= MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    drafts[request.path] = {"fields": fields, "owner": owner_from_cookie(request), "kept_at": int(time.time())}
    request.session[SESSION_KEY] = drafts
    return True


def take(request) -> QueryDict | None:
    """The draft kept for this page, as form data, if the person now signed in wrote it; once."""
    drafts = request.session.get(SESSION_KEY)
    if not drafts or request.path not in drafts:
        return None
    drafts = dict(drafts)
    draft = drafts.pop(request.path)
    if drafts:
        request.session[SESSION_KEY] = drafts
    else:
        del request.session[SESSION_KEY]
    if draft.get("owner") != request.user.pk or time.time() - draft.get("kept_at", 0) > OWNER_COOKIE_MAX_AGE:
        return None
    data = QueryDict(mutable=True)
    for name, values in draft["fields"].items():
        data.setlist(name, values)
    return data
