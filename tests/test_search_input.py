"""Search and filter parameters of the pages: odd input never answers 500 (PostgreSQL refuses
NUL characters in text comparisons, so each lookup must guard against it)."""

import pytest

pytestmark = pytest.mark.django_db

URLS = [
    "/accounts/?q=a%00b",
    "/accounts/?page=%00",
    "/rota/?engineer=a%00b",
    "/notices/?tz=a%00b",
    "/?priority=%00&tier=%00&show=%00",
    "/tickets/new/?account=%00",
    "/tickets/new/?account_q=a%00b",
    "/tickets/new/?account_q=a%00b&account=%00",
    "/presales/exceptions/new/?ticket=%00",
]


@pytest.mark.parametrize("url", URLS)
def test_odd_search_input_is_never_a_server_error(client, lee_leadership, sam_support, url):
    for user in (sam_support, lee_leadership):
        client.force_login(user)
        assert client.get(url).status_code < 500, url


@pytest.mark.parametrize("url", ["/presales/new/?q=a%00b", "/presales/new/?account=%00"])
def test_odd_input_on_the_ce_form_is_never_a_server_error(client, cara_ce, url):
    client.force_login(cara_ce)
    assert client.get(url).status_code < 500, url
