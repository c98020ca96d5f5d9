from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """Session login with CSRF, answering 401 (not 403) to requests without a login."""

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'
