"""What both Adsterra APIs share, written once: error body, one-token-at-a-time auth, list envelopes, report roll-ups."""
