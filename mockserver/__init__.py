"""Spec-first stateful mocks of ad-tracking and ad-network APIs, served by connexion from openapi/."""

__version__ = "0.1.0"
