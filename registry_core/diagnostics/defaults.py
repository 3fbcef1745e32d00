"""Defaults of the fresh-process tools (``profile``, ``verify``), apart from them: the CLI's parser shows them in
``--help`` and builds at every start, and loading the tools for two numbers cost a warm ``list`` ~1.5 ms."""

from __future__ import annotations

#: Fresh-process runs per measurement of ``profile``.
PROFILE_RUNS = 5
#: How long a ``profile`` child may take before it is cut off (a plugin hanging at import), in seconds.
PROFILE_TIMEOUT_S = 60.0
#: How long ``verify``'s fresh discovery may take, in seconds.
VERIFY_TIMEOUT_S = 60.0
