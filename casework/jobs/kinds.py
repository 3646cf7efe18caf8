"""What jobs there are: each app registers its kinds in its own ``jobs.py`` (found at start-up).

A kind is a function ``run(context) -> dict`` (the result, JSON: ids, codes and counts; a child's
903 identifier at most, never a name) plus what the page needs to show it::

    from casework.jobs import kinds

    @kinds.register(
        "903_check",
        title="Check the 903 return",
        capabilities=("looked_after.return_check",),
        result_template="looked_after/_return_check_result.html",
        result_context=check_result_context,       # (job, actor) -> dict, read in the viewer's scope now
        start_again="return_903_check",            # URL name of the page that starts one
    )
    def check(context: kinds.Context) -> dict:
        context.progress("Building last year's return", 10)
        children = selectors.practice_return_children(actor=context.actor, ...)
        ...
        return {...}

The worker runs ``run`` with the requester as ``context.actor`` (re-read from the database and
re-checked against ``capabilities`` first), so every selector it calls is in the requester's scope.
``raise kinds.JobFailed("plain English")`` ends the job with that message on the page; any other
exception ends it with a general message (the traceback, without its message, goes to the log).
"""

from collections.abc import Callable
from dataclasses import dataclass

KINDS: dict[str, "Kind"] = {}


class JobFailed(Exception):
    """A failure the requester can act on, in plain English: shown on the job's page as it is."""


@dataclass(frozen=True)
class Kind:
    name: str
    title: str
    capabilities: tuple[str, ...]
    run: Callable
    result_template: str = ""
    result_context: Callable | None = None
    start_again: str = ""
    done_url: Callable | None = None
    done_message: str | Callable = ""
    result_link: Callable | None = None


def register(
    name: str,
    *,
    title: str,
    capabilities: tuple[str, ...],
    result_template: str = "",
    result_context: Callable | None = None,
    start_again: str = "",
    done_url: Callable | None = None,
    done_message: str | Callable = "",
    result_link: Callable | None = None,
):
    """``done_url(job) -> str``: where a done job's page sends the requester instead (with
    ``done_message``, or ``done_message(job)``, as the success banner), when the result is a page of
    its own ("" stays on the job's page). ``result_link(job) -> (words, address)``: a link a done
    job's page shows to where its result is used (the contract report's "View the report")."""

    def decorate(run: Callable) -> Callable:
        KINDS[name] = Kind(
            name,
            title,
            tuple(capabilities),
            run,
            result_template,
            result_context,
            start_again,
            done_url,
            done_message,
            result_link,
        )
        return run

    return decorate


def get(name: str) -> Kind:
    return KINDS[name]


@dataclass
class Context:
    """What a running job is given: the job, the requester (as the actor of every selector and
    service it calls), its parameters and upload, and how to say how far it has got."""

    job: object
    actor: object

    @property
    def parameters(self) -> dict:
        return self.job.parameters

    @property
    def upload(self) -> bytes | None:
        from casework.jobs.models import Job

        data = Job.objects.filter(pk=self.job.pk).values_list("upload", flat=True).first()
        return bytes(data) if data is not None else None

    def progress(self, step: str, percent: int) -> None:
        from casework.jobs import services

        services.job_progress(self.job, step=step, percent=percent)

    def attach(self, data: bytes, *, name: str, content_type: str) -> None:
        """The file the requester downloads when the job is done (kept ``JOB_FILE_HOURS``)."""
        from casework.jobs import services

        services.job_attach(self.job, data=data, name=name, content_type=content_type)
