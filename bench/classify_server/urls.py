from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The baseline: the same server, workers and middleware stack, and a view that does nothing."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("rencai.urls"))]
