"""Small middleware of the core."""


class PreviewFrameOptionsMiddleware:
    """Let the Wagtail admin frame its own previews while everything else is DENY.

    ``X_FRAME_OPTIONS = "DENY"`` keeps the portals and API out of foreign
    frames (and ``check --deploy`` quiet); the editor's live preview panel is
    an iframe of the same origin, so only preview URLs get SAMEORIGIN.
    ``XFrameOptionsMiddleware`` leaves a header that is already set alone;
    the Content-Security-Policy's ``frame-ancestors`` follows the same rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        if path.startswith("/admin/") and "/preview/" in path:
            response.setdefault("X-Frame-Options", "SAMEORIGIN")
            # The Content-Security-Policy says the same (browsers follow it first).
            response._csp_replace = {"frame-ancestors": ["'self'"]}
        return response
