"""The staff desk: server-rendered pages, one router module per page family."""
