"""Pure tools with no state of their own: errors and body formats, reading specs and routing by them, examples, generated data."""
