"""Sessions: split impressions over sessions, with shade, needle and schedule."""

from smpstudio.sessions._split import cumulative_shares, split_sessions

__all__ = ["cumulative_shares", "split_sessions"]
