"""Kunskapsbanken's content model, checks, build and command line, in four layers.

model/ reads docs/ and data/ once into one content model; checks/ holds every rule as a
function of it; build/ is everything MkDocs calls (and the only layer that imports the
stack); tools/ is the `kb` command. No rule is written twice.
"""
