"""What the crash and drop tests share: psql queries and a cookie-keeping HTTP client that does not
follow redirects (a redirect's Location is the answer). Standard library only."""
import http.cookiejar, subprocess, urllib.request


def sql(db, q):
    """Rows of `q` as lists of strings."""
    out = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-F", "|", db, "-c", q], check=True, capture_output=True, text=True)
    return [line.split("|") for line in out.stdout.strip().splitlines() if line]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def client():
    """A new shopper: its own cookie jar (session), redirects left to the caller."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())
