"""Response headers every dynamic page needs."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Nothing the application renders may be kept by a browser or a proxy: staff pages and the API show
    victims' personal data, portal pages a victim's case, and a shared computer's back button or cache
    must not show them to the next person. (Static files are served by WhiteNoise before this runs, with
    their own long-lived caching.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL) and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
