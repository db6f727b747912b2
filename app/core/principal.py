"""Who is calling: a person with roles, or a machine client with scopes mapped onto roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models.user import Role

# Roles that see the whole organisation (DOMAIN.md); auditors only read.
ORGANISATION_READERS = frozenset(
    {Role.admin, Role.coordinator, Role.staff, Role.company_relations, Role.auditor}
)
ORGANISATION_WRITERS = frozenset({Role.admin, Role.coordinator, Role.staff, Role.company_relations})
USER_MANAGERS = frozenset({Role.admin, Role.coordinator})

# A machine client's scope grants what the matching role may do.
SCOPE_ROLES = {"read": Role.auditor, "write": Role.staff, "admin": Role.admin}


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "api_client"
    id: str
    organisation_id: str
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles & roles)

    @property
    def sees_whole_organisation(self) -> bool:
        return self.has_any(ORGANISATION_READERS)

    @property
    def writes_organisation(self) -> bool:
        return self.has_any(ORGANISATION_WRITERS)

    @property
    def manages_users(self) -> bool:
        return self.has_any(USER_MANAGERS)

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    @property
    def user_id(self) -> str | None:
        return self.id if self.kind == "user" else None


SYSTEM = Principal(kind="system", id="system", organisation_id="")
