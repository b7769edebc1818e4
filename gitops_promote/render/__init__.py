"""Renderings of results, one module per kind, imported by the outer layer (the CLI) one by one
as a command needs them (this package imports none of them, so a command pays only for its own):

- :mod:`.text`: terminal text; :mod:`.elide` cuts a pair of values to one terminal line;
  :mod:`.files`: a directory spec's files as ``show`` prints them
- :mod:`.jsondata`: the JSON documents of ``--output json`` and the Action's outputs
- :mod:`.promotionjson`: the JSON document of ``diff`` and ``promote``, with JSON patches
- :mod:`.markdown`: Markdown job summaries
- :mod:`.prbody`: the promotion pull request's title, body and job summary, built from
  :mod:`.prvalues` (one value, path or change in Markdown)

Pure functions over result values; nothing here prints, reads files or calls git. The use cases
return results and know nothing of this package; its modules import result types only under
``TYPE_CHECKING``.
"""
