"""Cases of the hostile table that fail on today's code: id -> what happens today.

Each is a strict xfail: the fix that makes a case pass must delete its line here. Together
this is the to-do list of issue 15.
"""

# ruff: noqa: E501

from __future__ import annotations

# fmt: off
XFAIL: dict[str, str] = {
    'odd-yaml-unknown-tag-on-target-update': 'exit 1: envs/prod/api.yaml: internal error: the edited file would not contain the intended values; nothing ...',
    'not-mapping-list-update': "says: --set 'replicas=4': / is a list; address an item by its index",
    'not-mapping-list-diff': 'exit 0, nothing on stderr',
    'not-mapping-list-promote': 'exit 0, nothing on stderr',
    'not-mapping-list-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-list-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-scalar-update': "says: --set 'replicas=4': / is a single value, not a mapping",
    'not-mapping-scalar-diff': 'exit 0, nothing on stderr',
    'not-mapping-scalar-promote': 'exit 0, nothing on stderr',
    'not-mapping-scalar-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-scalar-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-null-update': "says: --set 'replicas=4': / is a single value, not a mapping",
    'not-mapping-null-diff': 'exit 0, nothing on stderr',
    'not-mapping-null-promote': 'exit 0, nothing on stderr',
    'not-mapping-null-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-null-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-tilde-update': "says: --set 'replicas=4': / is a single value, not a mapping",
    'not-mapping-tilde-diff': 'exit 0, nothing on stderr',
    'not-mapping-tilde-promote': 'exit 0, nothing on stderr',
    'not-mapping-tilde-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-tilde-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-empty-update': "says: --set 'replicas=4': envs/prod/api.yaml holds 0 documents; prefix the path with the document, e.g. Dep...",
    'not-mapping-empty-diff': 'exit 0, nothing on stderr',
    'not-mapping-empty-promote': 'exit 0, nothing on stderr',
    'not-mapping-empty-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-empty-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-only-comments-update': "says: --set 'replicas=4': envs/prod/api.yaml holds 0 documents; prefix the path with the document, e.g. Dep...",
    'not-mapping-only-comments-diff': 'exit 0, nothing on stderr',
    'not-mapping-only-comments-promote': 'exit 0, nothing on stderr',
    'not-mapping-only-comments-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-only-comments-check': 'check reports only: envs/prod/api.yaml:1: env var LOG_LEVEL is set in staging (envs/staging/api.yaml:8) but...',
    'not-mapping-second-document-update': "says: --set 'replicas=4': envs/prod/api.yaml holds 2 documents; prefix the path with the document, e.g. Dep...",
    'not-mapping-second-document-diff': 'exit 0, nothing on stderr',
    'not-mapping-second-document-promote': 'exit 0, nothing on stderr',
    'not-mapping-second-document-rollback-retain': 'exit 0, nothing on stderr',
    'not-mapping-second-document-check': 'check reports only: envs/prod/api.yaml:7: env var NEW_QUEUE is set in staging (envs/staging/api.yaml:9) but...',
    'bomb-50000-keys-update': "ruamel's pure-Python parser: about 7 s of CPU for 50,000 keys (linear now, no longer quadratic); needs a C parser",
    'bomb-50000-keys-check': "ruamel's pure-Python parser: about 7 s of CPU for 50,000 keys (linear now, no longer quadratic); needs a C parser",
    'bomb-1mb-line-update': "ruamel's pure-Python parser: about 12 s of CPU for 125,000 flow items on one line (linear now); needs a C parser",
    'bomb-1mb-line-check': "ruamel's pure-Python parser: about 12 s of CPU for 125,000 flow items on one line (linear now); needs a C parser",
}
# fmt: on
