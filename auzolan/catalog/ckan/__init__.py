"""CKAN's Action API v3 (read) over the catalogue: `actions` (one function per action and the registry other apps
add theirs to), `dictize` (CKAN's dictionaries), `params` (CKAN's parameter forms), `views` and `urls`."""
