"""``python -m site_plugin``: the ``herald`` command."""

import sys

from .cli import main

sys.exit(main())
