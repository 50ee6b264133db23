"""The offline demo's parts: a fake news outlet on loopback and the story it publishes and scrubs.

The same fake outlet serves the test suite, so scrubwatch is exercised over real sockets against
a site that behaves like a real one, without touching the network.
"""
