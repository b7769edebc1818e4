"""Commit messages and trailers (SPEC section 6)."""

from __future__ import annotations

from gitops_promote import messages


def test_rollback_message_follows_the_spec_pattern() -> None:
    msg = messages.rollback_message("prod", "api", "v10", "v5", "abc123", "v11", None)
    assert msg.splitlines()[0] == "rollback(prod/api): v10 -> v5 as v11"
    assert msg.rstrip().endswith(
        "Gitops-Promote-Kind: rollback\nGitops-Promote-Restores: v5 abc123"
    )


def test_promote_message_names_source_env_version_and_sha() -> None:
    msg = messages.promote_message("api", "staging", "v7", "f00d", "prod", None)
    assert msg.splitlines()[0] == "promote(api): staging v7 -> prod"
    assert "Gitops-Promote-Kind: promote\nGitops-Promote-Source: staging v7 f00d" in msg


def test_update_message_lists_each_change_and_uses_the_users_summary() -> None:
    msg = messages.update_message(
        "prod", "api", [("/replicas", 2, 3), ("/env/A", None, "x")], "scale for launch"
    )
    lines = msg.splitlines()
    assert lines[0] == "update(prod/api): scale for launch"
    assert "- /replicas: 2 -> 3" in lines and '- /env/A: null -> "x"' in lines
    assert lines[-1] == "Gitops-Promote-Kind: update"


def test_trailers_are_the_last_paragraph() -> None:
    msg = messages.update_message("dev", "api", [("/image", "a", "b")], None)
    assert msg.split("\n\n")[-1] == "Gitops-Promote-Kind: update\n"


def test_diff_pr_body_is_the_message_without_trailers_and_the_diff() -> None:
    msg = messages.update_message("prod", "api", [("/replicas", 2, 3)], "scale\n\nfor launch")
    diff = "--- a/envs/prod/api.yaml\n+++ b/envs/prod/api.yaml\n-replicas: 2\n+replicas: 3\n"
    body = messages.diff_pr_body(msg, diff, "envs/prod/api.yaml")
    assert body.startswith("## update(prod/api): scale\n\nfor launch\n\n- /replicas: 2 -> 3\n")
    assert messages.TRAILER_PREFIX not in body
    assert body.endswith(f"Changes to `envs/prod/api.yaml`:\n\n```diff\n{diff}```\n")
