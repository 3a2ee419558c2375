"""Kunskapsbanken's content model, checks, generators and command line.

Everything reads one content model (see load.py); the `kb` command, the MkDocs hooks
and the tests are consumers of it, so no rule is written twice.
"""
