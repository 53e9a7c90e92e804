"""Feed readers, specifications, validation rules and the demo-feed writer.

The names below are the package's public face: the app (``dashboard``) reads a provincial
spreadsheet with the applications feed's reader and parses its dates with the feeds'
parser, and imports them from here, never from the submodules.
"""

from etl.feeds.checks import parse_datetime_series
from etl.feeds.readers import LINE, FeedReadError, read_feed
from etl.feeds.specs import (
    APPLICATIONS,
    FEED_FILE_SUFFIXES,
    FEEDS,
    FEEDS_BY_NAME,
    Column,
    Feed,
)

__all__ = [
    "APPLICATIONS",
    "FEED_FILE_SUFFIXES",
    "FEEDS",
    "FEEDS_BY_NAME",
    "LINE",
    "Column",
    "Feed",
    "FeedReadError",
    "parse_datetime_series",
    "read_feed",
]
