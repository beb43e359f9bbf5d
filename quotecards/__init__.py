"""quotecards: turn blog and news posts into typeset quote cards for social media."""

__version__ = "0.1.0"
