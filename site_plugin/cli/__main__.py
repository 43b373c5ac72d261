"""``python -m site_plugin.cli``: the ``herald`` command."""

import sys

from . import main

sys.exit(main())
