"""quotecards: turn blog and news posts into typeset quote cards for social media.

The names here are the library's public API (docs/library.md); everything else is the
package's own and may change. They are imported when first used, so that `import quotecards`
(and every module of the package, which imports this one) costs nothing: a build with nothing
to draw must not load Pillow, ICU or numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name → (module, name there).
_PUBLIC = {
    # one post or a few: cards and a manifest
    "render_posts": ("cards", "render_posts"),
    "RunResult": ("cards", "RunResult"),
    "render_post": ("cards", "render_post"),
    "RunContext": ("context", "RunContext"),
    "RenderOptions": ("options", "RenderOptions"),
    "ReadOptions": ("sources.post", "ReadOptions"),
    "FetchOptions": ("sources.fetched", "FetchOptions"),
    "read_post": ("sources.post", "read_post"),
    "Post": ("sources.post", "Post"),
    "SiteConfig": ("config", "SiteConfig"),
    "find_config": ("config", "find_config"),
    "PLATFORMS": ("draw.platforms", "PLATFORMS"),
    "Platform": ("draw.platforms", "Platform"),
    "load_layout": ("draw.layout", "load_layout"),
    "find_layout": ("draw.layout", "find_layout"),
    # what a run records
    "CardRecord": ("records", "CardRecord"),
    "ErrorRecord": ("records", "ErrorRecord"),
    "CardWarning": ("card_warnings", "CardWarning"),
    "WarningKind": ("card_warnings", "Kind"),
    # errors: one base, each names the file and the field
    "QuotecardsError": ("errors", "QuotecardsError"),
    "PostError": ("errors", "PostError"),
    "LayoutError": ("errors", "LayoutError"),
    "ConfigError": ("errors", "ConfigError"),
    "PlatformError": ("errors", "PlatformError"),
    "OutputError": ("errors", "OutputError"),
    # an archive, and the site commands' entry points
    "build_archive": ("build.batch", "build"),
    "BuildOptions": ("build.batch", "BuildOptions"),
    "BuildSummary": ("build.batch", "Summary"),
    "StoreOptions": ("build.store", "StoreOptions"),
    "merge_shards": ("build.merge", "merge"),
    "MergeResult": ("build.merge", "MergeResult"),
    "hugo_build": ("sites.hugo", "hugo_build"),
    "jekyll_build": ("sites.jekyll", "jekyll_build"),
    "eleventy_build": ("sites.eleventy", "eleventy_build"),
    "SiteResult": ("sites.card_data", "SiteResult"),
    # what a built site serves
    "check_site": ("sites.check", "check_site"),
    "CheckReport": ("sites.check", "Report"),
    "CheckProblem": ("sites.check", "Problem"),
    "ProblemKind": ("sites.check", "ProblemKind"),
    # cards on demand
    "signed_path": ("service.signing", "signed_path"),
    "load_secret": ("service.signing", "load_secret"),
    "create_service": ("service.app", "create_app"),
    "ServiceConfig": ("service.settings", "ServiceConfig"),
}

__all__ = ["__version__", "render_posts", "RunResult", "render_post", "RunContext", "RenderOptions", "ReadOptions",
           "FetchOptions", "read_post", "Post", "SiteConfig", "find_config", "PLATFORMS", "Platform", "load_layout",
           "find_layout", "CardRecord", "ErrorRecord", "CardWarning", "WarningKind", "QuotecardsError", "PostError",
           "LayoutError", "ConfigError", "PlatformError", "OutputError", "build_archive", "BuildOptions",
           "BuildSummary", "StoreOptions", "merge_shards", "MergeResult", "hugo_build", "jekyll_build",
           "eleventy_build", "SiteResult", "check_site", "CheckReport", "CheckProblem", "ProblemKind",
           "signed_path", "load_secret", "create_service", "ServiceConfig"]

if TYPE_CHECKING:
    from .build.batch import BuildOptions
    from .build.batch import Summary as BuildSummary
    from .build.batch import build as build_archive
    from .build.merge import MergeResult
    from .build.merge import merge as merge_shards
    from .build.store import StoreOptions
    from .card_warnings import CardWarning
    from .card_warnings import Kind as WarningKind
    from .cards import RunResult, render_post, render_posts
    from .config import SiteConfig, find_config
    from .context import RunContext
    from .draw.layout import find_layout, load_layout
    from .draw.platforms import PLATFORMS, Platform
    from .errors import ConfigError, LayoutError, OutputError, PlatformError, PostError, QuotecardsError
    from .options import RenderOptions
    from .records import CardRecord, ErrorRecord
    from .service.app import create_app as create_service
    from .service.settings import ServiceConfig
    from .service.signing import load_secret, signed_path
    from .sites.card_data import SiteResult
    from .sites.check import Problem as CheckProblem
    from .sites.check import ProblemKind, check_site
    from .sites.check import Report as CheckReport
    from .sites.eleventy import eleventy_build
    from .sites.hugo import hugo_build
    from .sites.jekyll import jekyll_build
    from .sources.fetched import FetchOptions
    from .sources.post import Post, ReadOptions, read_post


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _PUBLIC[name]
    except KeyError:
        raise AttributeError(f"module 'quotecards' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
