from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "…",
                    "occurred_at": "2026-11-25T09:12:00Z",
                    "actor_type": "user",
                    "actor_id": "…",
                    "action": "update",
                    "object_type": "learner",
                    "object_id": "…",
                    "changes": {"phone": {"from": None, "to": "0601020304"}},
                    "request_id": "…",
                }
            ]
        },
    )

    id: str
    occurred_at: datetime
    actor_type: str
    actor_id: str | None
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str | None
