"""A cache's state and the reason for it: what ``status``, the window and the bundle show for every cache.

The reason is words for people; its kind (``ReasonKind``) is what code branches on.
"""

from __future__ import annotations

import enum
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

VALID = "valid"
MISSING = "missing"
DISABLED = "disabled"
STALE = "stale"
CORRUPT = "corrupt"
STATES = (VALID, MISSING, DISABLED, STALE, CORRUPT)


#: The types a registry key may have in a cache document (JSON scalars); here, where the warm path's modules
#: find it without loading ``cached_report``.
JSON_KEY_TYPES = (str, int, float, bool)


class ReasonKind(enum.Enum):
    """Why a cache is not valid, for code; the words stay in the reason itself."""

    WRONG_SHAPE = "wrong_shape"  # the file is not what this library writes: corrupt
    TAMPERED = "tampered"  # well formed, but an entry points outside what discovery may import: corrupt
    FORMAT = "format"  # another layout version of this library
    IDENTITY = "identity"  # written for another registry or kind
    VERSION = "version"  # the package version changed
    AGE = "age"
    FILES = "files"  # a source file or folder changed
    ENVIRONMENT = "environment"
    ENTRY_POINTS = "entry_points"
    IMPORT_PATH = "import_path"
    OTHER = "other"


class Reason(str):
    """A reason in words (a ``str``, so every reader keeps working) that also carries its ``kind``."""

    __slots__ = ("kind",)
    kind: ReasonKind

    def __new__(cls, text: str, kind: ReasonKind = ReasonKind.OTHER) -> Reason:
        reason = super().__new__(cls, text)
        reason.kind = kind
        return reason


class CacheConfig:
    """How a cache is validated and written."""

    __slots__ = ("max_age_days", "check_mtimes", "content_hash", "lock_timeout")

    def __init__(
        self, max_age_days: float = 7, check_mtimes: bool = True, content_hash: bool = False, lock_timeout: float = 30.0
    ) -> None:
        self.max_age_days = max_age_days
        self.check_mtimes = check_mtimes
        self.content_hash = content_hash
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return (
            f"CacheConfig(max_age_days={self.max_age_days}, check_mtimes={self.check_mtimes}, "
            f"content_hash={self.content_hash})"
        )


class CacheStatus:
    """The state of one cache file and, unless valid, why."""

    __slots__ = (
        "state",
        "reason",
        "path",
        "size",
        "age_s",
        "items",
        "created",
        "name",
        "kind",
        "refresh",
        "detail",
        "reason_kind",
    )

    def __init__(
        self,
        state: str,
        reason: str = "",
        path: str | None = None,
        *,
        size: int | None = None,
        created: float | None = None,
        items: int | None = None,
        name: str = "",
        kind: str = "",
    ) -> None:
        self.state = state
        self.reason = reason
        #: What code branches on (a ReasonKind); None for a valid, missing or disabled cache.
        self.reason_kind: ReasonKind | None = getattr(reason, "kind", None)
        self.path = path
        self.size = size
        self.created = created
        self.age_s = None if created is None else max(0.0, time.time() - created)
        self.items = items
        self.name = name
        self.kind = kind
        self.refresh = False  # valid, but folder stamps moved: rewrite when convenient
        self.detail = ""  # for a valid cache: what it was checked against

    @property
    def valid(self) -> bool:
        return self.state == VALID

    def __str__(self) -> str:
        return self.state if not self.reason else f"{self.state}: {self.reason}"

    def __repr__(self) -> str:
        return f"CacheStatus({self.state!r}, {self.reason!r}, path={self.path!r})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "path": self.path,
            "state": self.state,
            "reason": self.reason,
            "detail": self.detail,
            "reason_kind": self.reason_kind.value if self.reason_kind is not None else None,
            "size": self.size,
            "age_s": self.age_s,
            "items": self.items,
            "created": self.created,
        }
