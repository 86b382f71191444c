import pytest
from django.test import RequestFactory

from auzolan.core.http import client_ip, safe_next


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # no trusted proxy: the header is ignored (spoofable)
        (1, "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.1", "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the client's own forged entry is skipped
        (2, "10.0.0.1", "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "10.0.0.1", "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: fall back to the socket address
        (1, "10.0.0.1", "not-an-ip", ""),
        (1, "10.0.0.1", "[2001:db8::1]", "2001:db8::1"),
        (0, "", "", ""),
    ],
)
def test_client_ip_counts_trusted_proxies_from_the_right(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_allauth_counts_the_same_proxies(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/participer/", "/participer/"),
        ("/donnees/?q=velo", "/donnees/?q=velo"),
        ("https://evil.example/", "/default/"),
        ("//evil.example/", "/default/"),
        ("participation:process_list", "/default/"),  # a view name is not a path
        ("/a\r\nLocation: https://evil.example/", "/default/"),
        ("", "/default/"),
    ],
)
def test_safe_next_keeps_only_paths_of_this_site(target, expected):
    request = RequestFactory().post("/", HTTP_HOST="testserver")
    assert safe_next(request, target, "/default/") == expected
