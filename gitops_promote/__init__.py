"""gitops-promote: update, roll back and promote service specs in a GitOps repository."""

__version__ = "0.1.0"
