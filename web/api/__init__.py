"""The API's routes, one module per family: the register's questions, proposals and their
steps, the directories the Secretariat keeps, and the audits.

Every route depends on the signed-in principal (``web.authentication``) and
asks ``domain.permissions`` before it answers or acts (``web.api.deps``).
"""
