"""A WeasyPrint URL fetcher that reads report assets from disk and nothing else.

A report must never reach out over the network (slow, leaks that a report is
being printed, and makes the output depend on a third party), nor read an
arbitrary file because a URL said so. The fetcher serves ``file:`` URLs whose
resolved path lies inside one of ``settings.REPORT_ASSET_DIRS`` and ``data:``
URLs; everything else raises :class:`AssetRefusedError`.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

REFUSED_SCHEME = "Report assets load from disk only; refused {url!r} (scheme {scheme!r})."
REFUSED_OUTSIDE = "Report assets load only from REPORT_ASSET_DIRS; refused {url!r}."
NOT_FOUND = "Report asset not found: {url!r}."


class AssetRefusedError(ValueError):
    """A report tried to load something other than a file under the asset dirs."""


class AssetFetcher(URLFetcher):
    """Serve ``file:`` URLs under the asset dirs (after resolving symlinks and ``..``)
    and ``data:`` URLs; refuse everything else with :class:`AssetRefusedError`.

    ``fail_on_errors`` (on by default) makes WeasyPrint stop instead of silently
    printing a report without its stylesheet.
    """

    def __init__(
        self, asset_dirs: Iterable[str | Path] | None = None, *, fail_on_errors: bool = True
    ) -> None:
        super().__init__(allowed_protocols=("file", "data"), fail_on_errors=fail_on_errors)
        dirs = settings.REPORT_ASSET_DIRS if asset_dirs is None else asset_dirs
        self.asset_dirs = [Path(d).resolve() for d in dirs]

    def resolve(self, url: str) -> Path:
        """The file a ``file:`` URL names, if it lies inside an asset dir."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in {"", "localhost"}:
            raise AssetRefusedError(REFUSED_SCHEME.format(url=url, scheme=parts.scheme))
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.asset_dirs):
            raise AssetRefusedError(REFUSED_OUTSIDE.format(url=url))
        if not path.is_file():
            raise FileNotFoundError(NOT_FOUND.format(url=url))
        return path

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        path = self.resolve(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )
