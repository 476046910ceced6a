"""One way to check access: views and APIs ask their app's access.py (`can_<verb>_<thing>()`,
`access_<thing>_for_<user>()`) or use `core.roles.requires`, never `has_perm(...)` or a role
predicate inline. This scans the view and API modules' syntax trees for such calls."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import metroscope

SOURCE = Path(metroscope.__file__).parent

# Calls that ask a rule or a role directly instead of going through an access.py predicate.
FORBIDDEN = frozenset({"has_perm", "has_perms", "is_secretariat"})

# Module paths excused from the rule, each with its reason. None: every app follows the idiom.
ALLOWED: tuple[str, ...] = ()

_VIEW_OR_API_MODULE = re.compile(r"^(views\w*|\w+_views|api\w*|\w+_api)\.py$")


def is_view_or_api_module(relative: Path) -> bool:
    """views*.py, *_views.py, api*.py, *_api.py, or any module of a views/ or api/ package."""
    return bool(_VIEW_OR_API_MODULE.match(relative.name)) or bool(
        {"views", "api"} & set(relative.parent.parts)
    )


def direct_checks(root: Path) -> list[str]:
    """`path:line name(` for every forbidden call in the view and API modules under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if not is_view_or_api_module(relative):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FORBIDDEN:
                found.append(f"{relative.as_posix()}:{node.lineno} {name}(")
    return found


def _allowed(check: str) -> bool:
    return check.startswith(ALLOWED)


def test_views_and_apis_ask_access_py_not_rules_or_roles():
    offending = [check for check in direct_checks(SOURCE) if not _allowed(check)]
    assert not offending, (
        "Ask the app's access.py (a can_<verb>_<thing>() predicate) instead of calling these "
        "directly:\n" + "\n".join(offending)
    )


def test_the_scan_finds_each_form_of_a_direct_check(tmp_path):
    """The scan itself: a direct call in any kind of view or API module is found; the same
    call elsewhere, or the predicate passed (not called) to `requires`, is not."""
    call = (
        "def page(request):\n"
        "    if request.user.has_perm('members.edit_contact', contact):\n"
        "        return is_secretariat(request.user)\n"
    )
    modules = {
        "app/views.py": call,
        "app/staff_views.py": call,
        "app/api.py": call,
        "app/needs_api.py": call,
        "app/views/pages.py": call,
        "app/api/routes.py": call,
        "app/services.py": call,
        "app/access.py": call,
        "app/other_views.py": "@requires(is_secretariat)\ndef page(request):\n    pass\n",
    }
    for name, text in modules.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    found = direct_checks(tmp_path)
    flagged = sorted({check.split(":")[0] for check in found})
    assert flagged == sorted(
        [
            "app/api.py",
            "app/api/routes.py",
            "app/needs_api.py",
            "app/staff_views.py",
            "app/views.py",
            "app/views/pages.py",
        ]
    )
    assert "app/views.py:2 has_perm(" in found
    assert "app/views.py:3 is_secretariat(" in found
