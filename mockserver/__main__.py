"""`python -m mockserver`: same as the `mockserver` command."""

import sys

from .cli import main

sys.exit(main())
