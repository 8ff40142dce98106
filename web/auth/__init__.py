"""Signing people in: the identity provider's flow (``oidc``) and its routes."""
