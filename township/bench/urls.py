"""Every URL of the application plus ``/bench/trivial``: the web benchmark's floor, a view that
goes through the whole middleware stack (session, authentication, CSP ...) and renders nothing."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial, name="bench_trivial"),
    path("", include("township.urls")),
]
