"""The whole demo clinic behind `manage.py load_demo`: each app builds its own part of it, and
this app calls them in order, so the public site's code never reaches the health records."""
