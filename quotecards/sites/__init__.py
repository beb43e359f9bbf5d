"""Site generators: Hugo, Jekyll, Eleventy and MkDocs, each getting its cards where it serves
them, and every page pointed at its card the way that generator's templates read it."""
