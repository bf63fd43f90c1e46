"""smcbot: answers questions about the Social Media Club France's archive of sessions."""

__version__ = "0.1.0"
