"""The bug-report bundle: one zip a maintainer can read without asking follow-up questions.

Members (each section can be left out; ``manifest.json`` and ``redactions.txt`` are always there):

- ``report.md``: the human summary to read first (environment, registries and
  counts, every failure with its reason and traceback, cache states with
  reasons, the latest profile);
- ``environment.json``: Python, platform, interpreter paths, tool and plugin
  distribution versions (read from dist-info: nothing is imported), the paths
  used, the environment variables that change behaviour;
- ``registries.json`` / ``status.json``: exactly ``list --json`` / ``status --json`` (``diagnostics.documents``);
- ``caches/<namespace>/<file>``: the cache files themselves, only those recognised as registry_core's or
  metaclass-registry's (name and header); never through a symlink, only regular files, cut at a size cap;
  ``caches/not-included.txt`` names what else was in the folders and why it was left out;
- ``profile.json``: the latest recorded profile; ``log.txt``: the recent log.

Redaction is on by default and applies to the text of every member: the home
directory becomes ``~``, the user name ``<user>`` (only where it is one: home paths,
``~name``, ``user=name``, words of environment values), values of environment
variables with secret-looking names ``<redacted:NAME>`` (plain, JSON-escaped or as
``repr``), known credential shapes (AWS keys, JWTs, GitHub tokens, private keys, ...)
and values assigned to secret-looking names ``<redacted:KIND>``, credentials in URLs
``<redacted>``. ``redactions.txt`` says which kinds were replaced, never the values.

The zip is written to a temporary file beside the target and moved into place;
an existing regular file is replaced only with ``force``; a symlink, FIFO or device there is refused.
"""

from .environment import dist_version, environment_document, plugin_distributions, relevant_env
from .redaction import Redactor, secret_name
from .sections import FORMAT, SCHEMA, SECTIONS, bundle_sections
from .writer import BundleExistsError, BundleResult, BundleTargetError, build_bundle, safe_member_name

__all__ = [
    "FORMAT",
    "SCHEMA",
    "SECTIONS",
    "BundleExistsError",
    "BundleResult",
    "BundleTargetError",
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
