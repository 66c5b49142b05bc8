"""Settings for the published site: absolute URLs under SITEURL."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: F403

# The deploy workflow passes the Pages URL (which may end in a sub-path).
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL:
    # Without it every link would start at the server's root, and the feed's id be "/".
    sys.exit(
        "publishconf.py: set SITEURL to the site's address, as in "
        "make publish SITEURL=https://you.github.io/archive"
    )
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
