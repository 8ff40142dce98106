"""The HTTP app: the API for other agencies' systems and the staff's web desk.

It has no rules of its own: who may act is ``domain.permissions``, answers
come from ``projections.queries``, and the acting person is the signed-in
principal (``web.principal``), never a claim typed into a request.
"""
