"""Text, before it meets a picture: the text as a copy editor would have it (cleanup), dates in
the reader's language, the fonts and which face sets each character, where lines may break,
runs of one face and direction, and lines set at the largest size that fits a box."""
