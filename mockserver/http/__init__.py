"""The HTTP pipeline around connexion, outermost first: gateway, auth, validation, resolver; framework.py is the one seam to connexion's internals."""
