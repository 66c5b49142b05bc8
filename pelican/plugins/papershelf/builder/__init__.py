"""The build: the Pelican generator, the cache that makes rebuilds
incremental, and the processes that share the work."""
