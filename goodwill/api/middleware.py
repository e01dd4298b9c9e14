from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class JsonMethodNotAllowed:
    """The API answers a wrong method in its own error shape, not django-ninja's plain text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            detail = f"{request.method} is not allowed here; use {allowed}."
            replaced = JsonResponse({"detail": detail, "errors": []}, status=405)
            replaced["Allow"] = allowed
            return replaced
        return response
