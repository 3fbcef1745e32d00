"""The bug-report bundle: one zip a maintainer can read without asking follow-up questions.

Members (each section can be left out; ``manifest.json`` and ``redactions.txt`` are always there):

- ``report.md``: the human summary to read first (environment, registries and
  counts, every failure with its reason and traceback, cache states with
  reasons, the latest profile);
- ``environment.json``: Python, platform, interpreter paths, tool and plugin
  distribution versions (read from dist-info: nothing is imported), the paths
  used, the environment variables that change behaviour;
- ``registries.json`` / ``status.json``: exactly ``list --json`` / ``status --json`` (``diagnostics.documents``);
- ``caches/<namespace>/<file>``: the cache files themselves;
- ``profile.json``: the latest recorded profile; ``log.txt``: the recent log.

Redaction is on by default and applies to the text of every member: the home
directory becomes ``~``, the user name ``<user>``, values of environment
variables with secret-looking names ``<redacted:NAME>``, credentials in URLs
``<redacted>``. ``redactions.txt`` says which kinds were replaced, never the values.

The zip is written to a temporary file beside the target and moved into place;
an existing file is replaced only with ``force``.
"""

from .environment import dist_version, environment_document, plugin_distributions, relevant_env
from .redaction import Redactor, secret_name
from .sections import FORMAT, SCHEMA, SECTIONS, bundle_sections
from .writer import BundleExistsError, BundleResult, build_bundle, safe_member_name

__all__ = [
    "FORMAT",
    "SCHEMA",
    "SECTIONS",
    "BundleExistsError",
    "BundleResult",
    "Redactor",
    "build_bundle",
    "bundle_sections",
    "dist_version",
    "environment_document",
    "plugin_distributions",
    "relevant_env",
    "safe_member_name",
    "secret_name",
]
