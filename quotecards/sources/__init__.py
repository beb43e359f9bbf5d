"""Where a card's words and picture come from: post files and their front matter (read, and
edited only where asked), the site's field map, publishing rules, the post's language, and the
featured image fetched from a file, a mirror or the network (public addresses only, for the
preview)."""
