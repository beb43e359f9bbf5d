"""A picture to bytes: the formats a card can be written in, the fast PNG writer, and the lossy
formats searched for the best quality that fits a network's byte budget."""
