"""`python -m contracts`: same as the `contracts` command."""

import sys

from .cli import main

sys.exit(main())
