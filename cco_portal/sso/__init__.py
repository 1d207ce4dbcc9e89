"""Single sign-on per organization with OpenID Connect: an organization's admins name their identity provider,
and people whose email domain the organization covers sign in there instead of with a password.

models.py (the provider and its domains), services.py (writes: the configuration, the sign-in's account and
membership), selectors.py (reads: whose domain, whose password is off), oidc.py (the protocol, through Authlib:
discovery, PKCE, state, nonce, the ID token's verification), and the pages: forms.py, views.py, urls.py; the API is
api/. The protocol is Authlib's: nothing here parses or checks a token by hand."""
