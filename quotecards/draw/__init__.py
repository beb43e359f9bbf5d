"""Drawing a card: layouts and platforms as validated data, the plan of one card (post × layout
× platform), the photo decoded and cropped, where its subject is and where the text goes off it,
contrast and veils, and the layers rendered into a picture."""
