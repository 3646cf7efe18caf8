"""What each job on /jobs/ was for, in words, from its parameters: the authority's name and the
collection year as "2025/26", the contract's reference and year. Parameters are ids and codes
(never personal data), so this reads only organisations, contract years and import batches that
the requester's own job names: one query per kind of thing however many jobs are listed.

The parameter names are the product's: ``commissioner_id`` (the authority), ``year`` (a 903
collection year, ending 31 March of it), ``import_batch_id``, ``contract_year_id`` and ``quarter``.
A job with no ``commissioner_id`` made by an authority (the commissioner's 903 zip) is about the
authority itself. Models are looked up by label, so the job runner imports none of the apps above it."""

from django.apps import apps


def collection_year(year) -> str:
    # the 903 forms say a collection year this way (looked_after/codes.py: year_label)
    year = int(year)
    return f"{year - 1}/{str(year)[2:]}"


def _contract_year(start, end) -> str:
    return f"{start.year}/{str(end.year)[2:]}" if end.year != start.year else str(start.year)


def describe(jobs) -> dict[int, str]:
    """``{job id: "Barsetshire County Council, 2025/26"}`` for the jobs whose parameters say what for."""
    Organisation = apps.get_model("organisations", "Organisation")
    ContractYear = apps.get_model("contracts", "ContractYear")
    ImportBatch = apps.get_model("looked_after", "ImportBatch")
    params = {job.pk: job.parameters or {} for job in jobs}
    organisation_ids = {p["commissioner_id"] for p in params.values() if "commissioner_id" in p}
    organisation_ids |= {job.organisation_id for job in jobs if "commissioner_id" not in params[job.pk]}
    batches = ImportBatch.objects.only("commissioner_id", "years").in_bulk(
        {p["import_batch_id"] for p in params.values() if "import_batch_id" in p}
    )
    organisation_ids |= {batch.commissioner_id for batch in batches.values()}
    organisations = Organisation.objects.only("name", "kind").in_bulk(organisation_ids)
    years = (
        ContractYear.objects.select_related("contract")
        .only("start_date", "end_date", "contract__reference")
        .in_bulk({p["contract_year_id"] for p in params.values() if "contract_year_id" in p})
    )
    found = {}
    for job in jobs:
        p = params[job.pk]
        words = []
        if "contract_year_id" in p:
            year = years.get(p["contract_year_id"])
            if year is not None:
                words += [year.contract.reference, _contract_year(year.start_date, year.end_date)]
            if p.get("quarter"):
                words.append(f"year to the end of quarter {p['quarter']}")
        elif "import_batch_id" in p:
            batch = batches.get(p["import_batch_id"])
            if batch is not None:
                authority = organisations.get(batch.commissioner_id)
                words += [authority.name if authority else ""] + [collection_year(y) for y in batch.years]
        elif "year" in p:
            authority = organisations.get(p.get("commissioner_id", job.organisation_id))
            if authority is not None and ("commissioner_id" in p or authority.kind == Organisation.Kind.COMMISSIONER):
                words.append(authority.name)
            words.append(collection_year(p["year"]))
        if words := [w for w in words if w]:
            found[job.pk] = ", ".join(words)
    return found
