"""Review step: what changed between two catalogues and whether the change follows 动态管理 rules.

``gitread`` reads a catalogue from a folder or a git revision, ``diff`` writes the
reviewer's report (``qingdan diff``), ``policy`` adds the approval rules to
``qingdan check --against``.
"""
