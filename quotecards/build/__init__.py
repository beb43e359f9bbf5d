"""Many posts: a whole archive built incrementally in worker processes, what a build remembers
between runs, the card store a CI cache carries, shards and their merge, and the manifest and
gallery of what was made."""
