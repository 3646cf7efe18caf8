"""Walk every form class in the project for classes of mistake found once and fixed everywhere:

* a field that links to another record (named like a relation of the models: ``person``,
  ``related_person``, ``household``, ``worker`` ...) is picked from a list, never an id typed by
  hand (relationships were once recorded by typing the other person's Casework ID);
* every Ofsted URN field checks the 903 format;
* every date of birth entered for a record refuses a date in the future (a search may look for one).
"""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps

import casework

SEARCH_FORMS = {"PersonSearchForm"}  # a search finds nothing for a future date: no need to refuse it


def _form_classes():
    found = {}
    for module_info in pkgutil.walk_packages(casework.__path__, "casework."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = cls
    return found


FORMS = _form_classes()


def _relation_names() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        if model.__module__.startswith("casework.")
        for field in model._meta.get_fields()
        if field.is_relation and (field.many_to_one or field.many_to_many) and not field.auto_created
    }


def test_the_walk_finds_the_forms():
    assert "casework.people.forms.RelationshipForm" in FORMS
    assert "casework.looked_after.forms.CareStartForm" in FORMS
    assert len(FORMS) > 40


@pytest.mark.parametrize("path", sorted(FORMS))
def test_links_to_other_records_are_picked_not_typed(path):
    relations = _relation_names()
    typed = [
        name
        for name, field in FORMS[path].base_fields.items()
        if name in relations and not isinstance(field, forms.ModelChoiceField)
    ]
    assert typed == [], f"{path}: {typed} should be chosen from a list (forms.ModelChoiceField), not typed"


@pytest.mark.parametrize("path", sorted(p for p, cls in FORMS.items() if "urn" in cls.base_fields))
def test_every_urn_field_checks_the_903_format(path):
    form = FORMS[path]
    assert hasattr(form, "clean_urn"), f"{path} takes an Ofsted URN without checking its format"
    field = form.base_fields["urn"]
    bound = type("Probe", (forms.Form,), {"urn": field, "clean_urn": form.clean_urn})(data={"urn": "SC12"})
    assert not bound.is_valid() and "Ofsted URN" in bound.errors["urn"][0]


@pytest.mark.parametrize(
    "path",
    sorted(p for p, cls in FORMS.items() if "date_of_birth" in cls.base_fields and cls.__name__ not in SEARCH_FORMS),
)
def test_every_date_of_birth_refuses_the_future(path):
    from datetime import timedelta

    from django.utils import timezone

    form = FORMS[path]
    field = form.base_fields["date_of_birth"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"date_of_birth_0": tomorrow.day, "date_of_birth_1": tomorrow.month, "date_of_birth_2": tomorrow.year}
    probe = type("Probe", (forms.Form,), {"date_of_birth": field, "clean_date_of_birth": form.clean_date_of_birth})
    bound = probe(data=data)
    assert not bound.is_valid() and "future" in bound.errors["date_of_birth"][0]
