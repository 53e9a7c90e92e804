"""Feed readers, specifications, validation rules and the demo-feed writer.

The names below are the package's public face: the app (``dashboard``) reads a provincial
spreadsheet with the applications feed's reader and parses its dates with the feeds'
parser, and imports them from here, never from the submodules.
"""

from etl.feeds.checks import parse_datetime_series
from etl.feeds.headers import HEADER_VARIANTS, field_of, header_key, match_headers
from etl.feeds.places import Place, describe_place, resolve_place
from etl.feeds.readers import LINE, FeedReadError, read_feed
from etl.feeds.specs import (
    APPLICATIONS,
    FEED_FILE_SUFFIXES,
    FEEDS,
    FEEDS_BY_NAME,
    Column,
    Feed,
)
from etl.feeds.words import BANK_WORDS, SELLER_TYPE_WORDS, address_line, date_text, yes_no
from etl.feeds.words import bank_code as bank_code_of
from etl.feeds.words import seller_type as seller_type_of

__all__ = [
    "APPLICATIONS",
    "BANK_WORDS",
    "SELLER_TYPE_WORDS",
    "HEADER_VARIANTS",
    "FEED_FILE_SUFFIXES",
    "FEEDS",
    "FEEDS_BY_NAME",
    "LINE",
    "Place",
    "Column",
    "Feed",
    "FeedReadError",
    "address_line",
    "bank_code_of",
    "date_text",
    "describe_place",
    "field_of",
    "header_key",
    "match_headers",
    "parse_datetime_series",
    "read_feed",
    "resolve_place",
    "seller_type_of",
    "yes_no",
]
