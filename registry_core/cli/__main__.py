"""``python -m registry_core.cli``: the subcommands without the app (the child ``--python`` runs in another
environment, where neither Qt nor the app is installed)."""

import sys

from . import main

sys.exit(main())
