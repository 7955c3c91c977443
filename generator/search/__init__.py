"""Search step: the static n-gram index written into the built site.

``text`` says what each item's searchable text is and normalises it the same
way as queries (its tables are in ``data/``), ``index`` cuts posting lists into
small static files, ``write`` is the post-build step that puts them in the site.
"""
