"""What the page header needs to know: the signed-in user's organisation and what they can do."""

from functools import cache

from django.urls import get_script_prefix, reverse

from casework.core import access


@cache
def _url(prefix: str, url_name: str) -> str:
    """A header link's address, worked out once per process (and prefix): the URLconf does not
    change while a process runs, and a dozen reversals on every page cost more than a query."""
    return reverse(url_name)


def header_url(url_name: str) -> str:
    return _url(get_script_prefix(), url_name)


def navigation(request):
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    # each capability asked once (a page used to ask some three times, each through the lazy user)
    allowed = {cap for cap in access.CAPABILITIES if access.can(user, cap)}
    links = [(header_url(url_name), label) for cap, url_name, label in NAVIGATION if cap(allowed)]
    return {
        "nav_links": links,
        "security_url": header_url("mfa_security"),
        "sign_out_url": header_url("logout"),
        "can": {cap.replace(".", "_"): cap in allowed for cap in access.CAPABILITIES},
    }


def _has(*capabilities):
    return lambda allowed: any(c in allowed for c in capabilities)


# The header's links in order, each with what the user must be able to do to see it.
NAVIGATION = (
    (_has("caseload.team"), "home", "Overview"),
    (_has("caseload.own"), "my_caseload", "My caseload"),
    (_has("person.view"), "person_search", "People"),
    (_has("practice_list.view"), "practice_list", "Practice list"),
    (_has("caseload.team"), "caseload_overview", "Team caseloads"),
    (_has("looked_after.return_check"), "return_903_check", "903 return check"),
    (_has("commissioning.aggregates"), "home", "Practices we commission"),
    (_has("contract.view"), "contract_list", "Contracts"),
    (_has("looked_after.return_download"), "return_903_download", "903 return"),
    # the roles that can start background jobs (903 check, import and download; contract reports)
    (_has("looked_after.return_check", "looked_after.return_download", "contract.view"), "job_list", "Your requests"),
    (_has("audit.who_viewed"), "who_viewed_lookup", "Who viewed a record"),
    (_has("audit.log"), "audit_log", "Audit log"),
)
