"""The bug-report bundle: one zip a maintainer can read without asking follow-up questions.

Members (each section can be left out; ``manifest.json`` and ``redactions.txt`` are always there):

- ``report.md``: the human summary to read first (the reporter's title, what happened and steps to
  reproduce, environment, registries and counts, every failure with its reason and traceback, cache states
  with reasons, the latest profile);
- ``environment.json``: Python, platform and OS distribution (os-release), interpreter paths, tool and
  plugin distribution versions (read from dist-info: nothing is imported), the paths used, the environment
  variables that change behaviour, and what the caller adds under ``runtime`` (the window: Qt's version and
  platform plugin; the core never imports Qt);
- ``distributions.json``: every installed distribution (name, version, location, editable), like
  ``pip inspect``, and the requirements they break, like ``pip check``;
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

``build_bundle(..., dry_run=True)`` writes nothing and returns every member's text (a preview); its
``documents`` can be passed back so that the export reuses them.

The zip is written to a temporary file beside the target and moved into place;
an existing regular file is replaced only with ``force``; a symlink, FIFO or device there is refused.
"""

from .distributions import conflicts, distributions_document, installed_distributions
from .environment import dist_version, environment_document, os_release, plugin_distributions, relevant_env
from .redaction import Redactor, secret_name
from .sections import FORMAT, SCHEMA, SECTIONS, Gathered, bundle_sections
from .writer import BundleExistsError, BundleResult, BundleTargetError, build_bundle, safe_member_name

__all__ = [
    "FORMAT",
    "SCHEMA",
    "SECTIONS",
    "BundleExistsError",
    "BundleResult",
    "BundleTargetError",
    "Gathered",
    "Redactor",
    "build_bundle",
    "bundle_sections",
    "conflicts",
    "dist_version",
    "distributions_document",
    "environment_document",
    "installed_distributions",
    "os_release",
    "plugin_distributions",
    "relevant_env",
    "safe_member_name",
    "secret_name",
]
