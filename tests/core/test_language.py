import pytest


@pytest.mark.django_db
def test_french_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


@pytest.mark.django_db
def test_the_chosen_language_is_kept(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert '<html lang="es"' in response.content.decode()
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_french(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="fr"' in client.get("/").content.decode()
