"""JSON API v1 (`/api/v1`): public intake and tracking, and staff access by personal access token.

models.py holds the token table; tokens.py issues, revokes and checks tokens; problems.py shapes
errors as `application/problem+json`; spec.py is the OpenAPI 3.1 description; views.py the API
blueprint; token_views.py the staff pages where a user makes and revokes their tokens.
"""
