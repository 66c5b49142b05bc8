"""Settings for building the archive locally (`make html`)."""

AUTHOR = "papershelf"
SITENAME = "papershelf"
SITE_DESCRIPTION = "A curated archive of research papers from the Hugging Face daily papers."
SITEURL = ""
RELATIVE_URLS = True  # the output works from any folder; publishconf.py sets SITEURL

PATH = "content"
ARTICLE_PATHS = ["posts"]  # a curator's own posts; papers come from listings/
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["papershelf"]

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

# The home page and the date pages come from papershelf, not from Pelican's
# article index and archives.
DIRECT_TEMPLATES = []
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# papershelf: every setting and its default is in plugins/papershelf/config.py.
PAPERSHELF_HOME_PAPERS = 30
