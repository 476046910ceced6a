"""Groups made by the community tests: the open data holds no group, so each test makes its own
(labelled as made by the test suite)."""

from __future__ import annotations

from typing import Any

from metroscope.community import services
from metroscope.community.models import Group, GroupKind, GroupRole, GroupVisibility


def make_group(staff: Any, *, visibility: str = GroupVisibility.PUBLIC, **values: Any) -> Group:
    data: dict[str, Any] = {
        "name_en": "Test working group on water (made by the test suite)",
        "name_fr": "Groupe de travail test sur l'eau",
        "name_es": "Grupo de trabajo de prueba sobre el agua",
        "description_en": "A group made by the test suite.",
        "kind": GroupKind.WORKING_GROUP,
        "visibility": visibility,
        "program": None,
    }
    data.update(values)
    return services.group_save(actor=staff, data=data)


def add(staff: Any, group: Group, user: Any, role: str = GroupRole.MEMBER) -> None:
    services.member_add(actor=staff, group=group, user=user, role=role)
