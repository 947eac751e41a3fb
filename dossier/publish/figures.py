"""The views of an image named in front matter: the figure a page shows, the image social sites
show (Open Graph), and the ``ImageObject`` of the page's schema.org data."""

from __future__ import annotations

from markupsafe import Markup

from dossier.link.images import Figure, picture
from dossier.publish.contexts import FeedImage, FeedImageFile, FigureView, ImageObject, OpenGraphImage, TimelineJSMedia
from dossier.publish.urls import Urls
from dossier.source.media import Variant, variants


def figure_view(figure: Figure, urls: Urls, eager: bool = False) -> FigureView:
    """The figure: its responsive picture (``eager``: at the top of the page), caption and credit."""
    html = picture(figure.file, urls.base_path, figure.ref.alt, eager)
    return {"picture": Markup(html), "caption": figure.ref.caption, "credit": figure.ref.credit}


def og_image(figure: Figure, urls: Urls) -> OpenGraphImage | None:
    """The largest file of the image in a format every social site reads (not WebP, not SVG)."""
    found = [v for v in variants(figure.file) if v.suffix in ("jpg", "png")]
    if not found:
        return None
    largest = found[-1]
    url = urls.absolute(largest.path)
    return {"url": url, "width": largest.width, "height": largest.height, "alt": figure.ref.alt, "type": largest.mime}


FEED_WIDTH = 960
"""The width of the file a feed reader shows for an entry (the published width nearest to it)."""


def feed_image(figure: Figure, urls: Urls) -> FeedImage | None:
    """An article's image in its feed entry, in a format every reader reads (not WebP, not SVG):
    the file nearest :data:`FEED_WIDTH` pixels wide, and the smallest as its thumbnail."""
    found = [v for v in variants(figure.file) if v.suffix in ("jpg", "png")]
    if not found:
        return None
    shown = min(found, key=lambda v: (abs(v.width - FEED_WIDTH), v.width))

    def file(variant: Variant) -> FeedImageFile:
        url = urls.absolute(variant.path)
        return {"url": url, "width": variant.width, "height": variant.height, "type": variant.mime}

    return {"content": file(shown), "thumbnail": file(found[0]), "alt": figure.ref.alt, "credit": figure.ref.credit}


def timelinejs_media(figure: Figure, urls: Urls) -> TimelineJSMedia:
    """An event's media in TimelineJS3's format: its largest file, its text, caption and credit."""
    media: TimelineJSMedia = {"url": urls.absolute(variants(figure.file)[-1].path), "alt": figure.ref.alt}
    if figure.ref.caption:
        media["caption"] = figure.ref.caption
    if figure.ref.credit:
        media["credit"] = figure.ref.credit
    return media


def image_object(figure: Figure, urls: Urls) -> ImageObject:
    """schema.org ImageObject: the largest file published, its caption and credit."""
    largest = variants(figure.file)[-1]
    url = urls.absolute(largest.path)
    data: ImageObject = {
        "@type": "ImageObject",
        "contentUrl": url,
        "url": url,
        "width": largest.width,
        "height": largest.height,
    }
    if figure.ref.caption:
        data["caption"] = figure.ref.caption
    if figure.ref.credit:
        data["creditText"] = figure.ref.credit
    return data
