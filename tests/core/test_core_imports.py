"""``core`` is the ground floor: it imports from no other casework app, so no app's import of
``core`` can close a cycle. Pages that gather several apps (the home pages) live above the apps,
in ``casework/home/``.

Walks every module under ``casework/core/`` with ``ast`` (imports inside functions too) and fails
on any import of ``casework.<other app>``, except the model imports listed in ``KNOWN``: the one
access module turns (actor, model) into a queryset, so it names the models it scopes, and the
roles it grants capabilities to. Those are the data layer only (no selectors, services, views or
forms), listed here one by one so that any new import fails this test.
"""

import ast
from pathlib import Path

from django.conf import settings

CORE = Path(settings.BASE_DIR) / "casework" / "core"

# (module under core, module it imports): the access module's models, nothing above them
KNOWN = {
    ("access.py", "casework.accounts.models"),
    ("access.py", "casework.audit.models"),
    ("access.py", "casework.cases.models"),
    ("access.py", "casework.looked_after.models"),
    ("access.py", "casework.organisations.models"),
    ("access.py", "casework.people.models"),
    ("access.py", "casework.registration.models"),
    ("permissions.py", "casework.accounts.models"),
}


def _imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            # "from casework import cases" imports an app as a name
            if node.module == "casework":
                for alias in node.names:
                    yield node.lineno, f"casework.{alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            # "from ..cases import views" climbs out of core
            yield node.lineno, "casework." + (node.module or "(a relative import above core)")


def _other_app_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for line, module in _imported_modules(tree):
        parts = module.split(".")
        if parts[0] == "casework" and len(parts) > 1 and parts[1] != "core":
            yield line, module


def _core_imports_of_other_apps() -> dict[tuple[str, str], int]:
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        name = path.relative_to(CORE).as_posix()
        for line, module in _other_app_imports(path):
            found.setdefault((name, module), line)
    return found


def test_core_imports_nothing_from_the_apps_above_it():
    found = _core_imports_of_other_apps()
    new = [
        f"casework/core/{name}:{line} imports {module}"
        for (name, module), line in found.items()
        if (name, module) not in KNOWN
    ]
    assert not new, "core must not import from other casework apps:\n" + "\n".join(sorted(new))


def test_the_known_model_imports_are_still_there_so_the_list_only_shrinks():
    assert set(_core_imports_of_other_apps()) >= KNOWN, "an import in KNOWN is gone: take it off the list"


def test_the_walk_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "views.py"
    module.write_text(
        "def home(request):\n"
        "    from casework.cases.views import my_caseload_page\n"
        "    from casework.core import access\n"
    )
    assert list(_other_app_imports(module)) == [(2, "casework.cases.views")]
