"""``{% background_processing_warning %}``: the warning shown on a waiting or running job's page, the
pages that start jobs and the contract report's working-out panel when no worker is alive (so a
request saved now will not start until one runs again). Only those pages ask: one small query."""

from django import template

from casework.jobs import selectors

register = template.Library()


@register.inclusion_tag("jobs/_not_running.html")
def background_processing_warning(starting: bool = False, running: bool = False):
    """``starting``: on a page that starts a job, where nothing is saved yet; ``running``: on the
    page of a job that had started (it will not carry on: it is marked as not finished)."""
    return {"stopped": not selectors.background_processing_running(), "starting": starting, "running": running}
