"""The HTTP benchmark's parts: the cached register, the app's process, the figures."""
