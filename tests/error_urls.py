"""The project's URLs plus one view that fails: to see the 500 page (tests/test_error_pages.py)."""

from django.urls import path

from outsourcing.urls import *  # noqa: F403 - the URLs and the error handlers
from outsourcing.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("broken/", broken)]
