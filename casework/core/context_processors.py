"""What the page header needs to know: the signed-in user's organisation and what they can do."""

from casework.core import access


def navigation(request):
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {}
    links = []
    if access.can(user, "caseload.team"):
        links.append(("home", "Overview"))
    if access.can(user, "caseload.own"):
        links.append(("my_caseload", "My caseload"))
    if access.can(user, "person.view"):
        links.append(("person_search", "People"))
    if access.can(user, "practice_list.view"):
        links.append(("practice_list", "Practice list"))
    if access.can(user, "caseload.team"):
        links.append(("caseload_overview", "Team caseloads"))
    if access.can(user, "looked_after.return_check"):
        links.append(("return_903_check", "903 return check"))
    if access.can(user, "commissioning.aggregates"):
        links.append(("home", "Practices we commission"))
    if access.can(user, "contract.view"):
        links.append(("contract_list", "Contracts"))
    if access.can(user, "looked_after.return_download"):
        links.append(("return_903_download", "903 return"))
    # the roles that can start background jobs (903 check, import and download; contract reports)
    if any(access.can(user, c) for c in ("looked_after.return_check", "looked_after.return_download", "contract.view")):
        links.append(("job_list", "Your requests"))
    if access.can(user, "audit.who_viewed"):
        links.append(("who_viewed_lookup", "Who viewed a record"))
    if access.can(user, "audit.log"):
        links.append(("audit_log", "Audit log"))
    return {"nav_links": links, "can": {cap.replace(".", "_"): access.can(user, cap) for cap in access.CAPABILITIES}}
