"""What several apps read and nobody owns: national identifiers and their validators (in Python and
as SQL), SQL building through sqlglot, patterns every database reads alike, and the read-only
connectors to the units' own databases and file folders. It imports only `core`; every app may
import it."""
