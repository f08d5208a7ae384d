"""Refusals and missing pages answer in the page shell, in the reader's language, with a way back."""

import pytest
from django.test import Client, override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def test_403_is_a_styled_page_in_the_shell(org, login):
    client = login(org.staff)
    response = client.get("/settings/policy/")  # administrators and inspectors only
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-status="403"' in html and 'id="mainnav"' in html
    assert "这个页面不属于您的角色" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/settings/policy/").content.decode()
    assert "This page is not for your role" in html


def test_404_is_a_styled_page_in_the_shell(org, login):
    response = login(org.staff).get("/people/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html and 'id="mainnav"' in html


@override_settings(DEBUG=False)
def test_500_page_renders_without_a_request():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert 'data-status="500"' in html


def test_500_handler_answers_with_the_page(settings):
    from django.views.defaults import server_error

    response = server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500 and b'data-status="500"' in response.content


def _boom(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "系统出现了错误"), ("en", "Something went wrong on our side")],
)
def test_a_view_that_raises_answers_with_the_styled_500_in_the_readers_language(
    language, words, django_db_blocker
):
    """A real failure through the whole middleware stack: the shell's styles and brand, in the
    reader's language, and no database needed (this test may not touch it: 500.html must render
    when the database is what failed)."""
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    with django_db_blocker.block():
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html and 'class="navbar' in html and "css/app.css" in html
    assert f'lang="{language}"' in html
    assert words in html
