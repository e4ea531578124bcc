"""Contract test suite: schemathesis property tests of any implementation of the mocked APIs against openapi/."""
